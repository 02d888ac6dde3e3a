// A form marked data-confirm asks before it is sent (publishing, issuing: steps that cannot be
// taken back). Without script the form still works; the service refuses a second submission.
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
})();
