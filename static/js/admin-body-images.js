// The body images' picker (articles/editorial/body_images.py), opened by the editor's image
// dialog: choosing an image hands its URL, id and alt text back to the dialog, CKEditor-style.
"use strict"
document.addEventListener("DOMContentLoaded", () => {
  const picker = document.querySelector(".body-image-picker")
  if (!picker) return
  const func = picker.dataset.func
  picker.addEventListener("click", (event) => {
    const button = event.target.closest(".pick-image")
    if (!button) return
    const tools = window.opener && window.opener.CKEDITOR && window.opener.CKEDITOR.tools
    if (!tools || !func) return
    tools.callFunction(Number(func), button.dataset.url, {
      id: button.dataset.id,
      alternative_text: button.dataset.alt,
    })
    window.close()
  })
})
