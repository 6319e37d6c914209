// The dashboard's charts: each `.echart` element carries its rows (from /api/v1/stats/hazards'
// shape) in `data-rows` and its drawing in `data-chart`; the series names come translated in the
// page's `data-series`. Drawn as SVG so they print sharp.
(function () {
  "use strict";
  var BLUE = "#1f6feb", RED = "#d1242f", GREEN = "#1a7f37", GREY = "#8c959f", ORANGE = "#bc4c00";

  function options(kind, rows, names) {
    var labels = rows.map(function (r) { return r.label; });
    var pick = function (f) { return rows.map(f); };
    var grid = { left: 8, right: 24, top: 36, bottom: 8, containLabel: true };
    var legend = { top: 0 };
    var tooltip = { trigger: "axis", axisPointer: { type: "shadow" } };
    if (kind === "month") {
      return {
        color: [BLUE, GREEN, RED], grid: grid, legend: legend, tooltip: tooltip,
        xAxis: { type: "category", data: labels },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: names.found, type: "bar", data: pick(function (r) { return r.total; }) },
          { name: names.closed, type: "bar", data: pick(function (r) { return r.closed; }) },
          { name: names.overdue, type: "line", data: pick(function (r) { return r.overdue; }) }
        ]
      };
    }
    if (kind === "place" || kind === "sector") {
      // Horizontal bars, the largest on top.
      var rev = rows.slice().reverse();
      var first = kind === "place"
        ? { name: names.open, key: function (r) { return r.open - r.overdue; }, color: ORANGE }
        : { name: names.total, key: function (r) { return r.total; }, color: BLUE };
      var second = kind === "place"
        ? { name: names.overdue, key: function (r) { return r.overdue; }, color: RED }
        : { name: names.open_all, key: function (r) { return r.open; }, color: ORANGE };
      return {
        grid: grid, legend: legend, tooltip: tooltip,
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: rev.map(function (r) { return r.label; }) },
        series: [
          { name: first.name, type: "bar", stack: kind === "place" ? "s" : undefined, color: first.color,
            data: rev.map(first.key) },
          { name: second.name, type: "bar", stack: kind === "place" ? "s" : undefined, color: second.color,
            data: rev.map(second.key) }
        ]
      };
    }
    // The share closed on time, per place.
    return {
      grid: grid, tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
      xAxis: { type: "category", data: labels, axisLabel: { interval: 0, rotate: labels.length > 6 ? 40 : 0 } },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: [{
        name: names.rate, type: "bar", color: GREEN,
        data: rows.map(function (r) {
          var v = r.on_time_percent;
          return { value: v, itemStyle: { color: v < 80 ? RED : v < 95 ? ORANGE : GREEN } };
        }),
        label: { show: true, position: "top", formatter: "{c}%" }
      }]
    };
  }

  function draw() {
    var board = document.querySelector(".dashboard");
    if (!board || typeof echarts === "undefined") return;
    var names = JSON.parse(board.getAttribute("data-series") || "{}");
    var charts = [];
    board.querySelectorAll(".echart").forEach(function (el) {
      var rows = JSON.parse(el.getAttribute("data-rows") || "[]");
      if (!rows.length) { el.classList.add("chart-empty"); return; }
      if (el.getAttribute("data-chart") === "place" || el.getAttribute("data-chart") === "sector") {
        el.style.height = Math.max(240, rows.length * 26 + 60) + "px";
      }
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption(options(el.getAttribute("data-chart"), rows, names));
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
    board.setAttribute("data-drawn", String(charts.length));
  }

  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-action=print]");
    if (b) { window.print(); }
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
