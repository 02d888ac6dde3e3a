// The verify page: a PDF dropped or chosen is hashed in the browser (Web Crypto SHA-256, the
// file never leaves the machine) and compared with the digest the platform recorded when it
// issued the document, asked of the public verify API by the document's code.
(function () {
  "use strict";
  var box = document.getElementById("pdf-check");
  if (!box) return;
  var drop = document.getElementById("pdf-drop");
  var input = document.getElementById("pdf-file");
  var result = document.getElementById("pdf-result");
  var digestLine = document.getElementById("pdf-digest");

  function say(text, kind) {
    result.textContent = text;
    result.className = kind || "";
  }

  function hex(buffer) {
    var bytes = new Uint8Array(buffer), out = "";
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return out;
  }

  function code() {
    if (box.dataset.code) return box.dataset.code;
    var typed = document.querySelector("#verify-form input[name=code]");
    var raw = (typed ? typed.value : "").toUpperCase().replace(/[^A-Z0-9]/g, "").slice(0, 16);
    return raw.match(/.{1,4}/g) ? raw.match(/.{1,4}/g).join("-") : "";
  }

  function lookup(value) {
    return fetch(box.dataset.api + encodeURIComponent(value), {
      headers: { Accept: "application/json" }, credentials: "omit"
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body.detail || "核验服务暂时不可用，请稍后再试");
        return body;
      });
    });
  }

  function check(file) {
    if (!file) return;
    digestLine.textContent = "";
    if (!window.crypto || !window.crypto.subtle) {
      say("此浏览器（或非 HTTPS 访问）不支持在页面中计算摘要，请改用下方的命令行方法。", "warn");
      return;
    }
    var value = code();
    if (!/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/.test(value)) {
      say("请先在上方填写文件上印的验证码（16位字母和数字），再选择文件。", "warn");
      return;
    }
    if (file.size > 50 * 1024 * 1024) {
      say("文件超过 50 MB，不是平台出具的文件。", "bad");
      return;
    }
    say("正在计算 " + file.name + " 的 SHA-256 摘要……", "");
    file.arrayBuffer()
      .then(function (data) { return window.crypto.subtle.digest("SHA-256", data); })
      .then(function (digest) {
        var mine = hex(digest);
        digestLine.textContent = "所选文件的 SHA-256 摘要：" + mine;
        return lookup(value).then(function (issued) {
          if (issued.sha256 !== mine) {
            say("✗ 不一致：所选文件与验证码 " + value + " 对应的出具文件不同，可能已被改动或不是该文件。", "bad");
          } else if (issued.status === "issued") {
            say("✓ 一致：所选文件与平台出具的原件完全相同（" + issued.kind_label + "《" + issued.title + "》），文件有效。", "ok");
          } else if (issued.status === "superseded") {
            say("! 所选文件是平台出具的原件，但已被替代" + (issued.replaced_by ? "（新文件验证码 " + issued.replaced_by + "）" : "") + "，请以新文件为准。", "warn");
          } else {
            say("! 所选文件是平台出具的原件，但该文件已" + issued.status_label + "。", "warn");
          }
        });
      })
      .catch(function (error) { say("✗ " + (error && error.message ? error.message : "核对失败"), "bad"); });
  }

  input.addEventListener("change", function () { check(input.files && input.files[0]); });
  ["dragenter", "dragover"].forEach(function (name) {
    drop.addEventListener(name, function (event) { event.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    drop.addEventListener(name, function () { drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (event) {
    event.preventDefault();
    var files = event.dataTransfer && event.dataTransfer.files;
    check(files && files[0]);
  });
})();
