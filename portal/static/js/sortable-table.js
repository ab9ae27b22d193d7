// Progressive enhancement of a server-sorted table (.sortable-table): a heading's link sorts the
// rows in place instead of reloading; without JavaScript the link asks the server (?sort=).
(function () {
  "use strict";
  function valueOf(row, index) {
    var cell = row.children[index];
    var raw = cell ? cell.getAttribute("data-sort-value") : null;
    return raw === null ? "" : raw;
  }
  function compare(a, b, numeric) {
    if (a === "" && b === "") return 0;
    if (a === "") return 1; // practices without a value go last either way
    if (b === "") return -1;
    if (numeric) return parseFloat(a) - parseFloat(b);
    return a.localeCompare(b, "en-GB");
  }
  document.querySelectorAll("table.sortable-table").forEach(function (table) {
    var headers = table.querySelectorAll("th[data-sort-key]");
    headers.forEach(function (th) {
      var link = th.querySelector("a");
      if (!link) return;
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var index = Array.prototype.indexOf.call(th.parentNode.children, th);
        var descending = th.getAttribute("aria-sort") === "ascending";
        var numeric = th.classList.contains("nhsuk-table__header--numeric");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = valueOf(a, index), y = valueOf(b, index);
          if (x === "" || y === "") return compare(x, y, numeric);
          var order = compare(x, y, numeric);
          return descending ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var key = th.getAttribute("data-sort-key");
        table.setAttribute("data-sort", (descending ? "-" : "") + key);
        if (window.history && window.history.replaceState) {
          var url = new URL(window.location.href);
          url.searchParams.set("sort", (descending ? "-" : "") + key);
          window.history.replaceState(null, "", url.toString());
        }
      });
    });
  });
})();
