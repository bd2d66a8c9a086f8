"""The editors' room in a real browser: Playwright drives Chromium against a live server."""

import datetime as dt
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections
from django.utils import timezone
from PIL import Image

from articles.models import Article, Revision, Status
from tests.conftest import require
from tests.factories import make_article, make_source
from tests.image_files import halves, is_blue, reopen


def stored(name):
    with default_storage.open(name) as f:
        return reopen(f.read())


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
NEW_SUMMARY = "Grid operators approve the region's largest battery, due online next spring."


@pytest.fixture
def browser(monkeypatch):
    require(CHROMIUM, "Chromium is not installed (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    require(sync_playwright, "the playwright package is not installed (pip install -e '.[dev]')")
    # Playwright's sync API runs an event loop in this thread; the ORM calls around it are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        # The ORM calls made while Playwright's loop runs got connections of their own: close
        # them here, or they would keep the test database in use after the run.
        connections.close_all()


def watch_csp(page):
    """A list that fills with every Content-Security-Policy violation the page reports."""
    violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and violations.append(message.text)
        ),
    )
    return violations


def open_change_form(page, live_server, article):
    """Log in as the editor and open the article's change form."""
    page.goto(f"{live_server.url}/admin/login/?next=/admin/articles/article/{article.pk}/change/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a long editor password")
    page.click("input[type=submit]")
    page.wait_for_selector("#article_form")


def drag(page, element, start, end):
    """Drag the mouse across `element` from `start` to `end`, as fractions of its size."""
    box = element.bounding_box()
    page.mouse.move(box["x"] + start[0] * box["width"], box["y"] + start[1] * box["height"])
    page.mouse.down()
    page.mouse.move(box["x"] + end[0] * box["width"], box["y"] + end[1] * box["height"], steps=8)
    page.mouse.up()


def edges(page):
    return [float(page.input_value(f"#id_image_crop_{i}")) for i in range(4)]


