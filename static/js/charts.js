// The admin overview's charts, drawn by Chart.js (static/vendor/chart.umd.js, `make vendor`)
// from the JSON in <script type="application/json" id="overview-data">. Each chart sits above
// a table with the same numbers: without this script or the library the figures stay hidden
// and the page is whole. No inline script or handlers, so a strict CSP can forbid them.
(function () {
  "use strict";

  var source = document.getElementById("overview-data");
  if (!source) return;
  if (typeof window.Chart === "undefined") {
    var failed = document.getElementById("charts-failed");
    if (failed) failed.hidden = false;
    return;
  }
  var data = JSON.parse(source.textContent);
  var Chart = window.Chart;
  var style = getComputedStyle(document.documentElement);
  function colour(name, fallback) { return (style.getPropertyValue(name) || "").trim() || fallback; }
  var accent = colour("--accent", "#2450c8");
  var muted = colour("--muted", "#5b6475");
  var error = colour("--err", "#b3261e");
  var ok = colour("--ok", "#1e7b34");
  var cutColours = ["#9a5b00", "#6a1b9a", "#00695c", "#ad1457", "#283593"];
  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  Chart.defaults.color = colour("--fg", "#1d2330");
  Chart.defaults.font.family = style.fontFamily || "system-ui, sans-serif";
  Chart.defaults.maintainAspectRatio = false;
  if (reduced) Chart.defaults.animation = false;

  function percent(value) { return value + "%"; }

  function show(name, config) {
    var figure = document.querySelector('figure[data-chart="' + name + '"]');
    if (!figure) return null;
    figure.hidden = false;  // before drawing, so that the canvas has a size
    try {
      return new Chart(figure.querySelector("canvas"), config);
    } catch (error) {  // the table beneath still has the numbers
      figure.hidden = true;
      if (window.console) console.error("chart " + name + " not drawn:", error);
      return null;
    }
  }

  // Score distribution: bars over a linear 0–100% axis, so that each tier's minimum can be
  // drawn where it falls as a vertical line (a two-point line dataset, named in the legend).
  var distribution = data.distribution;
  var highest = Math.max.apply(null, distribution.bins.map(function (b) { return b.count; }).concat([1]));
  var datasets = [{
    type: "bar", label: "Scored attempts", backgroundColor: accent,
    data: distribution.bins.map(function (b) { return { x: (b.low + b.high) / 2, y: b.count, bin: b.label }; }),
    barPercentage: 1, categoryPercentage: 1, borderWidth: 1, borderColor: "#fff", order: 2
  }];
  distribution.cuts.forEach(function (cut, i) {
    datasets.push({
      type: "line", label: cut.name + " ≥ " + cut.at + "%", order: 1,
      data: [{ x: cut.at, y: 0 }, { x: cut.at, y: highest }],
      borderColor: cutColours[i % cutColours.length], borderWidth: 2, borderDash: [6, 4],
      pointRadius: 0, pointHitRadius: 0, fill: false
    });
  });
  show("distribution", {
    type: "bar",
    data: { datasets: datasets },
    options: {
      parsing: true,
      scales: {
        x: { type: "linear", min: 0, max: 100, offset: false, ticks: { stepSize: 10, callback: percent },
             title: { display: true, text: "Overall score" } },
        y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Attempts" } }
      },
      plugins: {
        tooltip: {
          filter: function (item) { return item.dataset.type === "bar"; },
          callbacks: {
            title: function (items) { return items.length ? items[0].raw.bin : ""; },
            label: function (item) { return item.raw.y + " attempt" + (item.raw.y === 1 ? "" : "s"); }
          }
        }
      }
    }
  });

  show("tiers", {
    type: "bar",
    data: {
      labels: data.tiers.map(function (t) { return t.name; }),
      datasets: [{ label: "Scored attempts", data: data.tiers.map(function (t) { return t.count; }),
                   backgroundColor: data.tiers.map(function (t, i) { return i === 0 ? muted : accent; }) }]
    },
    options: {
      scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Attempts" } } },
      plugins: { legend: { display: false } }
    }
  });

  show("funnel", {
    type: "bar",
    data: {
      labels: data.funnel.map(function (s) { return s.label; }),
      datasets: [{ label: "Attempts", data: data.funnel.map(function (s) { return s.count; }),
                   backgroundColor: [muted, accent, accent, ok] }]
    },
    options: {
      indexAxis: "y",
      scales: { x: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Attempts" } } },
      plugins: { legend: { display: false } }
    }
  });

  if (data.items.length) {
    var point = function (item) { return { x: item.facility, y: item.discrimination, label: item.label }; };
    show("items", {
      type: "scatter",
      data: {
        datasets: [
          { label: "Items", backgroundColor: accent, pointRadius: 4,
            data: data.items.filter(function (i) { return !i.flagged; }).map(point) },
          { label: "Flagged items", backgroundColor: error, pointStyle: "triangle", pointRadius: 6,
            data: data.items.filter(function (i) { return i.flagged; }).map(point) }
        ]
      },
      options: {
        scales: {
          x: { min: 0, max: 100, ticks: { callback: percent }, title: { display: true, text: "Facility" } },
          y: { suggestedMin: -20, suggestedMax: 100, ticks: { callback: percent },
               title: { display: true, text: "Discrimination" } }
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.raw.label + ": facility " + item.raw.x + "%, discrimination " + item.raw.y + "%";
              }
            }
          }
        }
      }
    });
  }
})();
