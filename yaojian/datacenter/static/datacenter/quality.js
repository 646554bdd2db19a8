// Data quality pages. Overview: findings per division (stacked by check), or per check for a
// single division; the data is the table's cells (json_script "quality-chart-data") and a click
// opens the records. Drill-down: the division filter applies itself.
(function () {
  "use strict";
  // a select marked data-autosubmit sends its form when changed (the division filter)
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  const element = document.getElementById("quality-chart");
  const source = document.getElementById("quality-chart-data");
  if (!element || !source || !window.echarts) return;
  const data = JSON.parse(source.textContent || "{}");
  const divisions = data.divisions || [];
  const series = (data.series || []).filter((s) => s.data.some((n) => n > 0));
  // one bar per check or per division: as tall as the bars need, no taller
  const bars = divisions.length === 1 ? series.length : divisions.length;
  const legendBelow = divisions.length > 1 && element.clientWidth < 700 ? 48 : 0;
  element.style.height = `${Math.max(160, Math.min(520, 36 * bars + 60)) + legendBelow}px`;
  const chart = window.echarts.init(element);
  const severityColour = { high: "#dc3545", medium: "#fd7e14", low: "#6c8ebf" };
  if (!series.length) {
    chart.setOption({
      title: { text: element.dataset.empty || "✓", left: "center", top: "middle",
               textStyle: { color: "#198754", fontSize: 28 } },
    });
  } else if (divisions.length === 1) {
    // one division: one bar per check, coloured by severity
    chart.setOption({
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "item" },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: series.map((s) => s.name),
               axisLabel: { width: Math.min(260, element.clientWidth * 0.45), overflow: "truncate" } },
      series: [{
        type: "bar", barMaxWidth: 20, label: { show: true, position: "right" },
        data: series.map((s) => ({ value: s.data[0], url: s.urls[0],
                                   itemStyle: { color: severityColour[s.severity] } })),
      }],
    });
    chart.on("click", (params) => { if (params.data && params.data.url) window.location = params.data.url; });
  } else {
    // the legend beside the bars on a wide screen, below them on a phone
    const layout = () => (element.clientWidth >= 700
      ? { grid: { left: 8, right: 240, top: 8, bottom: 8, containLabel: true },
          legend: { type: "scroll", orient: "vertical", right: 0, top: 0, bottom: 0, left: "auto",
                    textStyle: { width: 190, overflow: "truncate" } } }
      : { grid: { left: 8, right: 16, top: 8, bottom: 48, containLabel: true },
          legend: { type: "scroll", orient: "horizontal", left: 0, right: 0, bottom: 0, top: "auto",
                    textStyle: { width: 150, overflow: "truncate" } } });
    chart.setOption({
      ...layout(),
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: divisions },
      series: series.map((s) => ({
        name: s.name, type: "bar", stack: "findings", barMaxWidth: 22,
        emphasis: { focus: "series" }, data: s.data.map((n, i) => ({ value: n, url: s.urls[i] })),
      })),
    });
    window.addEventListener("resize", () => chart.setOption(layout()));
    chart.on("click", (params) => { if (params.data && params.data.url) window.location = params.data.url; });
  }
  window.addEventListener("resize", () => chart.resize());
})();
