// Live character counters for the admin's textareas that carry data-counter-max (and optionally
// data-counter-min): the count, the recommendation, and a warning when outside it. Never blocks.
"use strict";
(function () {
  function attach(field) {
    const max = Number(field.dataset.counterMax);
    const min = Number(field.dataset.counterMin || 0);
    const counter = document.createElement("div");
    counter.className = "help char-counter";  // aligned under the field, like its help text
    counter.id = field.id + "_counter";
    counter.setAttribute("aria-live", "polite");
    field.setAttribute("aria-describedby", counter.id);
    (field.closest(".flex-container") || field).insertAdjacentElement("afterend", counter);

    function update() {
      const length = [...field.value].length;
      const range = min ? `${min}–${max}` : `up to ${max}`;
      let text = `${length} characters (recommended: ${range})`;
      const outside = length > max || (min && length > 0 && length < min);
      if (length > max) text += ": too long";
      else if (outside) text += ": too short";
      counter.textContent = text;
      counter.classList.toggle("over", Boolean(outside));
    }
    field.addEventListener("input", update);
    update();
  }

  function init() {
    document.querySelectorAll("textarea[data-counter-max]").forEach(attach);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
