/* compare_practices: one metric at a time as bars per practice with England's value as a line
   (a labelled select picks the metric), and a table of every figure compared. */
(function () {
  "use strict";
  var app = window.HaresignApp;

  function draw(r, column) {
    var c = app.colours();
    var practices = r.practices || [];
    var values = practices.map(function (p) { var f = p.figures[column.metric]; return f ? f.value : null; });
    var datasets = [{ type: "bar", order: 2, label: column.label + " (" + column.unit + ")", data: values, backgroundColor: c.accent }];
    var largest = Math.max.apply(null, values.filter(function (v) { return v !== null; }).map(Math.abs).concat([0]));
    // a count's England figure is every practice's sum: drawn beside one practice it flattens the bars
    var englandDrawn = column.england && column.england.value !== null && Math.abs(column.england.value) <= 5 * largest;
    if (englandDrawn) {
      datasets.push({ type: "line", order: 1, label: "England " + column.england.display, data: practices.map(function () { return column.england.value; }), borderColor: c.england, borderDash: [6, 4], pointRadius: 0, borderWidth: 2 });
    }
    app.chart({
      type: "bar",
      data: { labels: practices.map(function (p) { return p.code; }), datasets: datasets },
      options: {
        scales: {
          x: { ticks: { color: c.text }, grid: { color: c.grid } },
          y: { title: { display: true, text: column.unit, color: c.text }, ticks: { color: c.text }, grid: { color: c.grid } },
        },
        plugins: { legend: { labels: { color: c.text } } },
      },
    });
    var summary = column.label + " (" + column.unit + "), " + (column.period || "no data") + ": " +
      practices.map(function (p) { var f = p.figures[column.metric]; return p.code + " " + (f ? f.display : "no figure"); }).join("; ") +
      (column.england ? "; England " + column.england.display + (englandDrawn ? "" : " (all practices together, not drawn)") : "") + ".";
    app.finish({
      heading: "Practices compared: " + practices.map(function (p) { return p.code; }).join(", "),
      summary: summary,
      source: (r.sources || []).join("; "),
      synthetic: !!r.synthetic,
    });
  }

  window.HaresignBridge.onResult(function (result) {
    var r = app.begin(result);
    if (!r) return;
    var columns = r.metrics || [];
    var withData = columns.filter(function (col) {
      return r.practices.some(function (p) { return p.figures[col.metric]; });
    });
    var first = withData[0] || columns[0];
    if (columns.length > 1) {
      var box = app.controls();
      var label = document.createElement("label");
      label.htmlFor = "metric";
      label.textContent = "Metric charted";
      var select = document.createElement("select");
      select.id = "metric";
      columns.forEach(function (col) {
        var option = document.createElement("option");
        option.value = col.metric;
        option.textContent = col.label;
        option.selected = col === first;
        select.appendChild(option);
      });
      select.addEventListener("change", function () {
        draw(r, columns.filter(function (col) { return col.metric === select.value; })[0]);
      });
      box.appendChild(label);
      box.appendChild(select);
    }
    if (first) draw(r, first);
    var rows = r.practices.map(function (p) {
      return {
        cells: [p.code + " " + p.name + (p.status === "active" ? "" : " (" + p.status + ")")].concat(
          columns.map(function (col) { var f = p.figures[col.metric]; return { text: f ? f.display : "–", value: f ? f.value : null }; })
        ),
        attrs: { "data-practice": p.code },
      };
    });
    rows.push({
      cells: ["England (all practices)"].concat(columns.map(function (col) {
        return { text: col.england ? col.england.display : "–", value: col.england ? col.england.value : null };
      })),
      attrs: { "data-practice": "england" },
    });
    app.table(
      "Practices compared, each metric in its latest period",
      [{ label: "Practice" }].concat(columns.map(function (col) { return { label: col.label + " (" + (col.period || "no data") + ")", num: true }; })),
      rows
    );
    if (r.not_read && r.not_read.length) {
      var note = document.createElement("p");
      note.textContent = "Could not read: " + r.not_read.map(function (n) { return n.practice + " (" + n.reason + ")"; }).join("; ") + ".";
      document.getElementById("tables").appendChild(note);
    }
  });
})();
