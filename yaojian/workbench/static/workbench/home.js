// Work portal home: enterprises by division (or by type for a county bureau).
(function () {
  "use strict";
  const element = document.getElementById("chart-enterprises");
  if (!element || !window.echarts) return;
  const byDivision = JSON.parse(document.getElementById("data-by-division").textContent || "[]");
  const byKind = JSON.parse(document.getElementById("data-by-kind").textContent || "[]");
  const rows = byDivision.length
    ? byDivision.map((d) => [d.name, d.count])
    : byKind.map((d) => [d.label, d.n]);
  const chart = window.echarts.init(element);
  chart.setOption({
    grid: { left: 8, right: 40, top: 16, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis" },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: rows.map((r) => r[0]) },
    series: [{ type: "bar", data: rows.map((r) => r[1]), barMaxWidth: 22, itemStyle: { color: "#0b5cad" },
               label: { show: true, position: "right" } }],
  });
  window.addEventListener("resize", () => chart.resize());
})();
