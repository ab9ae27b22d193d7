/* get_benchmark: England's deciles of practice values as bars, the practice's value (and its
   national percentile) and England's median as lines, and a table of the same figures. */
(function () {
  "use strict";
  var app = window.HaresignApp;

  window.HaresignBridge.onResult(function (result) {
    var r = app.begin(result);
    if (!r) return;
    var c = app.colours();
    var d = r.national_distribution;
    var practice = r.practice;
    var value = r.practice_has_figure && r.practice_figure ? r.practice_figure.value : null;
    var labels = [];
    var bars = [];
    if (d) {  // the deciles; the extremes are in the table (one large practice would flatten the bars)
      (d.deciles || []).forEach(function (x, i) { labels.push((i + 1) * 10 + "th"); bars.push(x); });
    }
    var flat = function (v) { return labels.map(function () { return v; }); };
    var datasets = [{ type: "bar", order: 2, label: "Practice value at each national percentile", data: bars, backgroundColor: c.grid, borderColor: c.muted, borderWidth: 1 }];
    if (d && d.median !== null) {
      datasets.push({ type: "line", order: 1, label: "England median practice " + app.number(d.median), data: flat(d.median), borderColor: c.england, borderDash: [6, 4], pointRadius: 0, borderWidth: 1 });
    }
    if (value !== null) {
      datasets.push({ type: "line", order: 1, label: practice.name + " (" + practice.code + ") " + r.practice_figure.display, data: flat(value), borderColor: c.signal, pointRadius: 0, borderWidth: 3 });
    }
    app.chart({
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: {
        scales: {
          x: { title: { display: true, text: "National percentile of practices", color: c.text }, ticks: { color: c.text }, grid: { color: c.grid } },
          y: { title: { display: true, text: r.unit, color: c.text }, ticks: { color: c.text }, grid: { color: c.grid } },
        },
        plugins: { legend: { labels: { color: c.text } } },
      },
    });
    var where = practice
      ? (value !== null
          ? practice.name + " (" + practice.code + "): " + r.practice_figure.display +
            (r.national_percentile !== null ? ", national percentile " + app.number(r.national_percentile, 0) : ", " + r.not_ranked)
          : practice.name + " (" + practice.code + ") has no figure for " + r.period)
      : "England's distribution";
    app.finish({
      heading: r.label + (practice ? ": " + practice.name + " (" + practice.code + ")" : ", England"),
      summary: r.label + " (" + r.unit + "), " + r.period + ". " + where + "." +
        (d && d.median !== null ? " England's median practice " + app.number(d.median) + " of " + app.number(d.n, 0) + " open practices." : ""),
      source: r.source + ", " + r.period,
      synthetic: !!r.synthetic,
    });
    var rows = [];
    if (practice) {
      rows.push({ cells: [practice.name + " (" + practice.code + ")", { text: value !== null ? r.practice_figure.display : "no figure", value: value }], attrs: { "data-row": "practice" } });
      rows.push({ cells: ["National percentile", { text: r.national_percentile !== null ? app.number(r.national_percentile, 0) : r.not_ranked, value: r.national_percentile }], attrs: { "data-row": "percentile" } });
    }
    if (r.england) rows.push({ cells: ["England (all practices)", { text: r.england.display, value: r.england.value }], attrs: { "data-row": "england" } });
    if (d) {
      rows.push({ cells: ["Median practice in England", { text: app.number(d.median), value: d.median }], attrs: { "data-row": "median" } });
      rows.push({ cells: ["25th percentile", { text: app.number(d.q1), value: d.q1 }], attrs: { "data-row": "q1" } });
      rows.push({ cells: ["75th percentile", { text: app.number(d.q3), value: d.q3 }], attrs: { "data-row": "q3" } });
      rows.push({ cells: ["Lowest practice", { text: app.number(d.minimum), value: d.minimum }], attrs: { "data-row": "minimum" } });
      bars.forEach(function (x, i) { rows.push({ cells: [labels[i] + " percentile", { text: app.number(x), value: x }], attrs: { "data-row": "decile" } }); });
      rows.push({ cells: ["Highest practice", { text: app.number(d.maximum), value: d.maximum }], attrs: { "data-row": "maximum" } });
      rows.push({ cells: ["Open practices in the distribution", { text: app.number(d.n, 0), value: d.n }], attrs: { "data-row": "n" } });
    }
    app.table(r.label + " (" + r.unit + "), " + r.period, [{ label: "" }, { label: "Value", num: true }], rows);
  });
})();
