// Tag suggestions (articles/editorial/finding.py): a text box with `data-tag-suggestions` gets a
// <datalist> of existing tags starting with what is being typed. In a comma-separated list (the
// article's tags) only the last tag is completed and the others are kept.
"use strict"
document.addEventListener("DOMContentLoaded", () => {
  let counter = 0
  for (const input of document.querySelectorAll("input[data-tag-suggestions]")) {
    const list = document.createElement("datalist")
    list.id = `tag-suggestions-${++counter}`
    input.after(list)
    input.setAttribute("list", list.id)
    input.setAttribute("autocomplete", "off")
    let latest = 0
    input.addEventListener("input", async () => {
      const parts = input.value.split(",")
      const typed = parts.pop().trim()
      const kept = parts.map((part) => part.trim()).filter(Boolean)
      const request = ++latest
      if (!typed) {
        list.replaceChildren()
        return
      }
      const url = `${input.dataset.tagSuggestions}?q=${encodeURIComponent(typed)}`
      const response = await fetch(url, { headers: { Accept: "application/json" } })
      if (!response.ok || request !== latest) return
      const { tags } = await response.json()
      list.replaceChildren(
        ...tags
          .filter((tag) => !kept.includes(tag))
          .map((tag) => {
            const option = document.createElement("option")
            option.value = [...kept, tag.includes(",") ? `"${tag}"` : tag].join(", ")
            return option
          }),
      )
    })
  }
})
