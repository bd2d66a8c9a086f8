// The article body's rich-text editor (articles/editorial/body_editor.py): django-prose-editor's
// "configurable" preset, but with Tiptap's injected <style> turned off, so the editor runs
// under a style-src without 'unsafe-inline'; css/tiptap-base.css carries that stylesheet.
import * as prose from "django-prose-editor/editor"

const ATTRIBUTE = "data-django-prose-editor-newsroom"

function extensionsOf(config) {
  const extensions = []
  for (const [name, options] of Object.entries(config.extensions)) {
    const extension = prose[name]
    if (!extension) continue
    extensions.push(typeof options === "object" ? extension.configure(options) : extension)
  }
  return extensions
}

function accessibleName(textarea) {
  const attributes = { role: "textbox", "aria-multiline": "true" }
  const label = textarea.id && document.querySelector(`label[for="${textarea.id}"]`)
  if (label) {
    label.id ||= `${textarea.id}-label`
    attributes["aria-labelledby"] = label.id
  } else {
    attributes["aria-label"] = textarea.name || "Body"
  }
  return attributes
}

function create(textarea) {
  if (textarea.closest(".prose-editor")) return null
  const config = JSON.parse(textarea.getAttribute(ATTRIBUTE) || "{}")
  const disabled = textarea.hasAttribute("disabled")
  const wrapper = document.createElement("div")
  wrapper.className = disabled ? "prose-editor disabled" : "prose-editor"
  textarea.before(wrapper)
  wrapper.append(textarea)
  const editor = new prose.Editor({
    element: wrapper,
    // The editable area is the field for assistive technology: named by the body's label.
    editorProps: { attributes: accessibleName(textarea) },
    editable: !disabled,
    extensions: extensionsOf(config),
    content: textarea.value,
    injectCSS: false,
    onUpdate({ editor }) {
      const html = editor.getHTML()
      // An empty document is an empty body, not "<p></p>".
      textarea.value = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html
      textarea.dispatchEvent(new Event("input", { bubbles: true }))
    },
    onDestroy() {
      wrapper.before(textarea)
      wrapper.remove()
    },
  })
  textarea.dispatchEvent(
    new CustomEvent("prose-editor:ready", { detail: { editor, textarea }, bubbles: true }),
  )
  return editor
}

prose.initializeEditors(create, `[${ATTRIBUTE}]`)
