// Progressive enhancement: redraw each server-drawn trend chart with Chart.js (tooltips, axes).
// The figures stay in the table beside it; without JavaScript the SVG chart stays.
(function () {
  if (!window.Chart) return;
  function values(rows, column) {
    return rows.map(function (row) {
      var text = row.cells[column].getAttribute("data-value");
      return text === "" || text === null ? null : Number(text);
    });
  }
  document.querySelectorAll("svg[data-chart-for]").forEach(function (svg) {
    var table = document.getElementById(svg.getAttribute("data-chart-for"));
    if (!table) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var heads = table.tHead.rows[0].cells;
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    var title = svg.querySelector("title");
    canvas.setAttribute("aria-label", title ? title.textContent : "Chart of the table below");
    var box = document.createElement("div");
    box.className = "chart-canvas";
    box.appendChild(canvas);
    svg.parentNode.insertBefore(box, svg);
    svg.setAttribute("hidden", "");
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: rows.map(function (row) { return row.cells[0].textContent; }),
        datasets: [
          { label: heads[1].textContent, data: values(rows, 1), borderColor: "#005eb8", backgroundColor: "#005eb8", borderWidth: 3, pointRadius: 2 },
          { label: heads[2].textContent, data: values(rows, 2), borderColor: "#4c6272", backgroundColor: "#4c6272", borderDash: [6, 4], borderWidth: 2, pointRadius: 0 }
        ]
      },
      options: { animation: false, responsive: true, spanGaps: true, plugins: { legend: { position: "bottom" } } }
    });
  });
})();
