"""Writing a new article in the rich-text editor, in a real browser, under the strict CSP."""

import os
import shutil

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Error as PlaywrightError

from articles.models import Article, BodyImage, Status
from tests.test_browser import ARTIFACTS, browser, editor, watch_csp  # noqa: F401 (fixtures)

SCREENSHOTS = ARTIFACTS.parent / "docs" / "screenshots"
ALT = "Solar panels on the harbour master's roof."


def screenshot(element, name):
    """Keep a screenshot under test-artifacts/; README's copies with UPDATE_SCREENSHOTS=1."""
    element.screenshot(path=ARTIFACTS / name)
    if os.environ.get("UPDATE_SCREENSHOTS"):
        shutil.copy(ARTIFACTS / name, SCREENSHOTS / name)


def write_article(page):
    """Type a heading, a bold word, a link and a list into the body editor."""
    body = page.locator(".prose-editor .tiptap.ProseMirror")
    body.click()
    page.keyboard.type("## Why it matters")
    page.keyboard.press("Enter")
    page.keyboard.type("The harbour now runs on ")
    page.keyboard.press("Control+b")
    page.keyboard.type("microgrids")
    page.keyboard.press("Control+b")
    page.keyboard.type(". Read the report")
    for _ in range(6):
        page.keyboard.press("Shift+ArrowLeft")
    page.wait_for_function("() => window.getSelection().toString() === 'report'")
    page.click(".prose-menubar button[title='insert link']")
    page.fill("dialog[open] input[name=href]", "https://energy.example/report")
    page.click("dialog[open] button[type=submit]")
    page.wait_for_selector("dialog[open]", state="detached")
    page.wait_for_selector(".tiptap a[href='https://energy.example/report']")
    # The cursor to the end, as a click there would put it; typing on while the word is still
    # selected (ProseMirror syncs the selection asynchronously) would replace it.
    body.evaluate("el => el.editor.commands.focus('end')")
    page.wait_for_function("() => document.querySelector('.tiptap').editor.state.selection.empty")
    page.keyboard.press("Enter")
    page.keyboard.type("- Two batteries")
    page.keyboard.press("Enter")
    page.keyboard.type("One control room")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")


def upload_image(page, path, blocked):
    """Insert an image through the editor's Browse… picker, uploading it there with alt text."""
    page.click(".prose-menubar button[title='figure']")
    with page.expect_popup() as opened:
        page.click("dialog[open] button:has-text('Browse')")
    picker = opened.value
    blocked += watch_csp(picker)
    picker.wait_for_selector(".body-image-upload")
    picker.set_input_files("#id_image", str(path))
    picker.fill("#id_alt", ALT)
    picker.click("input[value=Upload]")
    picker.wait_for_selector(".uploaded .pick-image")
    picker.screenshot(path=ARTIFACTS / "admin-body-image-picker.png")
    # The button hands the URL and alt text back and closes the picker, sometimes before the
    # browser has answered the click itself: the close is what is awaited, and the outcome is
    # checked on the editor's page below (a crash would fail there too).
    with picker.expect_event("close"):
        try:
            picker.click(".uploaded .pick-image", no_wait_after=True)
        except PlaywrightError:
            if not picker.is_closed():  # only the picker closing under the click is expected
                raise
    assert page.input_value("dialog[open] input[name=altText]") == ALT
    page.click("dialog[open] button[type=submit]")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_editor_writes_saves_a_draft_and_publishes_a_rich_text_article(
    browser,  # noqa: F811
    live_server,
    editor,  # noqa: F811
):
    ARTIFACTS.mkdir(exist_ok=True)
    photo = ARTIFACTS / "harbour.jpg"
    Image.merge("RGB", [Image.linear_gradient("L").resize((2400, 1350))] * 3).save(photo)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    blocked = watch_csp(page)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/articles/article/add/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a long editor password")
    page.click("input[type=submit]")
    page.wait_for_selector(".prose-editor .tiptap.ProseMirror")
    # Tiptap's stylesheet arrived as a static file, not an injected <style>.
    assert page.locator("style[data-tiptap-style]").count() == 0
    editable = page.locator(".tiptap.ProseMirror")
    assert editable.evaluate("e => getComputedStyle(e).whiteSpace") in {"pre-wrap", "break-spaces"}
    assert page.input_value("#id_status") == Status.DRAFT
    assert page.locator("#id_article_id").count() == 0

    page.fill("#id_title", "Microgrids power the harbour")
    page.press("#id_title", "Tab")
    assert page.input_value("#id_slug") == "microgrids-power-the-harbour"
    write_article(page)
    written = page.input_value("#id_body")
    assert written.startswith("<h2>Why it matters</h2><p>The harbour now runs on <strong>"), written
    assert ' <a href="https://energy.example/report" title="">report</a></p><ul>' in written, (
        written
    )
    upload_image(page, photo, blocked)
    screenshot(page.locator(".field-body"), "admin-body-editor.png")
    page.click(".prose-menubar button[title='edit HTML']")
    page.wait_for_selector("dialog[open] textarea")
    screenshot(page.locator("dialog[open]"), "admin-body-editor-html.png")
    page.click("dialog[open] button[value=cancel]")

    page.click("input[name=_save_draft]")
    page.wait_for_selector(".messagelist .success")
    assert page.locator(".messagelist .warning").count() == 0  # nothing the editor made was cut
    article = Article.objects.get(title="Microgrids power the harbour")
    assert article.status == Status.DRAFT and article.slug == "microgrids-power-the-harbour"
    assert article.date <= timezone.now()
    reader = browser.new_page(viewport={"width": 1280, "height": 900})  # logged out
    blocked += watch_csp(reader)
    assert reader.goto(f"{live_server.url}{article.get_absolute_url()}").status == 404

    page.click("input[name=_publish]")
    page.wait_for_selector(".messagelist .success")
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.is_public
    image = BodyImage.objects.get()
    assert image.alt == ALT

    assert reader.goto(f"{live_server.url}{article.get_absolute_url()}").status == 200
    body = reader.locator(".body")
    assert body.locator("h2").inner_text() == "Why it matters"
    assert body.locator("strong").inner_text() == "microgrids"
    link = body.locator("a[href='https://energy.example/report']")
    assert link.inner_text() == "report"
    assert link.get_attribute("rel") == "noopener noreferrer nofollow"
    assert body.locator("ul li").all_inner_texts() == ["Two batteries", "One control room"]
    picture = body.locator("figure picture")
    assert picture.locator("source").get_attribute("type") == "image/webp"
    assert " 1600w" in picture.locator("source").get_attribute("srcset")
    shown = picture.locator("img")
    assert shown.get_attribute("alt") == ALT
    assert shown.get_attribute("src").startswith("/media/renditions/body/")
    assert image.image.url not in reader.content()  # never the 2400-pixel upload
    shown.scroll_into_view_if_needed()
    assert shown.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    reader.screenshot(path=ARTIFACTS / "public-article-rich-text.png", full_page=True)
    assert blocked == []
