/* Click a column header of a table marked sortable (class "sortable" on a wrapper, or any
 * table on a page that opts in) to sort by that column; numbers sort numerically (the first
 * number in the cell), empty and non-numeric cells go last. Untrusted cell text is only
 * moved, never re-parsed. */
(function () {
  "use strict";
  function key(cell) {
    var text = (cell.textContent || "").trim();
    var m = text.match(/^[-+]?\d*\.?\d+(e[-+]?\d+)?/i);
    return m ? { num: parseFloat(m[0]), text: text } : { num: null, text: text.toLowerCase() };
  }
  function compare(a, b) {
    if (a.num !== null && b.num !== null) return a.num - b.num;
    if (a.num !== null) return -1;
    if (b.num !== null) return 1;
    return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
  }
  function makeSortable(table) {
    if (table.getAttribute("data-sortable")) return;
    table.setAttribute("data-sortable", "1");
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      th.setAttribute("role", "button");
      th.setAttribute("tabindex", "0");
      th.classList.add("sort-header");
      function sort() {
        var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (ra, rb) {
          var c = compare(key(ra.cells[col]), key(rb.cells[col]));
          var aEmpty = key(ra.cells[col]).num === null, bEmpty = key(rb.cells[col]).num === null;
          if (aEmpty !== bEmpty) return aEmpty ? 1 : -1;  // blanks last in both directions
          return dir * c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
    });
  }
  function init() {
    document.querySelectorAll(".sortable table, table.sortable").forEach(makeSortable);
  }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
