// Draws the charts whose data a page carries in <script type="application/json">.
// Pages show the same figures as tables, so nothing depends on this script.
(function () {
  function draw(el) {
    var data = JSON.parse(document.getElementById(el.dataset.source).textContent);
    var styles = {
      actual: { lineStyle: { width: 3 }, symbolSize: 7 },
      pending: { type: "scatter", symbol: "emptyCircle", symbolSize: 11 },
      target: { lineStyle: { type: "dashed" }, symbol: "none" },
      expected: { lineStyle: { type: "dotted" }, symbol: "none" },
      seasonal: { lineStyle: { type: "dashed", width: 2 }, symbol: "none" },
      last_year: { lineStyle: { width: 1, opacity: 0.7 }, symbol: "emptyCircle", symbolSize: 4, itemStyle: { color: "#8a94a6" } },
      trajectory: { lineStyle: { type: "dashed", width: 1 }, symbol: "circle" }
    };
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      // The legend sits under the chart, where it may wrap on a phone without
      // covering the unit written above the value axis.
      legend: { bottom: 0, type: "scroll" },
      grid: { left: 12, right: 16, top: 36, bottom: 56, containLabel: true },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", name: data.unit, nameTextStyle: { align: "left" } },
      series: data.series.map(function (s) {
        return Object.assign({ type: "line", name: s.name, data: s.data, connectNulls: s.kind !== "actual" }, styles[s.kind] || {});
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
})();
