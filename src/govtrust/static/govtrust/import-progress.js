// Follows a running import: polls its API resource and moves the progress bar; reloads the page
// when the import has finished so the result and the report link appear.
(function () {
  "use strict";
  var box = document.getElementById("import");
  if (!box) { return; }
  var running = ["pending", "running"];
  if (running.indexOf(box.dataset.status) < 0) { return; }
  var bar = document.getElementById("import-progress");
  var count = document.getElementById("import-count");
  var label = document.getElementById("import-status");
  var silent = document.getElementById("worker-silent");
  function poll() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var total = data.total_rows || 0, done = data.processed_rows || 0;
        bar.max = Math.max(total, 1);
        bar.value = done;
        count.textContent = "已处理 " + done + " / " + total + " 行";
        label.textContent = data.status_label;
        if (silent) { silent.hidden = !data.worker_silent; }
        if (running.indexOf(data.status) < 0) { window.location.reload(); }
        else { window.setTimeout(poll, 700); }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 300);
})();
