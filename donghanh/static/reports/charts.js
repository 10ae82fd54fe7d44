// Charts of the reports (trend of the key indicators, a figure by unit below, the dashboard's sparklines), drawn
// with the vendored Chart.js. No inline code (the Content Security Policy forbids it): each
// <canvas data-report-chart="ID" data-chart-kind="line|bar|spark"> reads its figures from the
// <script type="application/json" id="ID"> that Django's json_script wrote. The same figures are in the tables
// beside the charts, so nothing is lost when this script or Chart.js does not run.
(() => {
  "use strict";

  const COLOURS = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#d63384", "#20c997", "#6c757d", "#0dcaf0", "#ffc107", "#212529"];

  function dataset(series, index, kind) {
    const colour = COLOURS[index % COLOURS.length];
    return {
      label: series.label,
      data: series.values,
      borderColor: colour,
      backgroundColor: colour,
      borderDash: index >= COLOURS.length ? [6, 3] : [],
      pointRadius: kind === "spark" ? 0 : 3,
      borderWidth: 2,
      tension: 0,
      spanGaps: true,
    };
  }

  function lineOptions(figures) {
    const share = figures.series.some((series) => series.share);
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      scales: { y: share ? { min: 0, max: 100 } : { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "bottom" } },
    };
  }

  function barOptions(figures) {
    const share = figures.series.some((series) => series.share);
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { y: share ? { min: 0, max: 100 } : { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { display: false } },
    };
  }

  function sparkOptions(figures) {
    const share = figures.series.some((series) => series.share);
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      events: [],
      scales: {
        x: { display: false },
        y: share ? { display: false, min: 0, max: 100 } : { display: false, beginAtZero: true },
      },
      plugins: { legend: { display: false }, tooltip: { enabled: false } },
    };
  }

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.reportChart);
    if (!source) {
      return;
    }
    const figures = JSON.parse(source.textContent);
    const kind = canvas.dataset.chartKind || "line";
    const options = { line: lineOptions, bar: barOptions, spark: sparkOptions }[kind](figures);
    new window.Chart(canvas, {
      type: kind === "bar" ? "bar" : "line",
      data: { labels: figures.labels, datasets: figures.series.map((series, index) => dataset(series, index, kind)) },
      options,
    });
  }

  function start() {
    if (typeof window.Chart === "undefined") {
      return;
    }
    document.querySelectorAll("canvas[data-report-chart]:not([data-drawn])").forEach((canvas) => {
      canvas.dataset.drawn = "1";
      draw(canvas);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  // Charts that arrive later (the home page's dashboard is loaded after the page).
  document.addEventListener("htmx:afterSettle", start);
})();
