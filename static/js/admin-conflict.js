// The conflict page: typing in a field's "Or edit" box chooses that box for the field.
"use strict";
(function () {
  document.querySelectorAll(".conflict-edit textarea").forEach(function (box) {
    box.addEventListener("input", function () {
      const choice = box.closest(".conflict-edit").querySelector("input[type=radio]");
      choice.checked = true;
    });
  });
})();
