// Live preview of the redaction form: whenever a rule or the sample text changes, the form is
// posted with action=preview and the server answers with the sample as the rules would mask it.
// The server does the masking so the preview is exactly what publications will show (Python's
// regular expressions, the built-in ID rules first); nothing is saved.
(function () {
  "use strict";
  var form = document.getElementById("redaction-form");
  var output = document.getElementById("redaction-preview");
  if (!form || !output) { return; }
  var timer = null;
  var sent = 0;
  function preview() {
    var body = new FormData(form);
    body.set("action", "preview");
    var ticket = ++sent;
    // getAttribute: `form.action` is the submit buttons named "action", not the URL.
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (ticket !== sent) { return; }  // a later edit's answer supersedes this one
        output.textContent = data.preview !== undefined ? data.preview : ("无法预览：" + data.detail);
        output.classList.toggle("error", data.preview === undefined);
      })
      .catch(function () { output.textContent = "预览暂不可用，请点击“预览”按钮"; });
  }
  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(preview, 300);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  preview();
})();
