// Leaders' inspection figures: coverage by jurisdiction and by type (bars and a coverage line),
// findings by grade and checklist kind (stacked bars), overdue items by jurisdiction.
(function () {
  "use strict";
  const source = document.getElementById("data-figures");
  if (!window.echarts || !source) return;
  const data = JSON.parse(source.textContent || "{}");
  const names = data.names || {};
  const charts = [];

  function draw(id, option) {
    const element = document.getElementById(id);
    if (!element) return;
    const chart = window.echarts.init(element);
    chart.setOption(option);
    charts.push(chart);
  }

  function coverage(id, rows) {
    draw(id, {
      tooltip: { trigger: "axis" },
      legend: { data: [names.register, names.inspected, names.coverage] },
      grid: { left: 50, right: 50, bottom: 70, top: 40 },
      xAxis: { type: "category", data: rows.labels, axisLabel: { interval: 0, rotate: 30, fontSize: 11 } },
      yAxis: [
        { type: "value", minInterval: 1 },
        { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      ],
      series: [
        { name: names.register, type: "bar", data: rows.register, itemStyle: { color: "#9db7d5" } },
        { name: names.inspected, type: "bar", data: rows.inspected, itemStyle: { color: "#0b5cad" } },
        { name: names.coverage, type: "line", yAxisIndex: 1, data: rows.coverage, itemStyle: { color: "#e67e22" } },
      ],
    });
  }

  coverage("chart-region", data.region);
  coverage("chart-kind", data.kind);
  const grades = [["critical", "#c0392b"], ["major", "#e67e22"], ["minor", "#f1c40f"]];
  draw("chart-findings", {
    tooltip: { trigger: "axis" },
    legend: { data: grades.map(([g]) => names[g]) },
    grid: { left: 40, right: 20, bottom: 70, top: 40 },
    xAxis: { type: "category", data: data.findings.labels, axisLabel: { interval: 0, rotate: 30, fontSize: 11 } },
    yAxis: { type: "value", minInterval: 1 },
    series: grades.map(([g, color]) => ({
      name: names[g], type: "bar", stack: "grade", data: data.findings[g], itemStyle: { color: color },
    })),
  });
  draw("chart-overdue", {
    tooltip: { trigger: "axis" },
    legend: { data: [names.past_due, names.rectification_overdue] },
    grid: { left: 40, right: 20, bottom: 70, top: 40 },
    xAxis: { type: "category", data: data.overdue.labels, axisLabel: { interval: 0, rotate: 30, fontSize: 11 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: names.past_due, type: "bar", data: data.overdue.past_due, itemStyle: { color: "#c0392b" } },
      { name: names.rectification_overdue, type: "bar", data: data.overdue.rectification_overdue, itemStyle: { color: "#8e44ad" } },
    ],
  });
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();
