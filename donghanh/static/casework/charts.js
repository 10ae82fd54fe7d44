// Charts of a person's case work (BARC-10 totals, ASSIST scores per substance), drawn with the vendored Chart.js.
// No inline code (the Content Security Policy forbids it): each <canvas data-chart="ID"> reads its figures from
// the <script type="application/json" id="ID"> that Django's json_script wrote. The same figures are in the
// table under each chart, so nothing is lost when this script or Chart.js does not run.
(() => {
  "use strict";

  const COLOURS = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#d63384", "#20c997", "#6c757d", "#0dcaf0", "#ffc107", "#212529"];
  const THRESHOLD_COLOUR = "#dc3545";

  // A dashed horizontal line at options.value, labelled at its right end (drawn whatever the number of points).
  const thresholdLine = {
    id: "thresholdLine",
    afterDatasetsDraw(chart, _args, options) {
      if (options.value === undefined || options.value === null) {
        return;
      }
      const { ctx, chartArea, scales } = chart;
      const y = scales.y.getPixelForValue(options.value);
      ctx.save();
      ctx.strokeStyle = THRESHOLD_COLOUR;
      ctx.fillStyle = THRESHOLD_COLOUR;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      ctx.moveTo(chartArea.left, y);
      ctx.lineTo(chartArea.right, y);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.font = "12px system-ui, sans-serif";
      ctx.textAlign = "right";
      ctx.textBaseline = "bottom";
      ctx.fillText(options.label || "", chartArea.right - 4, y - 3);
      ctx.restore();
    },
  };

  function line(label, values, colour) {
    return {
      label,
      data: values,
      borderColor: colour,
      backgroundColor: colour,
      pointRadius: 4,
      tension: 0.2,
      spanGaps: true,
    };
  }

  function datasets(figures) {
    if (figures.kind === "barc10") {
      return [line(figures.label, figures.values, COLOURS[0])];
    }
    return figures.series.map((series, index) => line(series.label, series.values, COLOURS[index % COLOURS.length]));
  }

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    const figures = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "line",
      data: { labels: figures.labels, datasets: datasets(figures) },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { min: figures.min, max: figures.max, ticks: { precision: 0 } } },
        plugins: {
          legend: { position: "bottom", display: figures.kind !== "barc10" },
          thresholdLine: { value: figures.threshold, label: figures.thresholdLabel },
        },
      },
      plugins: [thresholdLine],
    });
  }

  function start() {
    if (typeof window.Chart === "undefined") {
      return;
    }
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
