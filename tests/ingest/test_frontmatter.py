import datetime as dt

import pytest

from articles.ingest.frontmatter import FrontMatterError, parse_article, slug_for_title
from tests.conftest import DATA
from tests.factories import RawToml, article_file


def parse(text, **kwargs):
    return parse_article(text.encode() if isinstance(text, str) else text, **kwargs)


def test_parses_every_field_of_the_seed_article():
    data = parse((DATA / "seed-article.txt").read_bytes())
    assert data.title == "Chinese EV Firms Eye Global Expansion Amid Domestic Market Saturation"
    assert data.date == dt.datetime(2025, 7, 15, 14, 15, 21, tzinfo=dt.UTC)
    assert data.draft is False
    assert data.article_id == 104649
    assert data.feed_item_id == "17009"
    assert data.slug == "chinese-ev-firms-eye-global-expansion-amid-domestic-market-saturation"
    assert data.source == "InvestorBrandNetwork (IBN)"
    assert data.enclosure.startswith("https://cdn.newsramp.app/")
    assert data.qrcode.endswith(".webp")
    assert data.body.startswith("<p>The electric vehicle (EV) market")
    assert len(data.content_hash) == 64


def test_accepts_crlf_line_endings_and_a_byte_order_mark():
    text = article_file().replace("\n", "\r\n")
    data = parse(b"\xef\xbb\xbf" + text.encode())
    assert data.title == "Test headline"
    assert "\r" not in data.body


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('"2025-07-15T14:15:21Z"', dt.datetime(2025, 7, 15, 14, 15, 21, tzinfo=dt.UTC)),
        ('"2025-07-15T16:15:21+02:00"', dt.datetime(2025, 7, 15, 14, 15, 21, tzinfo=dt.UTC)),
        ("2025-07-15T14:15:21Z", dt.datetime(2025, 7, 15, 14, 15, 21, tzinfo=dt.UTC)),
        ("2025-07-15T14:15:21", dt.datetime(2025, 7, 15, 14, 15, 21, tzinfo=dt.UTC)),
        ("2025-07-15", dt.datetime(2025, 7, 15, tzinfo=dt.UTC)),
    ],
)
def test_dates_become_aware_utc(raw, expected):
    data = parse(article_file(date=RawToml(raw)))
    assert data.date == expected
    assert data.date.tzinfo == dt.UTC


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"<p>No front matter</p>", "does not start"),
        (b"+++\ntitle = 'x'\n", "not closed"),
        (b"+++\ntitle = \n+++\n", "not valid TOML"),
        ("+++\ntitle = 'caf\xe9'\n+++\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_refuses_files_that_are_not_articles(text, reason):
    with pytest.raises(FrontMatterError, match=reason):
        parse(text)


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"title": None}, "'title' is required"),
        ({"title": "   "}, "'title' is empty"),
        ({"date": None}, "'date' is required"),
        ({"date": "yesterday"}, "not an RFC 3339 date"),
        ({"date": "2025-13-45T00:00:00Z"}, "not an RFC 3339 date"),
        ({"date": 20250715}, "must be a date string"),
        ({"title": 42}, "'title' must be a string"),
        ({"article_id": None}, "'article_id' is required"),
        ({"article_id": "104649"}, "must be an integer"),
        ({"article_id": True}, "must be an integer"),
        ({"article_id": -5}, "positive"),
        ({"article_id": 1.5}, "must be an integer"),
        ({"draft": "no"}, "'draft' must be true or false"),
        ({"tags": "energy"}, "'tags' must be an array of strings"),
        ({"tags": ["ok", 3]}, "'tags' must be an array of strings"),
        ({"feed_item_id": [1]}, "'feed_item_id' must be an integer or a string"),
        ({"summary": ["a"]}, "'summary' must be a string"),
        ({"url": "not-a-path"}, "'url' must look like"),
        ({"url": "/202507/999-other-article"}, "names article 999"),
    ],
)
def test_reports_missing_and_mistyped_fields(overrides, reason):
    with pytest.raises(FrontMatterError, match=reason):
        parse(article_file(**overrides))


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:image/png;base64,AAAA",
        "ftp://example.com/x.png",
        "//example.com/x.png",
        "/relative/path.png",
        "https://exa mple.com/x.png",
    ],
)
@pytest.mark.parametrize("key", ["source_link", "enclosure", "qrcode"])
def test_urls_must_be_absolute_http(key, url):
    with pytest.raises(FrontMatterError, match=f"'{key}'"):
        parse(article_file(**{key: url}))


def test_refuses_a_file_over_the_size_limit():
    with pytest.raises(FrontMatterError, match="over the limit"):
        parse(article_file(body="<p>x</p>" * 1000), max_bytes=1000)


def test_slug_comes_from_the_url_when_present():
    data = parse(article_file(url="/199901/4242-the-editors-slug"))
    assert data.slug == "the-editors-slug"


def test_slug_falls_back_to_the_title():
    assert parse(article_file()).slug == "test-headline"


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Hello, World!", "hello-world"),
        ("电动汽车企业走向世界", "电动汽车企业走向世界"),
        ("!!! ???", "article"),
    ],
)
def test_every_title_gets_a_usable_slug(title, slug):
    assert slug_for_title(title) == slug


def test_tags_are_normalised_and_deduplicated():
    data = parse(article_file(tags=["  electric   vehicles ", "china", "china", ""]))
    assert data.tags == ("electric vehicles", "china")


def test_feed_item_id_may_be_a_string_guid():
    data = parse(article_file(feed_item_id="urn:uuid:1234"))
    assert data.feed_item_id == "urn:uuid:1234"


def test_draft_flag_is_read():
    assert parse(article_file(draft=True)).draft is True
