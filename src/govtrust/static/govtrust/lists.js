// Back-office lists: select all rows of a page for a bulk action, and a confirmation dialog
// before an action that cannot be undone (a button or form with data-confirm; "{n}" in the
// message is replaced by the number of rows ticked in the form).
(function () {
  "use strict";

  function boxes(form) {
    return Array.prototype.slice.call(form.querySelectorAll('input[type=checkbox][name=ids]'));
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!target.form) return;
    if (target.hasAttribute("data-select-all")) {
      boxes(target.form).forEach(function (box) { box.checked = target.checked; });
    } else if (target.name === "ids") {
      var all = target.form.querySelector("[data-select-all]");
      if (!all) return;
      var ticked = boxes(target.form).filter(function (box) { return box.checked; }).length;
      all.checked = ticked > 0 && ticked === boxes(target.form).length;
      all.indeterminate = ticked > 0 && !all.checked;
    }
  });

  var dialog = null;

  function ask(message, onYes) {
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.id = "confirm-dialog";
      dialog.setAttribute("aria-labelledby", "confirm-message");
      dialog.innerHTML =
        '<form method="dialog"><p id="confirm-message"></p><p class="actions">' +
        '<button value="yes" class="primary" id="confirm-yes">确定</button> ' +
        '<button value="no" id="confirm-no">取消</button></p></form>';
      document.body.appendChild(dialog);
    }
    dialog.querySelector("#confirm-message").textContent = message;
    dialog.returnValue = "";
    dialog.onclose = function () {
      if (dialog.returnValue === "yes") onYes();
    };
    dialog.showModal();
    dialog.querySelector("#confirm-no").focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter || null;
    var source = submitter && submitter.hasAttribute("data-confirm") ? submitter : form;
    var message = source.getAttribute && source.getAttribute("data-confirm");
    if (!message || form.method === "dialog") return;
    if (form.getAttribute("data-confirmed") === "1") {
      form.removeAttribute("data-confirmed");
      return;
    }
    event.preventDefault();
    var ticked = boxes(form).filter(function (box) { return box.checked; }).length;
    if (message.indexOf("{n}") >= 0 && ticked === 0) {
      ask("请先勾选要处理的记录。", function () {});
      return;
    }
    ask(message.replace("{n}", String(ticked)), function () {
      form.setAttribute("data-confirmed", "1");
      if (form.requestSubmit) form.requestSubmit(submitter); else form.submit();
    });
  }, true);
})();
