/* What the three views share: the result's text fallback, number formatting, the accessible
   table, the SYNTHETIC marker, the source line and one Chart.js chart on #chart. */
(function () {
  "use strict";
  var chart = null;
  var byId = function (id) { return document.getElementById(id); };

  function text(result) {
    return (result.content || [])
      .filter(function (c) { return c && c.type === "text"; })
      .map(function (c) { return c.text; })
      .join("\n\n");
  }

  function fail(message) {
    var status = byId("status");
    status.hidden = false;
    status.className = "status error";
    status.textContent = message;
    byId("figure").hidden = true;
    byId("app").setAttribute("aria-busy", "false");
  }

  function colour(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  window.HaresignApp = {
    fail: fail,

    /* The structuredContent to draw, or null after showing the text (an error, or no figures). */
    begin: function (result) {
      var data = result.structuredContent;
      if (result.isError || !data) {
        fail(text(result) || "No figures came with this result.");
        return null;
      }
      byId("status").hidden = true;
      byId("tables").textContent = "";
      byId("controls").textContent = "";
      return data;
    },

    /* Heading, chart summary (also the canvas's accessible name), source and SYNTHETIC marker. */
    finish: function (o) {
      byId("heading").textContent = o.heading;
      byId("summary").textContent = o.summary;
      byId("chart").setAttribute("aria-label", o.summary);
      var source = byId("source");
      source.hidden = false;
      source.textContent = "Source: " + o.source + ".";
      var synthetic = byId("synthetic");
      synthetic.hidden = !o.synthetic;
      synthetic.textContent = o.synthetic ? "SYNTHETIC demo data, not real NHS figures." : "";
      byId("figure").hidden = false;
      byId("app").setAttribute("aria-busy", "false");
    },

    number: function (value, digits) {
      if (value === null || value === undefined) return "–";
      return new Intl.NumberFormat("en-GB", {
        maximumFractionDigits: digits === undefined ? 2 : digits,
      }).format(value);
    },

    /* A table of the charted figures: `columns` [{label, num}], `rows` [{cells, attrs, className}];
       a cell is a string or {text, value}; the first cell of a row is its header. */
    table: function (caption, columns, rows) {
      var table = document.createElement("table");
      var cap = table.createCaption();
      cap.textContent = caption;
      var head = table.createTHead().insertRow();
      columns.forEach(function (column) {
        var th = document.createElement("th");
        th.scope = "col";
        th.textContent = column.label;
        if (column.num) th.className = "num";
        head.appendChild(th);
      });
      var body = table.createTBody();
      rows.forEach(function (row) {
        var tr = body.insertRow();
        if (row.className) tr.className = row.className;
        Object.keys(row.attrs || {}).forEach(function (name) { tr.setAttribute(name, row.attrs[name]); });
        row.cells.forEach(function (cell, i) {
          var el = document.createElement(i === 0 ? "th" : "td");
          if (i === 0) el.scope = "row";
          var shown = cell !== null && typeof cell === "object" ? cell : { text: cell };
          el.textContent = shown.text === null || shown.text === undefined ? "–" : shown.text;
          if (shown.value !== undefined) el.dataset.value = shown.value === null ? "" : String(shown.value);
          if (columns[i] && columns[i].num) el.className = "num";
          tr.appendChild(el);
        });
      });
      byId("tables").appendChild(table);
      return table;
    },

    colours: function () {
      return {
        text: colour("--text", "#212b32"),
        muted: colour("--muted", "#4c6272"),
        grid: colour("--border", "#d8dde0"),
        accent: colour("--accent", "#005eb8"),
        signal: "#ed8b00",
        england: "#330072",
        limit: "#d5281b",
      };
    },

    /* One chart at a time, drawn at once (no animation), so a screenshot or a test sees it. */
    chart: function (config) {
      if (chart) chart.destroy();
      config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false },
        config.options || {});
      chart = new window.Chart(byId("chart"), config);
      return chart;
    },

    controls: function () {
      var box = byId("controls");
      box.hidden = false;
      return box;
    },
  };
})();
