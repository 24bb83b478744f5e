// Charts on the statistics screens, drawn with Chart.js (/static/chart.umd.js). The data comes
// from the canvas's data-chart attribute (no inline script: the CSP forbids it); a
// <select data-chart-metric="canvas-id"> switches the metric shown.
(() => {
  const charts = new Map();

  function datasets(data, metric) {
    const m = data.metrics[metric];
    return [
      {
        label: `${data.currentLabel} ${m.label}`,
        data: m.current,
        borderColor: "#b42318",
        backgroundColor: "rgba(180,35,24,.15)",
        tension: 0.2,
        spanGaps: false,
        // the month still running counts only its days so far: a hollow triangle on a dashed line
        segment: { borderDash: (ctx) => (ctx.p1DataIndex === data.partial ? [3, 3] : undefined) },
        pointStyle: (ctx) => (ctx.dataIndex === data.partial ? "triangle" : "circle"),
        pointRadius: (ctx) => (ctx.dataIndex === data.partial ? 6 : 3),
        pointBackgroundColor: (ctx) => (ctx.dataIndex === data.partial ? "#fff" : "rgba(180,35,24,.15)"),
      },
      {
        label: `${data.previousLabel} ${m.label}`,
        data: m.previous,
        borderColor: "#667085",
        backgroundColor: "rgba(102,112,133,.12)",
        borderDash: [6, 4],
        tension: 0.2,
      },
    ];
  }

  function draw(canvas) {
    if (charts.has(canvas) || typeof Chart === "undefined") return;
    const data = JSON.parse(canvas.getAttribute("data-chart"));
    const chart = new Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets(data, data.metric) },
      options: {
        animation: false, // prints and screenshots show the finished chart
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: { y: { beginAtZero: true } },
      },
    });
    charts.set(canvas, { chart, data });
    canvas.setAttribute("data-rendered", "true");
  }

  function init(root) {
    for (const canvas of root.querySelectorAll("canvas[data-chart]")) draw(canvas);
  }

  document.addEventListener("change", (e) => {
    const select = e.target.closest("select[data-chart-metric]");
    if (!select) return;
    const canvas = document.getElementById(select.getAttribute("data-chart-metric"));
    const entry = canvas && charts.get(canvas);
    if (!entry) return;
    entry.chart.data.datasets = datasets(entry.data, select.value);
    entry.chart.update();
  });

  document.addEventListener("click", (e) => {
    if (e.target.closest("[data-print]")) window.print();
  });

  // Chart.js draws at the screen's width; redraw at the paper's.
  window.addEventListener("beforeprint", () => {
    for (const { chart } of charts.values()) chart.resize();
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => init(document));
  else init(document);
  document.addEventListener("htmx:afterSettle", (e) => init(e.target));
})();
