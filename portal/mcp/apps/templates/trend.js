/* get_trend: the practice's monthly values as an XmR chart (mean and natural process limits
   where the result carries them), points with special-cause signals marked, and a table. */
(function () {
  "use strict";
  var app = window.HaresignApp;
  var RULES = { beyond_limit: "beyond a limit", trend: "trend", two_of_three: "2 of 3 near a limit", run: "run" };
  var words = function (signals) {
    return signals.map(function (s) { return RULES[s] || s; }).join(", ");
  };

  window.HaresignBridge.onResult(function (result) {
    var d = app.begin(result);
    if (!d) return;
    var c = app.colours();
    var points = d.points || [];
    var periods = points.map(function (p) { return p.period; });
    var flat = function (value) { return points.map(function () { return value; }); };
    var hasLimits = typeof d.mean === "number" && typeof d.lower === "number" && typeof d.upper === "number";
    var datasets = [{
      label: d.label + " (" + d.unit + ")",
      data: points.map(function (p) { return p.value; }),
      borderColor: c.accent,
      backgroundColor: c.accent,
      pointBackgroundColor: points.map(function (p) { return p.signals && p.signals.length ? c.signal : c.accent; }),
      pointRadius: points.map(function (p) { return p.signals && p.signals.length ? 5 : 3; }),
      spanGaps: false,
    }];
    if (hasLimits) {
      datasets.push(
        { label: "Mean " + app.number(d.mean, 3), data: flat(d.mean), borderColor: c.muted, borderWidth: 1, pointRadius: 0 },
        { label: "Upper process limit " + app.number(d.upper, 3), data: flat(d.upper), borderColor: c.limit, borderDash: [6, 4], borderWidth: 1, pointRadius: 0 },
        { label: "Lower process limit " + app.number(d.lower, 3), data: flat(d.lower), borderColor: c.limit, borderDash: [6, 4], borderWidth: 1, pointRadius: 0 }
      );
    }
    app.chart({
      type: "line",
      data: { labels: periods, datasets: datasets },
      options: {
        scales: {
          x: { ticks: { color: c.text }, grid: { color: c.grid } },
          y: { ticks: { color: c.text }, grid: { color: c.grid }, title: { display: true, text: d.unit, color: c.text } },
        },
        plugins: { legend: { labels: { color: c.text } } },
      },
    });
    var signalled = points.filter(function (p) { return p.signals && p.signals.length; }).length;
    var limits = hasLimits
      ? " Mean " + app.number(d.mean, 3) + "; natural process limits " + app.number(d.lower, 3) + " to " +
        app.number(d.upper, 3) + (d.trial ? " (trial limits: fewer than 12 values)" : "") + "."
      : "";
    app.finish({
      heading: d.label + ": " + d.name + " (" + d.code + ")",
      summary: "SPC chart of " + d.label + " (" + d.unit + ") for " + d.name + " (" + d.code + "), " +
        d.first + " to " + d.last + ", " + points.length + " months; " + signalled +
        " with a special-cause signal." + limits,
      source: (d.source && d.source.publication ? d.source.publication : "NHS publication") + ", " + d.first + " to " + d.last,
      synthetic: !!d.synthetic,
    });
    app.table(
      d.label + " (" + d.unit + ") for " + d.code + ", by month",
      [{ label: "Period" }, { label: "Value", num: true }, { label: "Signals" }],
      points.map(function (p) {
        var signals = p.value === null ? "no value" : (p.signals && p.signals.length ? words(p.signals) : "none");
        return {
          cells: [p.period, { text: app.number(p.value), value: p.value }, signals],
          attrs: { "data-period": p.period },
          className: p.signals && p.signals.length ? "signal" : "",
        };
      })
    );
  });
})();
