/* On a phone a table becomes one card per row (static/css/site.css, "texts"): each cell
   shows its column's name. Tables that carry data-label themselves (class "stacked") are
   left alone; this labels the others, e.g. allauth's sessions and the cookie tables. */
(function () {
  "use strict";
  document.querySelectorAll("main table").forEach(function (table) {
    if (table.classList.contains("stacked")) {
      return;
    }
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.replace(/\s+/g, " ").trim();
    });
    if (!heads.length) {
      return;
    }
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        if (!cell.hasAttribute("data-label") && heads[column]) {
          cell.setAttribute("data-label", heads[column]);
        }
        column += cell.colSpan || 1;
      });
    });
    table.classList.add("stacked");
  });
})();
