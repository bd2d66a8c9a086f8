import pytest

from articles.sanitize import removed_markup, sanitize_html, sanitize_html_report


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">click</a>',
        '<a href="JaVaScRiPt&#58;alert(1)">click</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<svg onload="alert(1)"><circle r="5"/></svg>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
        '<form action="https://evil.example"><input name="q"></form>',
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mtext></math>",
        '<img src="data:text/html,<script>alert(1)</script>">',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    ],
)
def test_removes_everything_executable(hostile):
    clean = sanitize_html(hostile).lower()
    for marker in ("<script", "onerror", "onload", "javascript:", "<iframe", "<svg", "style=",
                   "<object", "<form", "<meta", "data:text"):  # fmt: skip
        assert marker not in clean


def test_keeps_editorial_markup():
    html = (
        '<p>A <strong>bold</strong> <a href="https://example.com">link</a>.</p>'
        "<h2>Heading</h2><ul><li>item</li></ul><blockquote><p>quote</p></blockquote>"
    )
    clean = sanitize_html(html)
    assert "<strong>bold</strong>" in clean
    assert 'href="https://example.com"' in clean
    assert "<h2>Heading</h2>" in clean
    assert "<blockquote>" in clean


def test_links_get_rel_noopener():
    assert 'rel="noopener noreferrer nofollow"' in sanitize_html(
        '<a href="https://x.example">x</a>'
    )


@pytest.mark.parametrize(
    "href",
    [
        "\u2028javascript:alert(1)",
        "\xa0javascript:alert(1)",
        "\x01java\x03script:alert(1)",
        "`javascript:alert(1)`",
    ],  # fmt: skip
)
def test_drops_urls_that_hide_a_scheme_behind_invisible_characters(href):
    assert "href" not in sanitize_html(f'<a href="{href}">x</a>')


def test_keeps_relative_and_fragment_links():
    assert 'href="/about"' in sanitize_html('<a href="/about">x</a>')
    assert 'href="#top"' in sanitize_html('<a href="#top">x</a>')


def test_base_url_makes_relative_links_absolute_and_keeps_hostile_ones_out():
    html = (
        '<a href="../about">a</a><img src="img/x.png"><a href="#top">t</a>'
        '<a href="https://other.example/">o</a><a href="javascript:alert(1)">j</a>'
    )
    clean = sanitize_html(html, base_url="https://wire.example/news/feed.xml")
    assert 'href="https://wire.example/about"' in clean
    assert 'src="https://wire.example/news/img/x.png"' in clean
    assert 'href="https://wire.example/news/feed.xml#top"' in clean
    assert 'href="https://other.example/"' in clean
    assert "javascript" not in clean
    assert 'href="../about"' in sanitize_html(html)  # without a base, links stay as they are


def test_links_to_other_sites_are_nofollow_links_to_this_site_stay_plain():
    html = (
        '<a href="https://partner.example/release">out</a>'
        '<a href="/202511/7-slug">relative</a>'
        '<a href="https://news.example/202511/7-slug">absolute, ours</a>'
        '<a href="#notes">fragment</a><a href="mailto:desk@news.example">mail</a>'
        '<a href="https://partner.example/" rel="follow me" target="_blank">forged rel</a>'
    )
    clean = sanitize_html(html, site_url="https://news.example")
    assert clean == (
        '<a href="https://partner.example/release" rel="noopener noreferrer nofollow">out</a>'
        '<a href="/202511/7-slug">relative</a>'
        '<a href="https://news.example/202511/7-slug">absolute, ours</a>'
        '<a href="#notes">fragment</a><a href="mailto:desk@news.example">mail</a>'
        '<a href="https://partner.example/" rel="noopener noreferrer nofollow">forged rel</a>'
    )


def test_a_feed_base_makes_relative_links_external_ones():
    clean = sanitize_html('<a href="/about">a</a>', base_url="https://wire.example/feed.xml")
    assert clean == '<a href="https://wire.example/about" rel="noopener noreferrer nofollow">a</a>'


def test_the_report_names_removed_elements_attributes_and_urls():
    html = (
        '<h1>Title</h1><h1>Again</h1><p style="color:red" onclick="x()">Text</p>'
        '<iframe src="https://evil.example"></iframe><script>alert("<b>")</script>'
        '<a href="javascript:alert(1)" rel="me">j</a><!-- <em onclick=1> -->'
    )
    clean, removed = sanitize_html_report(html)
    assert clean == "TitleAgain<p>Text</p><a>j</a>"
    assert removed.elements == {"h1": 2, "iframe": 1, "script": 1}
    assert removed.attributes == {"style": 1, "onclick": 1}  # rel is the sanitizer's own
    assert removed.urls == ["javascript:alert(1)"]
    assert removed.describe() == (
        "elements <h1> (2), <iframe>, <script>; attributes onclick, style; URLs javascript:alert(1)"
    )


def test_clean_markup_reports_nothing():
    removed = removed_markup(
        '<p>A <b>bold</b> <a href="https://x.example/" rel="nofollow">x</a></p>'
    )
    assert not removed and removed.describe() == ""
