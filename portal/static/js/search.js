// Search as you type: progressive enhancement over the plain GET form.
(function () {
  var input = document.getElementById("search-q");
  var list = document.getElementById("search-suggestions");
  var status = document.getElementById("search-status");
  if (!input || !list || !window.fetch) return;
  var target = input.dataset.suggestTarget ? document.getElementById(input.dataset.suggestTarget) : null;
  var timer = null;
  var latest = 0;
  function clear() { list.innerHTML = ""; list.hidden = true; }
  function render(results) {
    list.innerHTML = "";
    results.forEach(function (r) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      var a = document.createElement("a");
      a.href = "/practices/" + encodeURIComponent(r.code);
      if (target) {
        // On the compare page a suggestion adds the practice to the selection instead.
        a.addEventListener("click", function (e) {
          e.preventDefault();
          var codes = target.value.split(/[\s,]+/).filter(Boolean);
          if (codes.indexOf(r.code) === -1) codes.push(r.code);
          target.value = codes.join(", ");
          input.value = "";
          clear();
          status.textContent = r.name + " added";
        });
      }
      a.textContent = r.name + " (" + r.code + ")" + (r.town ? ", " + r.town : "") + (r.postcode ? " " + r.postcode : "");
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = results.length === 0;
    status.textContent = results.length + " suggestion" + (results.length === 1 ? "" : "s");
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) { clear(); return; }
    timer = setTimeout(function () {
      var ticket = ++latest;
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(q))
        .then(function (r) { return r.json(); })
        .then(function (body) { if (ticket === latest) render(body.results || []); })
        .catch(clear);
    }, 150);
  });
  input.addEventListener("keydown", function (e) { if (e.key === "Escape") clear(); });
})();
