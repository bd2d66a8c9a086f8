// The article form's presence notice: who else has the article open, and what others saved
// since this form opened (articles/editorial/presence.py). Asked every few seconds while the
// form is open; the answer also tells the server this editor is still here.
"use strict";
(function () {
  const editing = document.getElementById("editing");
  const notice = document.getElementById("presence");
  if (!editing || !notice) return;
  const url = new URL(editing.dataset.presenceUrl, window.location.href);
  url.searchParams.set("revision", editing.dataset.revision || "0");
  const every = Number(editing.dataset.pollSeconds || 15) * 1000;

  function item(text, className, reload) {
    const li = document.createElement("li");
    li.className = className;
    li.textContent = text;
    if (reload) {
      const link = document.createElement("a");
      link.href = reload;
      link.textContent = "Reload";
      li.append(" ", link);
    }
    return li;
  }

  function show(state) {
    const list = document.createElement("ul");
    state.open.forEach((text) => list.append(item(text, "presence-open")));
    state.saved.forEach((text) => list.append(item(text, "presence-saved", state.reload)));
    const old = notice.querySelector("ul");
    // Only touch the live region when the words change: screen readers announce every change.
    if (old && old.innerHTML === list.innerHTML) return;
    notice.replaceChildren(list);
    notice.classList.toggle("empty", !state.open.length && !state.saved.length);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : null))
      .then((state) => state && show(state))
      .catch(() => {}); // offline for a moment: the next poll tries again
  }
  window.setInterval(poll, every);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") poll();
  });
})();
