// The annual assessment's portal charts with the vendored ECharts: the Gansu map coloured by
// grade (each prefecture's colour comes with its data, from views_public.GRADE_COLOURS) and a
// unit's trend over the years. Figures from <script id="chart-data"> (json_script); nothing
// inline, tooltips on the canvas (the CSP refuses ECharts' inline-styled HTML tooltips).
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || !window.echarts) { return; }
  var specs = JSON.parse(source.textContent);
  var FONT = "\"Noto Sans CJK SC\", \"Source Han Sans SC\", \"Microsoft YaHei\", sans-serif";
  var charts = [];

  function narrow(el) { return el.clientWidth < 480; }

  function gradeMap(spec, el) {
    return {
      animation: false,
      textStyle: { fontFamily: FONT },
      tooltip: { renderMode: "richText", confine: true, trigger: "item",
        formatter: function (p) {
          return p.data ? p.name + "：" + p.data.value + "分，" + p.data.grade + "，第" + p.data.rank + "名"
            : p.name + "：未公布";
        } },
      series: [{ type: "map", map: "gansu-grades", data: spec.data, roam: false,
        layoutCenter: ["50%", "50%"], layoutSize: "100%", labelLayout: { hideOverlap: true },
        label: { show: !narrow(el), fontSize: 11, color: "#0f172a", textBorderColor: "#fff", textBorderWidth: 2 },
        emphasis: { label: { show: true }, itemStyle: { areaColor: "#f59e0b" } },
        itemStyle: { borderColor: "#fff", borderWidth: 1, areaColor: "#cbd5e1" } }]
    };
  }

  function trend(spec) {
    return {
      animation: false,
      textStyle: { fontFamily: FONT },
      color: ["#1e3a8a"],
      tooltip: { renderMode: "richText", confine: true, trigger: "axis" },
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: spec.categories },
      yAxis: { type: "value", min: 0, max: 100 },
      series: [{ type: "line", name: "总分", data: spec.data, symbolSize: 7,
        label: { show: true, formatter: function (p) { return p.value + " " + spec.grades[p.dataIndex]; } } }]
    };
  }

  function draw(el, option) {
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.on("finished", function () { el.dataset.rendered = "1"; });
    chart.setOption(option);
    chart.on("click", function (p) { if (p.data && p.data.href) { window.location.href = p.data.href; } });
    charts.push(chart);
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), function (el) {
    var spec = specs[el.dataset.chart];
    if (!spec) { return; }
    if (spec.kind === "trend") { draw(el, trend(spec)); return; }
    if (spec.kind !== "grade-map") { return; }
    fetch(spec.geo, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (geo) {
        window.echarts.registerMap("gansu-grades", geo);
        el.dataset.regions = String(geo.features.length);
        el.dataset.coloured = String(spec.data.length);
        draw(el, gradeMap(spec, el));
      })
      .catch(function () { el.classList.add("chart-empty"); el.textContent = "地图加载失败"; });
  });

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 150);
  });
})();
