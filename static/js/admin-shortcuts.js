// Keyboard shortcuts on the article form: Ctrl+S (Cmd+S on a Mac) saves and continues editing,
// as "Save and continue editing" does, instead of the browser saving the page as a file.
"use strict";
(function () {
  function init() {
    const form = document.getElementById("article_form");
    const save = form && form.querySelector("input[name=_continue]");
    if (!save) return;  // a read-only form has nothing to save
    document.addEventListener("keydown", function (event) {
      if (event.key.toLowerCase() !== "s" || !(event.ctrlKey || event.metaKey)) return;
      if (event.altKey || event.shiftKey) return;
      event.preventDefault();
      if (event.repeat || form.dataset.saving) return;  // one save per press
      form.dataset.saving = "true";
      form.requestSubmit(save);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
