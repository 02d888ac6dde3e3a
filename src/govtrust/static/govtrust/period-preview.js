// Shows, before the record form is submitted, whether and how long the record will be public.
// The period is computed by the server (GET /api/v1/tools/publication-period, the same engine the
// publication service uses); this script only sends the form's fields and shows the answer.
(function () {
  "use strict";
  var box = document.getElementById("period-preview");
  var form = box && box.closest("form");
  if (!form) { return; }
  var fields = ["source_type", "severity", "procedure", "safety_area", "court_ground",
    "extension_years", "decision_date"];
  var timer = null;
  function value(name) {
    var input = form.elements.namedItem(name);
    return input && "value" in input ? input.value : "";
  }
  function describe(data) {
    if (!data.maximum_end && !data.minimum_end && !data.public_on) {
      return "该记录不予公示。依据：" + data.source;
    }
    if (data.maximum_end && !data.public_on) {
      return "公示期已于 " + data.maximum_end + " 届满，不再公示。依据：" + data.source;
    }
    var end = data.maximum_end ? "公示至 " + data.maximum_end : "公示至人民法院删除之日止";
    var minimum = data.minimum_end ? "；最短公示期至 " + data.minimum_end + "，次日起可申请信用修复" : "";
    return end + minimum + "。依据：" + data.source;
  }
  function ask() {
    var params = new URLSearchParams();
    fields.forEach(function (name) {
      var v = value(name);
      if (v) { params.append(name, v); }
    });
    form.querySelectorAll("input[name=penalties]:checked").forEach(function (input) {
      params.append("penalty", input.value);
    });
    var minor = form.elements.namedItem("minor_published");
    if (minor && minor.checked) { params.append("minor_published", "true"); }
    if (!params.get("decision_date") || !params.get("source_type")) {
      box.textContent = "填写失信来源和决定日期后显示公示期限。";
      return;
    }
    fetch(box.dataset.url + "?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json().then(function (d) { return [response.ok, d]; }); })
      .then(function (result) {
        box.textContent = result[0] ? describe(result[1]) : "无法计算公示期限：" + result[1].detail;
      })
      .catch(function () { box.textContent = "暂时无法计算公示期限。"; });
  }
  form.addEventListener("change", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 150);
  });
  ask();
})();