@pytest.fixture
def editor():
    user = User.objects.create_user("editor", password="a long editor password", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_editor_polishes_and_publishes_an_article(browser, live_server, editor):
    article = make_article(
        title="Battery storage approved",
        status=Status.DRAFT,
        summary="Machine summary.",
        date=timezone.now() - dt.timedelta(hours=1),
        source=make_source("Energy Wire"),
    )
    ARTIFACTS.mkdir(exist_ok=True)
    header = ARTIFACTS / "header.png"
    gradient = Image.merge("RGB", [Image.linear_gradient("L").resize((1400, 800))] * 3)
    gradient.save(header, "PNG")

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    blocked = watch_csp(page)
    open_change_form(page, live_server, article)

    counter = page.locator("#id_summary_counter")
    assert counter.inner_text() == "16 characters (recommended: up to 250)"
    page.fill("#id_summary", "x" * 260)
    assert counter.inner_text() == "260 characters (recommended: up to 250): too long"
    assert "over" in counter.get_attribute("class")
    page.fill("#id_summary", NEW_SUMMARY)
    assert counter.inner_text() == f"{len(NEW_SUMMARY)} characters (recommended: up to 250)"
    assert "over" not in counter.get_attribute("class")

    page.set_input_files("#id_image", str(header))
    page.fill("#id_image_alt", "A row of battery containers beside a substation.")
    page.fill("#id_image_caption", "Photo: Energy Wire")
    page.select_option("#id_status", "published")
    page.screenshot(path=ARTIFACTS / "admin-article-form.png", full_page=True)
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert page.locator("img.image-preview").count() == 1
    page.screenshot(path=ARTIFACTS / "admin-article-saved.png", full_page=True)
    # Enter in a field saves: the history's Restore buttons come after the save row.
    assert page.locator("button.restore").count() == 2
    with page.expect_navigation():
        page.press("#id_title", "Enter")
    assert page.url.endswith("/admin/articles/article/")

    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.is_public
    assert article.renditions is not None
    revision = Revision.objects.get(article=article)
    assert revision.user == editor
    assert set(revision.changes) >= {"summary", "image", "image_alt", "status"}

    public = browser.new_page(viewport={"width": 1280, "height": 900})  # a reader, logged out
    blocked += watch_csp(public)
    response = public.goto(f"{live_server.url}{article.get_absolute_url()}")
    assert response.status == 200
    assert public.locator(".lede").inner_text() == NEW_SUMMARY
    assert public.locator(".banner").count() == 0
    image = public.locator(".header-image img")
    assert image.get_attribute("alt") == "A row of battery containers beside a substation."
    image.scroll_into_view_if_needed()
    assert image.evaluate("img => img.complete && img.naturalWidth") > 0
    public.screenshot(path=ARTIFACTS / "public-article.png", full_page=True)
    assert Article.objects.published().filter(pk=article.pk).exists()
    assert blocked == []  # the counters and everything else ran under the strict policy


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_editor_crops_the_header_image_by_dragging_on_it(browser, live_server, editor):
    article = make_article(title="Wind farm extended", image_alt="Turbines at sea.")
    article.image.save("halves.png", ContentFile(halves((1400, 800))))  # renditions follow
    article.refresh_from_db()
    whole = {r.name for r in article.renditions.all()}
    assert not is_blue(stored(article.renditions.social.name))

    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    blocked = watch_csp(page)
    open_change_form(page, live_server, article)
    stage = page.locator(".crop-stage img")
    stage.scroll_into_view_if_needed()
    assert edges(page) == [0, 0, 1, 1]
    # The editor drags on the small preview, not the 1400×800 upload.
    preview = article.renditions.preview
    assert stage.get_attribute("src") == preview.url
    assert stage.evaluate("img => img.decode().then(() => img.naturalWidth)") == 800

    drag(page, stage, (0.1, 0.1), (0.2, 0.2))  # 140×80 pixels of the original: the script warns
    status = page.inner_text(".crop-status")
    assert "Crop: 140×80 of 1400×800 pixels" in status
    assert "too small, keep at least 600×315" in status
    page.click("text=Use the whole image")
    assert edges(page) == [0, 0, 1, 1]

    drag(page, stage, (0.52, 0.1), (0.98, 0.9))
    left, top, right, bottom = edges(page)
    assert abs(left - 0.52) < 0.01 and abs(top - 0.1) < 0.01
    assert abs(right - 0.98) < 0.01 and abs(bottom - 0.9) < 0.01
    assert "too small" not in page.inner_text(".crop-status")  # 644 wide, though 368 on the preview
    # The region is drawn where it was dragged, over the image.
    box, region = stage.bounding_box(), page.locator(".crop-region").bounding_box()
    assert abs(region["x"] - (box["x"] + 0.52 * box["width"])) < 3
    assert abs(region["width"] - 0.46 * box["width"]) < 3
    assert abs(region["y"] - (box["y"] + 0.1 * box["height"])) < 3
    assert abs(region["height"] - 0.8 * box["height"]) < 3
    page.screenshot(path=ARTIFACTS / "admin-article-crop.png", full_page=True)

    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    article.refresh_from_db()
    assert article.image_crop == {"left": left, "top": top, "right": right, "bottom": bottom}
    made = article.renditions
    assert not whole & {r.name for r in made.all()}
    assert is_blue(stored(made.social.name)) and is_blue(stored(made.thumbnail.name))
    assert page.locator("img.image-preview").get_attribute("src") == made.webp[0].url
    assert made.preview == preview  # the uncropped preview outlives the crop
    assert page.locator(".crop-stage img").get_attribute("src") == preview.url
    assert edges(page) == [left, top, right, bottom]  # the form shows the saved crop
    assert Revision.objects.get(article=article).changes["image_crop"][1] == article.image_crop
    assert blocked == []
