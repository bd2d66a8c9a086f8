// The article form's error summary (templates/admin/articles/article/_error_summary.html): on
// load it takes the focus, so the editor (and a screen reader) meets it first; each link focuses
// its field, opening a collapsed fieldset first.
"use strict";
(function () {
  function reveal(field) {
    for (let details = field.closest("details"); details; details = details.parentElement.closest("details")) {
      details.open = true;
    }
  }

  function init() {
    const summary = document.getElementById("error-summary");
    if (!summary) return;
    summary.addEventListener("click", function (event) {
      const link = event.target.closest("a[data-focus]");
      const field = link && document.getElementById(link.dataset.focus);
      if (!field) return;
      event.preventDefault();
      reveal(field);
      field.scrollIntoView({ block: "center" });
      field.focus({ preventScroll: true });
    });
    summary.focus();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
