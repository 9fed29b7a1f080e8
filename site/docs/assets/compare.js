/* The model pickers on the comparison index: open the page of the chosen pair (pages exist
 * once per unordered pair, named "<slug A>--<slug B>" with A < B). */
(function () {
  "use strict";
  function init() {
    document.querySelectorAll("form.compare-picker").forEach(function (form) {
      if (form.getAttribute("data-bound")) return;
      form.setAttribute("data-bound", "1");
      form.b.selectedIndex = Math.min(1, form.b.options.length - 1);
      form.addEventListener("submit", function (evt) {
        evt.preventDefault();
        var a = form.a.value, b = form.b.value;
        if (a === b) return;
        window.location.href = (a < b ? a + "--" + b : b + "--" + a) + "/";
      });
    });
  }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
