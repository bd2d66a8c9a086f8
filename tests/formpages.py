"""Read a page's form as a browser would post it: the fields a click on its submit button sends."""

from html.parser import HTMLParser

from django.utils.datastructures import MultiValueDict


class FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = MultiValueDict()
        self.textarea = None
        self.select = None
        self.option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.appendlist(name, attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select = [name, None, None]  # name, selected value, first value
        elif tag == "option" and self.select is not None:
            self.option = attrs.get("value", "")
            if self.select[2] is None:
                self.select[2] = self.option
            if "selected" in attrs:
                self.select[1] = self.option

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None:
            value = self.textarea[1]
            self.fields.appendlist(self.textarea[0], value[1:] if value.startswith("\n") else value)
            self.textarea = None
        elif tag == "select" and self.select is not None:
            name, selected, first = self.select
            self.fields.appendlist(name, selected if selected is not None else first or "")
            self.select = None
        elif tag == "form":
            self.inside = False


def form_fields(response, form_id="article_form"):
    """The fields of the form `form_id` in `response`, as a dict of lists for `client.post`."""
    reader = FormReader(form_id)
    reader.feed(response.content.decode())
    return dict(reader.fields.lists())
