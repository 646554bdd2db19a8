// Licensing efficiency: open applications by time left, average working days by matter.
(function () {
  "use strict";
  if (!window.echarts) return;
  const data = JSON.parse(document.getElementById("data-efficiency").textContent || "{}");
  const colours = ["#dc3545", "#fd7e14", "#0b5cad", "#198754"];
  const buckets = document.getElementById("chart-buckets");
  const charts = [];
  if (buckets) {
    const chart = window.echarts.init(buckets);
    chart.setOption({
      grid: { left: 8, right: 16, top: 24, bottom: 28, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.labels, name: data.axis_days, nameLocation: "middle", nameGap: 28,
               axisLabel: { interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: data.series_open, type: "bar", barMaxWidth: 40, label: { show: true, position: "top" },
                 data: data.values.map((value, index) => ({ value: value, itemStyle: { color: colours[index] } })) }],
    });
    charts.push(chart);
  }
  const days = document.getElementById("chart-days");
  if (days) {
    const chart = window.echarts.init(days);
    chart.setOption({
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: data.matters },
      series: [{ name: data.series_days, type: "bar", barMaxWidth: 22, itemStyle: { color: "#0b5cad" },
                 label: { show: true, position: "right" }, data: data.average_days }],
    });
    charts.push(chart);
  }
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();
