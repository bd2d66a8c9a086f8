// The header image's crop in the admin: drag a rectangle on the whole image to fill in the four
// edge fields (fractions 0–1 of the image), or type them and watch the rectangle follow.
// The fields work without this script; the server checks every crop.
"use strict";
(function () {
  const EDGES = ["left", "top", "right", "bottom"];
  const WHOLE = { left: 0, top: 0, right: 1, bottom: 1 };
  const clamp = (value) => Math.min(1, Math.max(0, value));
  const rounded = (value) => String(Math.round(value * 10000) / 10000);

  function attach(editor) {
    const stage = editor.querySelector(".crop-stage");
    const inputs = {};
    EDGES.forEach((edge) => {
      inputs[edge] = editor.querySelector(`input[data-edge="${edge}"]`);
    });

    const status = document.createElement("p");
    status.className = "help crop-status";
    status.id = editor.id + "_status";
    status.setAttribute("aria-live", "polite");
    const reset = document.createElement("button");
    reset.type = "button";
    reset.className = "button crop-reset";
    reset.textContent = "Use the whole image";
    editor.append(reset, status);

    let region = null;
    // The original's size in pixels: the picture shown is a smaller preview of it, and a crop's
    // pixels are counted on the original the renditions are cut from.
    const width = stage ? Number(stage.dataset.width) : 0;
    const height = stage ? Number(stage.dataset.height) : 0;
    if (stage) {
      region = document.createElement("div");
      region.className = "crop-region";
      region.setAttribute("aria-hidden", "true");
      stage.append(region);
    }

    function read() {
      const crop = {};
      for (const edge of EDGES) {
        const value = parseFloat(inputs[edge].value);
        crop[edge] = Number.isFinite(value) ? clamp(value) : WHOLE[edge];
      }
      return crop;
    }

    function write(crop) {
      EDGES.forEach((edge) => {
        inputs[edge].value = rounded(crop[edge]);
      });
      draw();
    }

    function draw() {
      const crop = read();
      if (region) {
        // CSSOM, not a style attribute: the Content-Security-Policy allows this.
        region.style.left = crop.left * 100 + "%";
        region.style.top = crop.top * 100 + "%";
        region.style.width = Math.max(0, crop.right - crop.left) * 100 + "%";
        region.style.height = Math.max(0, crop.bottom - crop.top) * 100 + "%";
      }
      if (!width) {
        status.textContent = "";
        return;
      }
      const cropWidth = Math.round((crop.right - crop.left) * width);
      const cropHeight = Math.round((crop.bottom - crop.top) * height);
      const minWidth = Math.min(Number(editor.dataset.minWidth), width);
      const minHeight = Math.min(Number(editor.dataset.minHeight), height);
      const small = cropWidth < minWidth || cropHeight < minHeight;
      status.textContent =
        `Crop: ${Math.max(0, cropWidth)}×${Math.max(0, cropHeight)} of ${width}×${height} pixels` +
        (small ? `: too small, keep at least ${minWidth}×${minHeight}` : "");
      status.classList.toggle("over", small);
    }

    function pointAt(event) {
      const box = stage.querySelector("img").getBoundingClientRect();
      return {
        x: clamp((event.clientX - box.left) / box.width),
        y: clamp((event.clientY - box.top) / box.height),
      };
    }

    if (stage) {
      let start = null;
      let before = null;
      stage.addEventListener("pointerdown", (event) => {
        if (event.button !== 0) return;
        event.preventDefault();
        stage.setPointerCapture(event.pointerId);
        start = pointAt(event);
        before = read();
      });
      stage.addEventListener("pointermove", (event) => {
        if (!start) return;
        const end = pointAt(event);
        write({
          left: Math.min(start.x, end.x),
          top: Math.min(start.y, end.y),
          right: Math.max(start.x, end.x),
          bottom: Math.max(start.y, end.y),
        });
      });
      const finish = () => {
        if (!start) return;
        const crop = read();
        // A click, not a drag: keep the crop there was.
        if (crop.right - crop.left < 0.01 || crop.bottom - crop.top < 0.01) write(before);
        start = null;
      };
      stage.addEventListener("pointerup", finish);
      stage.addEventListener("pointercancel", finish);
    }

    reset.addEventListener("click", () => write(WHOLE));
    EDGES.forEach((edge) => inputs[edge].addEventListener("input", draw));
    draw();
  }

  function init() {
    document.querySelectorAll(".crop-editor").forEach(attach);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
