"""The editors' room polish in a real browser, at 1280 and 375 pixels wide.

The error summary, a kept upload, the list that fits with the side menu open, Ctrl+S, the crop
fields' arrow keys, and axe-core's accessibility rules on the list, the form and the dashboard.
axe-core comes from npm (`.ci/run` installs it into build/axe); without it those tests skip with
the reason, and in CI they fail.
"""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Status
from tests.conftest import require
from tests.factories import make_article, make_source
from tests.image_files import halves
from tests.test_browser import ARTIFACTS, open_change_form, watch_csp

AXE = Path(
    os.environ.get("AXE_CORE_JS")
    or Path(settings.BASE_DIR) / "build/axe/node_modules/axe-core/axe.min.js"
)
WIDTHS = [1280, 375]

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def new_page(browser, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    return page, watch_csp(page)


def focused_id(page):
    return page.evaluate("document.activeElement && document.activeElement.id")


def seed_like_article():
    """Like the imported seed article: published, an imported header image, no alt text."""
    return make_article(
        title="Grid operators approve the region's largest battery",
        source=make_source("Energy Wire"),
        enclosure="https://example.com/battery.jpg",
        date=timezone.now() - dt.timedelta(days=1),
        tags=["energy"],
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_the_error_summary_is_at_the_top_and_its_links_focus_the_fields(
    browser, live_server, editor, width
):
    article = seed_like_article()
    page, blocked = new_page(browser, width)
    open_change_form(page, live_server, article)
    page.fill("#id_summary", "Only the summary was edited.")
    # A bad link in the collapsed "Source and provenance" fieldset, as a paste would leave it.
    page.evaluate("document.getElementById('id_source_link').value = 'ftp://example.com/x'")
    page.click("input[name=_continue]")
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert focused_id(page) == "error-summary"  # the editor meets it first
    box = summary.bounding_box()
    assert 0 <= box["y"] < 900 and box["x"] + box["width"] <= width  # in view, not off-screen
    assert box["y"] < page.locator("fieldset").first.bounding_box()["y"]
    links = summary.locator("a")
    assert links.all_inner_texts() == [
        "Alt text: Describe the header image before publishing: alt text is required.",
        "Source link: Enter a valid URL.",
    ]
    assert page.locator(".errornote").is_hidden()  # the summary replaces "Please correct..."
    page.screenshot(path=ARTIFACTS / f"admin-error-summary-{width}.png", full_page=False)

    links.nth(0).click()
    assert focused_id(page) == "id_image_alt"
    alt = page.locator("#id_image_alt").bounding_box()
    assert 0 <= alt["y"] < 900  # scrolled into view
    links.nth(1).click()  # inside the collapsed fieldset: it opens
    assert focused_id(page) == "id_source_link"
    assert page.locator("#id_source_link").is_visible()
    article.refresh_from_db()
    assert article.summary != "Only the summary was edited."
    assert blocked == []


@pytest.mark.parametrize("width", WIDTHS)
def test_an_upload_survives_a_failed_validation(browser, live_server, editor, width):
    article = make_article(title="Harbour reopens", status=Status.DRAFT)
    ARTIFACTS.mkdir(exist_ok=True)
    header = ARTIFACTS / "harbour.png"
    Image.new("RGB", (900, 500), "navy").save(header, "PNG")
    page, blocked = new_page(browser, width)
    open_change_form(page, live_server, article)
    page.set_input_files("#id_image", str(header))
    page.select_option("#id_status", "published")  # without alt text: refused
    page.click("input[name=_continue]")
    page.locator("#error-summary").wait_for()
    kept = page.locator(".staged-upload")
    assert "Kept from your last try: harbour.png" in kept.inner_text()
    assert page.input_value("#id_image") == ""  # the browser's input is empty ...
    page.fill("#id_image_alt", "The harbour at dawn.")
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()
    article.refresh_from_db()  # ... and the staged file was saved all the same
    assert re.fullmatch(r"images/.*/harbour(_\w+)?\.png", article.image.name)
    assert article.status == Status.PUBLISHED and article.renditions is not None
    assert page.locator("img.image-preview").count() == 1
    assert blocked == []


def column_boxes(page):
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#result_list thead th')]
            .map(th => [th.className.match(/column-(\\w+)/)?.[1] || 'checkbox',
                        th.getBoundingClientRect().toJSON()]))"""
    )


def make_list():
    source = make_source("Energy Wire International Press Service")
    for n in range(8):
        make_article(
            title=f"Grid operators approve the region's largest battery, phase {n}",
            source=source,
            tags=["energy", "grid", "storage"],
        )


def test_the_list_fits_at_1280_with_the_side_menu_open(browser, live_server, editor):
    make_list()
    page, blocked = new_page(browser, 1280)
    open_change_form(page, live_server, Article.objects.first())
    page.goto(f"{live_server.url}/admin/articles/article/")
    assert page.locator("#nav-sidebar").is_visible()  # the side menu is open
    results = page.locator("#changelist .results")
    assert results.evaluate("el => el.scrollWidth <= el.clientWidth")  # no sideways scrolling
    box = results.bounding_box()
    columns = column_boxes(page)
    for name in ["title", "publication", "published_on", "tag_list", "source"]:
        column = columns[name]
        assert column["width"] > 0, name
        assert box["x"] <= column["left"] and column["right"] <= box["x"] + box["width"], name
    page.screenshot(path=ARTIFACTS / "admin-list-1280.png")
    assert blocked == []


def test_the_list_is_usable_at_375(browser, live_server, editor):
    make_list()
    page, blocked = new_page(browser, 375)
    open_change_form(page, live_server, Article.objects.first())
    page.goto(f"{live_server.url}/admin/articles/article/")
    results = page.locator("#changelist .results")
    assert results.evaluate("el => el.scrollWidth <= el.clientWidth")
    columns = column_boxes(page)
    for name in ["title", "publication", "published_on"]:  # what matters first
        assert columns[name]["width"] > 0 and columns[name]["right"] <= 375, name
    for name in ["tag_list", "source", "article_id", "thumbnail"]:  # the rest folds away
        assert columns[name]["width"] == 0, name
    action = page.locator("#changelist .actions select").bounding_box()
    assert action["width"] >= 150  # the action menu reads "---------", not "-"
    page.screenshot(path=ARTIFACTS / "admin-list-375.png")
    assert blocked == []


@pytest.mark.parametrize("key", ["Control+s", "Meta+s"])
def test_ctrl_s_saves_and_continues_editing(browser, live_server, editor, key):
    article = make_article(title="Wind farm extended", summary="Old lede.")
    page, blocked = new_page(browser, 1280)
    open_change_form(page, live_server, article)
    change_url = page.url
    page.fill("#id_summary", "New lede, saved from the keyboard.")
    with page.expect_navigation():
        page.keyboard.press(key)
    page.locator(".messagelist .success").wait_for()
    assert page.url == change_url  # still editing
    article.refresh_from_db()
    assert article.summary == "New lede, saved from the keyboard."
    assert blocked == []


def test_crop_fields_step_by_hundredths_with_arrow_keys(browser, live_server, editor):
    article = make_article(title="Turbines at sea", image_alt="Turbines.")
    article.image.save("halves.png", ContentFile(halves((1400, 800))))
    page, blocked = new_page(browser, 1280)
    open_change_form(page, live_server, article)
    left, right = page.locator("#id_image_crop_0"), page.locator("#id_image_crop_2")
    left.focus()
    for _ in range(20):
        page.keyboard.press("ArrowUp")
    assert left.input_value() == "0.2"
    right.focus()
    page.keyboard.press("ArrowDown")
    assert right.input_value() == "0.99"
    assert "too small" not in page.inner_text(".crop-status")  # the script followed the keys
    assert blocked == []


def axe_violations(page):
    """axe-core's violations on the page, injected through the DevTools protocol (no CSP)."""
    page.evaluate(AXE.read_text() + "\n;0")
    return page.evaluate(
        """axe.run(document, {resultTypes: ['violations']}).then(result =>
            result.violations.map(v => `${v.id}: ${v.nodes.map(n => n.target).join(' | ')}`))"""
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violations_on_the_list_the_form_and_the_dashboard(
    browser, live_server, editor, width
):
    require(AXE.exists(), "axe-core is not installed (npm install --prefix build/axe axe-core)")
    make_list()
    article = seed_like_article()
    make_article(title="Without a summary", summary="")
    pages = {
        "form": f"/admin/articles/article/{article.pk}/change/",
        "list": "/admin/articles/article/",
        "dashboard": "/admin/",
        "form with errors": None,
    }
    found = {}
    for name, path in pages.items():
        page, blocked = new_page(browser, width)
        open_change_form(page, live_server, article)
        if path:
            page.goto(f"{live_server.url}{path}")
        else:
            page.click("input[name=_continue]")  # published without alt text: refused
            page.locator("#error-summary").wait_for()
        assert blocked == [], name  # before axe, which adds styles of its own
        found[name] = axe_violations(page)
        page.close()
    assert found == {name: [] for name in pages}
