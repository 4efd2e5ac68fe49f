// The refund report's chart: one small bar chart per currency, because amounts in different
// currencies are never drawn on one axis (or added). The data comes from the page's json_script
// element (the CSP allows no inline script); Chart.js is vendored in static/js/vendor/.
(function () {
  "use strict";

  function moneyFormat(lang, currency) {
    try {
      const format = new Intl.NumberFormat(lang, { style: "currency", currency: currency });
      return function (value) { return format.format(Number(value)); };
    } catch (error) {
      return function (value) { return value + " " + currency; };
    }
  }

  function compactFormat(lang) {
    try {
      const format = new Intl.NumberFormat(lang, { notation: "compact", maximumFractionDigits: 1 });
      return function (value) { return format.format(value); };
    } catch (error) {
      return function (value) { return String(value); };
    }
  }

  function draw() {
    const source = document.getElementById("refund-chart-data");
    const box = document.querySelector("[data-refund-charts]");
    if (!source || !box || !window.Chart) return;
    const data = JSON.parse(source.textContent);
    const lang = document.documentElement.lang || "en";
    const root = getComputedStyle(document.documentElement);
    const accent = root.getPropertyValue("--accent").trim() || "#2f5bea";
    const muted = root.getPropertyValue("--muted").trim() || "#5f6b7a";
    const line = root.getPropertyValue("--line").trim() || "#e3e6eb";
    const compact = compactFormat(lang);
    data.series.forEach(function (series) {
      const money = moneyFormat(lang, series.currency);
      const figure = document.createElement("figure");
      figure.className = "chart";
      const caption = document.createElement("figcaption");
      caption.textContent = series.currency;
      const holder = document.createElement("div");
      holder.className = "chart-canvas";
      const canvas = document.createElement("canvas");
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", (box.dataset.aria || "%(currency)s").replace("%(currency)s", series.currency));
      holder.appendChild(canvas);
      figure.appendChild(caption);
      figure.appendChild(holder);
      box.appendChild(figure);
      new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [{ label: series.currency, data: series.amounts.map(Number), backgroundColor: accent, borderRadius: 2, maxBarThickness: 28 }],
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: {
            legend: { display: false },
            tooltip: {
              callbacks: {
                label: function (context) {
                  const i = context.dataIndex;
                  return money(series.amounts[i]) + " · " + series.counts[i] + " " + data.count_label;
                },
              },
            },
          },
          scales: {
            x: { grid: { display: false }, ticks: { color: muted, maxRotation: 0, autoSkip: true } },
            y: { beginAtZero: true, grid: { color: line }, ticks: { color: muted, callback: function (value) { return compact(value); } } },
          },
        },
      });
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
