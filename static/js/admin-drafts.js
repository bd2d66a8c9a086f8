// Unsaved changes are kept (articles/editorial/drafts.py): leaving the form with changes asks
// first; every few seconds the changed form is kept on the server as this editor's draft;
// reopening offers to restore or discard it. A history "Restore" button puts that one value
// back into the form, leaving the other unsaved edits alone.
"use strict";
(function () {
  const form = document.getElementById("article_form");
  const editing = document.getElementById("editing");
  if (!form || !editing) return;
  const draftUrl = editing.dataset.draftUrl;
  const restoreUrl = editing.dataset.restoreUrl;
  const status = document.getElementById("draft-status");
  const offer = document.getElementById("draft-offer");
  const KEEP_EVERY = 3000;
  const csrf = () => form.querySelector("[name=csrfmiddlewaretoken]").value;

  // The form's fields as {name: [values]}: what a draft keeps (never files or the CSRF token).
  function fields() {
    const data = {};
    for (const [name, value] of new FormData(form)) {
      if (name === "csrfmiddlewaretoken" || typeof value !== "string") continue;
      (data[name] = data[name] || []).push(value.replace(/\r\n/g, "\n"));
    }
    return data;
  }
  const serialized = () => JSON.stringify(fields());

  // A form shown again with errors holds unsaved changes from the start.
  const unsavedAtLoad = document.querySelector(".errornote") !== null;
  let baseline = unsavedAtLoad ? null : serialized();
  let kept = baseline;
  let submitting = false;
  let offerOpen = offer !== null;
  const dirty = () => serialized() !== baseline;

  function say(text) {
    if (status) status.textContent = text;
  }

  function send(method, body) {
    return fetch(draftUrl, {
      method: method,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "Content-Type": "application/json" },
      body: body,
    });
  }

  function keep() {
    if (submitting || offerOpen) return; // an offer unanswered: never overwrite that draft
    const now = serialized();
    if (now === kept) return;
    const request = now === baseline ? send("DELETE") : send("POST", now);
    request
      .then((response) => {
        if (!response.ok) return;
        kept = now;
        say(now === baseline ? "" : "Unsaved changes kept as your draft.");
      })
      .catch(() => {});
  }
  window.setInterval(keep, KEEP_EVERY);

  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (button && button.formTarget === "_blank") return; // the preview: the form stays open
    submitting = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (submitting || !dirty()) return;
    keep();
    event.preventDefault();
    event.returnValue = ""; // the browser asks "Leave site? Changes you made may not be saved."
  });

  function changed(element) {
    element.dispatchEvent(new Event("input", { bubbles: true }));
    element.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // Put a draft's values back into the form, field by field.
  function apply(data) {
    const seen = {};
    for (const element of form.elements) {
      const name = element.name;
      if (!name || name === "csrfmiddlewaretoken" || element.type === "file") continue;
      if (["submit", "button", "reset"].includes(element.type)) continue;
      const values = data[name] || [];
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = values.includes(element.value);
      } else if (element.multiple) {
        for (const option of element.options) option.selected = values.includes(option.value);
      } else if (name in data) {
        const index = (seen[name] = (seen[name] ?? -1) + 1);
        if (index < values.length) element.value = values[index];
      } else {
        continue;
      }
      changed(element);
    }
  }

  if (offer) {
    offer.addEventListener("click", (event) => {
      const choice = event.target.closest("[data-draft]");
      if (!choice) return;
      if (choice.dataset.draft === "restore") {
        fetch(draftUrl, { credentials: "same-origin" })
          .then((response) => response.json())
          .then((answer) => {
            if (answer.draft) apply(answer.draft.data);
            kept = serialized();
            offerOpen = false;
            offer.remove();
            say("Your unsaved changes are back in the form: save to keep them.");
            form.querySelector("input:not([type=hidden]), textarea, select").focus();
          });
      } else {
        send("DELETE").then(() => {
          kept = baseline;
          offerOpen = false;
          offer.remove();
          say("Your unsaved changes were discarded.");
        });
      }
    });
  }

  // History: "Restore" puts the value into the form instead of saving it over the others.
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button.restore");
    if (!button || !restoreUrl) return;
    event.preventDefault();
    const url = new URL(restoreUrl, window.location.href);
    url.searchParams.set("restore", button.value);
    fetch(url, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response)))
      .then((answer) => {
        let target;
        if (answer.field === "image_crop") {
          const crop = answer.value || { left: 0, top: 0, right: 1, bottom: 1 };
          form.querySelectorAll("[data-edge]").forEach((input) => {
            input.value = crop[input.dataset.edge];
            changed(input);
          });
          target = form.querySelector("[data-edge]");
        } else {
          target = form.elements[answer.field];
          target.value = answer.value;
          changed(target);
        }
        const label = form.querySelector(`label[for="${target.id}"]`);
        const name = label ? label.textContent.replace(/:$/, "") : answer.field;
        say(`${name} restored in the form: save to keep it.`);
        target.focus();
      })
      .catch(() => say("That value could not be restored."));
  });
})();
