// Sampling failure rates by product category: batches tested and failed (bars), rate (line).
(function () {
  "use strict";
  const element = document.getElementById("chart-failure-rates");
  if (!window.echarts || !element) return;
  const data = JSON.parse(document.getElementById("data-failure-rates").textContent || "{}");
  const chart = window.echarts.init(element);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [data.names.tested, data.names.failed, data.names.rate] },
    grid: { left: 40, right: 50, bottom: 40, top: 40 },
    xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, fontSize: 11 } },
    yAxis: [
      { type: "value", minInterval: 1 },
      { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    ],
    series: [
      { name: data.names.tested, type: "bar", data: data.tested, itemStyle: { color: "#0b5cad" } },
      { name: data.names.failed, type: "bar", data: data.failed, itemStyle: { color: "#c0392b" } },
      { name: data.names.rate, type: "line", yAxisIndex: 1, data: data.rate, itemStyle: { color: "#e67e22" } },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
})();
