// Draws the charts of a page with the vendored ECharts (static/vendor/echarts). The figures come
// from the page's <script type="application/json" id="chart-data"> (Django's json_script), one
// entry per element with a data-chart attribute; nothing here is inline, so the pages need no CSP
// nonce. Tooltips are drawn on the canvas (renderMode "richText"): ECharts' HTML tooltips carry
// inline style attributes, which the CSP (style-src 'self') refuses.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || !window.echarts) { return; }
  var specs = JSON.parse(source.textContent);
  var PALETTE = ["#1e3a8a", "#d97706", "#b91c1c", "#0f766e", "#7c3aed", "#64748b", "#0369a1"];
  var FONT = "\"Noto Sans CJK SC\", \"Source Han Sans SC\", \"Microsoft YaHei\", sans-serif";
  var charts = [];

  function narrow(el) { return el.clientWidth < 480; }

  function base(spec) {
    return {
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: FONT },
      tooltip: { renderMode: "richText", confine: true },
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true }
    };
  }

  function unit(spec) { return spec.unit || ""; }

  function bar(spec, el) {
    var option = base(spec);
    var horizontal = !!spec.horizontal;
    var categories = { type: "category", data: spec.categories,
      axisLabel: { interval: 0, hideOverlap: true, width: narrow(el) ? 110 : 160, overflow: "truncate" } };
    var values = { type: "value", minInterval: 1, max: spec.max, axisLabel: { formatter: "{value}" + (spec.valueSuffix || "") } };
    if (horizontal) { categories.inverse = true; option.grid.right = 48; }
    option.xAxis = horizontal ? values : categories;
    option.yAxis = horizontal ? categories : values;
    option.tooltip.trigger = "axis";
    option.legend = spec.series.length > 1 ? { top: 0, type: "scroll" } : undefined;
    option.series = spec.series.map(function (s) {
      return { type: "bar", name: s.name, data: s.data, stack: spec.stack ? "all" : undefined,
        barMaxWidth: 28, label: { show: !spec.stack, position: horizontal ? "right" : "top",
          formatter: "{c}" + (spec.valueSuffix || "") } };
    });
    return option;
  }

  function line(spec, el) {
    var option = base(spec);
    option.tooltip.trigger = "axis";
    option.xAxis = { type: "category", data: spec.categories, boundaryGap: false,
      axisLabel: { formatter: function (v) { return v.slice(2).replace("-", "/"); } } };
    option.yAxis = { type: "value", minInterval: 1 };
    option.series = spec.series.map(function (s) {
      return { type: "line", name: s.name, data: s.data, areaStyle: { opacity: 0.12 }, symbolSize: 6 };
    });
    return option;
  }

  function pie(spec, el) {
    var option = base(spec);
    option.tooltip.trigger = "item";
    option.tooltip.formatter = "{b}：{c}" + unit(spec) + "（{d}%）";
    option.series = [{ type: "pie", name: spec.name, data: spec.data, radius: ["32%", "58%"],
      center: ["50%", "52%"], minShowLabelAngle: 3, labelLayout: { hideOverlap: true },
      label: { formatter: "{b}\n{c}" + unit(spec), fontSize: narrow(el) ? 11 : 12 } }];
    return option;
  }

  function map(spec, el) {
    var option = base(spec);
    var max = Math.max.apply(null, [1].concat(spec.data.map(function (d) { return d.value; })));
    option.tooltip.trigger = "item";
    option.tooltip.formatter = function (p) {
      return p.name + "：" + (p.value > 0 ? p.value : 0) + unit(spec);
    };
    option.visualMap = { min: 0, max: max, left: 8, bottom: 8, itemHeight: narrow(el) ? 80 : 120,
      text: [max + unit(spec), "0"], calculable: false, inRange: { color: ["#e0e7ff", "#1e3a8a"] } };
    option.series = [{ type: "map", map: spec.mapName || "gansu", name: spec.name, data: spec.data,
      roam: false, labelLayout: { hideOverlap: true }, layoutCenter: ["50%", "50%"], layoutSize: "100%",
      label: { show: !narrow(el), fontSize: 11, color: "#0f172a", textBorderColor: "#fff",
        textBorderWidth: 2 },
      emphasis: { label: { show: true }, itemStyle: { areaColor: "#f59e0b" } },
      itemStyle: { borderColor: "#fff", borderWidth: 1 } }];
    return option;
  }

  var BUILD = { bar: bar, line: line, pie: pie, map: map };

  // Nothing to draw: no categories or slices, or a total of zero the page says it counted. A
  // value of 0 (an on-time rate of 0%) is a figure, not emptiness.
  function empty(spec) {
    if (spec.kind === "map") { return false; }
    if (spec.total === 0) { return true; }
    return (spec.data || spec.categories).length === 0;
  }

  function draw(el, spec) {
    if (empty(spec)) {
      el.classList.add("chart-empty");
      el.textContent = "暂无数据";
      el.dataset.rendered = "empty";
      return;
    }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.on("finished", function () { el.dataset.rendered = "1"; });
    chart.setOption(BUILD[spec.kind](spec, el));
    chart.on("click", function (p) {
      var href = (p.data && p.data.href) || (spec.links && spec.links[p.dataIndex]);
      if (href) { window.location.href = href; }
    });
    charts.push(chart);
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), function (el) {
    var spec = specs[el.dataset.chart];
    if (!spec || !BUILD[spec.kind]) { return; }
    if (spec.kind !== "map") { draw(el, spec); return; }
    var name = spec.mapName || "gansu";
    fetch(spec.geo, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (geo) {
        // A parsed object: ECharts decodes its compressed coordinates ("UTF8Encoding") itself.
        window.echarts.registerMap(name, geo);
        el.dataset.regions = String(geo.features.length);
        draw(el, spec);
      })
      .catch(function () { el.classList.add("chart-empty"); el.textContent = "地图加载失败"; });
  });

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 150);
  });
})();
