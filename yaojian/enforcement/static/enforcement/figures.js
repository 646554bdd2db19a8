// Penalty case figures: by status, by source, by jurisdiction (open and overdue).
(function () {
  "use strict";
  if (!window.echarts) return;
  const data = JSON.parse(document.getElementById("data-figures").textContent || "{}");
  const charts = [];
  const init = (id, option) => {
    const element = document.getElementById(id);
    if (!element) return;
    const chart = window.echarts.init(element);
    chart.setOption(option);
    charts.push(chart);
  };
  init("chart-status", {
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis" },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: data.status_labels },
    series: [{ name: data.series_cases, type: "bar", barMaxWidth: 20, itemStyle: { color: "#0b5cad" },
               label: { show: true, position: "right" }, data: data.status_values }],
  });
  init("chart-source", {
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["35%", "70%"], data: data.source_items, label: { formatter: "{b}: {c}" } }],
  });
  init("chart-region", {
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis" },
    legend: { data: [data.series_open, data.series_overdue] },
    xAxis: { type: "category", data: data.region_labels, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: data.series_open, type: "bar", itemStyle: { color: "#0b5cad" }, data: data.region_open },
      { name: data.series_overdue, type: "bar", itemStyle: { color: "#dc3545" }, data: data.region_overdue },
    ],
  });
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();
