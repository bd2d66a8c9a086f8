"""The reader's site in a real browser: axe-core finds nothing on any page type, light or dark.

axe-core and its injection are the editors' room tests' (tests/editorial/test_browser_polish.py;
`.ci/run` installs it into build/axe). Runs where Chromium is installed, like tests/test_browser.py.
"""

import pytest
from django.core.files.base import ContentFile

from articles.models import Article
from tests.conftest import require
from tests.editorial.test_browser_polish import AXE, axe_violations
from tests.factories import make_article, make_source
from tests.image_files import image_bytes
from tests.test_browser import ARTIFACTS, browser, watch_csp  # noqa: F401 (the fixture)

BODY = """<p>The port's new microgrid keeps cranes running through outages.</p>
<h2>What changes</h2>
<blockquote><p>It paid for itself in two winters.</p></blockquote>
<figure><figcaption>Output by quarter, in megawatt-hours.</figcaption></figure>
<table><caption>Output</caption><thead><tr><th>Quarter</th><th>MWh</th></tr></thead>
<tbody><tr><td>Q1</td><td>1,240</td></tr><tr><td>Q2</td><td>1,410</td></tr></tbody></table>
<ul><li>Four megawatts</li><li>Two substations</li></ul>"""


def front_page_site():
    """A small site: featured stories with images, text-only cards, sources and tags."""
    wires = [make_source("Coastal Energy Wire"), make_source("Civic Notices")]
    for n in range(8):
        article = make_article(
            title=f"Harbour microgrid story number {n}",
            source=wires[n % 2],
            tags=["energy", "ports"] if n % 2 else ["community"],
            featured=n in (2, 5),
            body=BODY,
            image_alt=f"Cranes at the port, picture {n}",
        )
        if n % 3:
            article.image.save(f"h{n}.png", ContentFile(image_bytes("PNG", size=(1600, 900))))
    return Article.objects.get(title="Harbour microgrid story number 1")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_axe_finds_nothing_on_any_page_type_light_or_dark(browser, live_server):  # noqa: F811
    require(AXE.exists(), "axe-core is not installed (npm install --prefix build/axe axe-core)")
    article = front_page_site()
    pages = {
        "home": "/",
        "article": article.get_absolute_url(),
        "tag": "/tags/energy/",
        "search": "/search/",
        "results": "/search/?q=microgrid",
    }
    ARTIFACTS.mkdir(exist_ok=True)
    found = {}
    for scheme in ("light", "dark"):
        for width in (375, 1280):
            page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
            blocked = watch_csp(page)
            for name, path in pages.items():
                response = page.goto(live_server.url + path)
                assert response.status == 200
                assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (
                    scheme == "dark"
                )
                found[(name, scheme, width)] = axe_violations(page)
                page.screenshot(path=ARTIFACTS / f"axe-{name}-{width}-{scheme}.png")
            assert blocked == []
            page.close()
    assert {key: v for key, v in found.items() if v} == {}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_front_page_lays_out_without_shifting(browser, live_server):  # noqa: F811
    front_page_site()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + "/")
    lead = page.locator(".lead-image img")
    box = lead.bounding_box()
    assert box["width"] > 600 and abs(box["width"] / box["height"] - 16 / 9) < 0.02
    images = page.locator(".card img")
    assert images.count() > 0
    for i in range(images.count()):
        image = images.nth(i)
        assert image.get_attribute("width") and image.get_attribute("height")
        assert image.get_attribute("src").startswith("/media/")
    # Every card and the lead keep to the page's width (no horizontal scroll), at 375 too.
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
