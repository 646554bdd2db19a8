// An enterprise's traceability flows: suppliers -> enterprise -> customers, as a Sankey chart.
(function () {
  "use strict";
  const element = document.getElementById("chart-flows");
  if (!window.echarts || !element) return;
  const data = JSON.parse(document.getElementById("data-flows").textContent || "{}");
  const nodes = new Map([[data.enterprise, { name: data.enterprise, itemStyle: { color: "#0b5cad" } }]]);
  const links = [];
  const add = (source, target, value) => {
    [source, target].forEach((name) => nodes.has(name) || nodes.set(name, { name: name }));
    links.push({ source: source, target: target, value: value });
  };
  // Counterparts are suffixed so that a supplier that is also a customer stays two nodes.
  data.inbound.forEach((row) => add(row.counterpart + " ▸", data.enterprise, row.packs));
  data.outbound.forEach((row) => add(data.enterprise, "▸ " + row.counterpart, row.packs));
  if (!links.length) return;
  const chart = window.echarts.init(element);
  chart.setOption({
    tooltip: { trigger: "item" },
    series: [{ type: "sankey", data: Array.from(nodes.values()), links: links, nodeAlign: "justify",
               emphasis: { focus: "adjacency" }, lineStyle: { color: "gradient", curveness: 0.5 },
               label: { fontSize: 12 } }],
  });
  window.addEventListener("resize", () => chart.resize());
})();
