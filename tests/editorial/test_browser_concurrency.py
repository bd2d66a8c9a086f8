"""Two editors in two real browsers: presence, the conflict page, drafts, history and preview."""

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.utils import timezone

from articles.editorial import presence
from articles.models import Article, Revision, Status
from articles.versions import ArticleDraft
from tests.conftest import require
from tests.editorial.test_browser_polish import AXE, axe_violations
from tests.factories import make_article, make_source
from tests.test_browser import ARTIFACTS, browser, editor, watch_csp  # noqa: F401 (fixtures)

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
PASSWORD = "a long editor password"


@pytest.fixture
def maria():
    user = User.objects.create_user("maria", password=PASSWORD, is_staff=True, first_name="Maria")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def quick_polls(monkeypatch):
    monkeypatch.setattr(presence, "POLL_SECONDS", 1)


def open_form(page, live_server, username, article):
    """Log `username` in and open the article's change form."""
    page.goto(f"{live_server.url}/admin/login/?next=/admin/articles/article/{article.pk}/change/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#article_form")


def screenshot(page, name, **options):
    """Keep a screenshot under test-artifacts/; README's copies with UPDATE_SCREENSHOTS=1."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / name, **options)
    if os.environ.get("UPDATE_SCREENSHOTS"):
        shutil.copy(ARTIFACTS / name, SCREENSHOTS / name)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_editors_save_one_article_and_the_second_resolves_the_conflict(
    browser,  # noqa: F811
    live_server,
    editor,  # noqa: F811
    maria,
    quick_polls,
):
    editor.first_name = "Tom"
    editor.save()
    article = make_article(
        title="Battery storage approved",
        summary="Machine summary.",
        description="",
        source=make_source("Energy Wire"),
        date=timezone.now() - dt.timedelta(hours=1),
    )
    tom = browser.new_context(viewport={"width": 1280, "height": 900})
    mar = browser.new_context(viewport={"width": 1280, "height": 900})
    tom_page, maria_page = tom.new_page(), mar.new_page()
    blocked = [watch_csp(tom_page), watch_csp(maria_page)]

    # The minute Tom opened it, read on both sides of his opening: a minute may turn meanwhile.
    opening = {timezone.localtime().strftime("%H:%M")}
    open_form(tom_page, live_server, "editor", article)
    opening.add(timezone.localtime().strftime("%H:%M"))
    open_form(maria_page, live_server, "maria", article)
    notice = maria_page.locator("#presence").inner_text()
    assert any(f"Tom has this article open, since {since}." in notice for since in opening)
    # Tom's open form learns of Maria from its poll, without a reload.
    tom_page.wait_for_selector("#presence .presence-open", timeout=10_000)
    assert "Maria has this article open" in tom_page.inner_text("#presence")

    # Tom saves a new summary and description first.
    tom_page.fill("#id_summary", "Tom's summary of the approval.")
    tom_page.fill("#id_description", "Tom's meta description, long enough for a search snippet.")
    tom_page.click("input[name=_continue]")
    tom_page.wait_for_selector(".messagelist .success")

    # Maria's open form says so, and names what Tom saved.
    maria_page.wait_for_selector("#presence .presence-saved", timeout=10_000)
    saved = maria_page.inner_text("#presence .presence-saved")
    assert "Tom saved a new summary and meta description just now" in saved and "Reload" in saved
    maria_page.locator("#presence").scroll_into_view_if_needed()
    screenshot(maria_page, "presence-notice.png")

    # Maria, from her stale form, changes the title and the summary, and saves.
    maria_page.fill("#id_title", "Battery storage approved by the regulator")
    maria_page.fill("#id_summary", "Maria's summary.")
    maria_page.click("input[name=_continue]")
    maria_page.wait_for_selector("#conflict_form")
    summary = maria_page.locator("#conflict-summary")
    assert "Tom's summary of the approval." in summary.locator(".theirs").inner_text()
    assert "Maria's summary." in summary.locator(".yours").inner_text()
    assert "Changed by Tom" in summary.inner_text()
    description = maria_page.locator("#conflict-description")
    assert description.locator("input[value=theirs]").is_checked()  # she never touched it
    assert maria_page.locator("#conflict-title").count() == 0  # only Maria changed the title
    screenshot(maria_page, "conflict-page.png", full_page=True)
    stored = Article.objects.get(pk=article.pk)
    assert stored.summary == "Tom's summary of the approval."  # nothing overwritten meanwhile

    # She merges both summaries by hand: typing in the edit box chooses it.
    summary.locator("textarea").fill("Tom's summary of the approval, with Maria's detail.")
    assert summary.locator("input[value=edit]").is_checked()
    maria_page.click("#conflict_form input[type=submit]")
    maria_page.wait_for_selector(".messagelist .success")

    stored = Article.objects.get(pk=article.pk)
    assert stored.title == "Battery storage approved by the regulator"  # Maria's
    assert stored.description.startswith("Tom's meta description")  # Tom's
    assert stored.summary == "Tom's summary of the approval, with Maria's detail."  # both
    assert Revision.objects.filter(user=maria).get().changes.keys() == {"title", "summary"}
    assert blocked == [[], []]  # presence, conflict page and all under the strict policy
    tom.close()
    mar.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_typing_survives_a_reload_and_previews_before_it_goes_live(
    browser,  # noqa: F811
    live_server,
    editor,  # noqa: F811
):
    article = make_article(
        title="Wind farm extended",
        status=Status.PUBLISHED,
        summary="Machine summary.",
        description="The current description of the wind farm, for search snippets.",
        date=timezone.now() - dt.timedelta(hours=1),
    )
    revision = Revision.objects.create(
        article=article,
        changes={"description": ["An older description.", article.description]},
        origin=Revision.Origin.ADMIN,
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    blocked = [watch_csp(page)]
    context.on("page", lambda opened: blocked.append(watch_csp(opened)))
    dialogs = []

    def leave(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", leave)
    open_form(page, live_server, "editor", article)
    typed = "Typed before the tab was reloaded: this must not be lost."
    page.click("#id_summary")
    page.fill("#id_summary", typed)
    page.wait_for_selector("#draft-status:has-text('kept as your draft')", timeout=10_000)
    page.reload()
    assert dialogs == ["beforeunload"]  # leaving with unsaved changes asked first
    page.wait_for_selector("#draft-offer")
    assert page.input_value("#id_summary") == "Machine summary."
    screenshot(page, "draft-offer.png")
    page.click("#draft-offer [data-draft=restore]")
    page.wait_for_selector("#draft-status:has-text('back in the form')")
    assert page.input_value("#id_summary") == typed

    # A history Restore puts one field back into the form and leaves the typing alone.
    page.click(f"button.restore[value='{revision.pk}:description:old']")
    page.wait_for_selector("#draft-status:has-text('restored in the form')")
    assert page.input_value("#id_description") == "An older description."
    assert page.input_value("#id_summary") == typed
    assert Article.objects.get(pk=article.pk).description.startswith("The current")

    # Preview: the public template with the unsaved text, in a new tab.
    with context.expect_page() as opened:
        page.click("button.preview-button")
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.locator(".lede").inner_text() == typed
    assert "Preview, not published." in preview.locator(".banner").inner_text()
    assert preview.locator("meta[name=robots]").get_attribute("content") == "noindex, nofollow"
    screenshot(preview, "preview.png")
    assert Article.objects.get(pk=article.pk).summary == "Machine summary."  # still unsaved

    # Saving keeps it, drops the draft, and asks nothing on the way.
    page.bring_to_front()
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    stored = Article.objects.get(pk=article.pk)
    assert stored.summary == typed and stored.description == "An older description."
    assert not stored.drafts.exists()
    assert dialogs == ["beforeunload"]
    assert blocked == [[], []]  # the form's page and the preview's
    context.close()


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_axe_finds_no_violations_on_the_notices_and_the_conflict_page(
    browser,  # noqa: F811
    live_server,
    editor,  # noqa: F811
    maria,
    width,
):
    require(AXE.exists(), "axe-core is not installed (npm install --prefix build/axe axe-core)")
    article = make_article(title="Harbour reopens", summary="Machine summary.")
    presence.here(article.pk, maria)  # Maria has it open
    ArticleDraft.objects.create(article=article, user=editor, data={"summary": ["Half typed"]})
    page = browser.new_page(viewport={"width": width, "height": 900})
    blocked = watch_csp(page)
    open_form(page, live_server, "editor", article)
    assert page.locator("#presence .presence-open").count() == 1
    assert page.locator("#draft-offer").count() == 1
    assert blocked == []  # before axe, which adds styles of its own
    found = {"form with notices": axe_violations(page)}

    page.reload()  # without axe's injected styles
    blocked.clear()
    page.click("#draft-offer [data-draft=discard]")
    page.wait_for_selector("#draft-status:has-text('discarded')")
    stored = Article.objects.get(pk=article.pk)
    stored.summary = "Maria's summary."
    stored.save()
    Revision.objects.create(
        article=stored, user=maria, changes={"summary": ["Machine summary.", stored.summary]}
    )
    page.fill("#id_summary", "Editor's summary.")
    page.click("input[name=_continue]")
    page.wait_for_selector("#conflict_form")
    assert blocked == []  # before axe, which adds styles of its own
    found["conflict page"] = axe_violations(page)
    assert found == {"form with notices": [], "conflict page": []}
