import datetime as dt
import time
from html.parser import HTMLParser
from xml.sax.saxutils import escape

import pytest

from articles.ingest.feeditems import FeedError, parse_feed
from tests.conftest import DATA
from tests.image_files import image_bytes

FEEDS = DATA / "feeds"


def parse(name, **options):
    return parse_feed((FEEDS / name).read_bytes(), **options)


def by_id(feed):
    return {item.feed_item_id: item for item in feed.items}


def test_maps_an_rss_2_item_to_article_values():
    feed = parse("rss2.xml")
    assert (feed.title, feed.link, feed.version) == (
        "Example Wire",
        "https://wire.example/",
        "rss20",
    )
    assert feed.problems == feed.failures == ()
    item = feed.items[0]
    assert item.feed_item_id == "wire-1001"
    assert item.title == "Solar Maker Opens Plant"
    assert item.slug == "solar-maker-opens-plant"
    assert item.date == dt.datetime(2025, 7, 15, 14, 15, 21, tzinfo=dt.UTC)
    assert item.source_link == "https://wire.example/news/1001"
    assert item.summary == "A new plant opens in Nevada."
    assert item.body.startswith("<p>The plant opens today.</p>")
    assert item.enclosure == "https://cdn.wire.example/1001.jpg"
    assert item.tags == ("Energy", "Solar Power")


def test_body_is_sanitized_after_feedparser():
    body = parse("rss2.xml").items[0].body
    assert "<script" not in body
    assert "javascript:" not in body
    assert "onclick" not in body
    assert '<a href="https://wire.example/more"' in body


def test_description_is_the_body_when_there_is_no_content_and_summary_is_plain_text():
    item = by_id(parse("rss2.xml"))["https://wire.example/news/1002"]
    assert item.body == "<p>Revenue rose <em>12%</em>.</p><p>Second paragraph.</p>"
    assert item.summary == "Revenue rose 12%. Second paragraph."


def test_enclosure_is_an_image_from_enclosure_media_content_or_thumbnail():
    items = parse("rss2.xml").items
    assert [item.enclosure for item in items] == [
        "https://cdn.wire.example/1001.jpg",
        "https://cdn.wire.example/1002.png",  # the audio enclosure is passed over
        "https://cdn.wire.example/1003-thumb.webp",
    ]


def test_maps_an_atom_entry():
    feed = parse("atom.xml")
    assert feed.version == "atom10"
    item = feed.items[0]
    assert item.feed_item_id == "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"
    assert item.title == "Markets & Money: Rates Hold"
    assert item.source_link == "https://atom.example/releases/77"  # relative, against xml:base
    assert item.date == dt.datetime(2025, 7, 18, 4, 0, tzinfo=dt.UTC)  # published, not updated
    assert item.summary == "Central bank holds rates."
    assert '<a href="https://atom.example/about"' in item.body
    assert "iframe" not in item.body
    assert item.enclosure == "https://cdn.atom.example/77.png"
    assert item.tags == ("Finance", "rates")
    xhtml = feed.items[1]
    assert xhtml.body == "<p>Inline <strong>XHTML</strong> body.</p>"
    assert xhtml.date == dt.datetime(2025, 7, 19, 8, 0, tzinfo=dt.UTC)  # updated, lacking published


@pytest.mark.parametrize(
    ("name", "version", "title"),
    [("rss1.xml", "rss10", "RDF Item"), ("rss091.xml", "rss091n", "Old Style Item")],
)
def test_reads_rss_1_and_0_91(name, version, title):
    feed = parse(name)
    assert feed.version == version
    assert [item.title for item in feed.items] == [title]


def test_titles_lose_entities_and_tags():
    titles = [item.title for item in parse("entities.xml").items]
    assert titles == [
        "AT&T & Partners\u2019 Deal",
        "Café Chain Expands",
        "Revenue & Profit Up Sharply",
    ]


def test_dates_in_odd_formats_and_zones_become_aware_utc():
    dates = {item.title: item.date for item in parse("dates.xml").items}
    utc = dt.UTC
    assert dates == {
        "Named Zone": dt.datetime(2025, 7, 15, 15, 0, tzinfo=utc),
        "Half Hour Offset": dt.datetime(2025, 7, 15, 4, 30, tzinfo=utc),
        "Dublin Core": dt.datetime(2025, 7, 16, 6, 30, tzinfo=utc),
        "Two Digit Year": dt.datetime(2025, 7, 15, 10, 0, tzinfo=utc),
        "No Weekday": dt.datetime(2025, 7, 15, 10, 0, tzinfo=utc),
        "Garbage Date": None,
    }


def test_items_without_guid_are_known_by_their_link():
    feed = parse("no_guids.xml")
    assert list(by_id(feed)) == ["https://noguid.example/a", "https://noguid.example/b"]
    assert feed.failures == (("item 3", "the item has neither a guid/id nor a link"),)


def test_duplicate_guids_keep_the_first_and_report_the_rest():
    feed = parse("duplicate_guids.xml")
    assert [(item.feed_item_id, item.title) for item in feed.items] == [
        ("dup-1", "First Copy Wins"),
        ("dup-2", "Other Item"),
    ]
    assert feed.failures == (("item 3", "duplicate id 'dup-1': item 1 kept"),)


def test_relative_links_resolve_against_the_feed_url_and_hostile_schemes_are_dropped():
    items = by_id(parse("relative_links.xml", url="https://feeds.relative.example/wire/rss"))
    item = items["rel-1"]
    assert item.source_link == "https://feeds.relative.example/news/rel-1"
    assert item.enclosure == "https://feeds.relative.example/images/rel-1.jpg"
    assert 'href="https://feeds.relative.example/about"' in item.body
    assert 'src="https://feeds.relative.example/wire/img/photo.png"' in item.body
    hostile = items["rel-2"]
    assert hostile.source_link == hostile.enclosure == ""


def test_an_ill_formed_feed_still_yields_its_good_items_with_the_problem_reported():
    feed = parse("illformed.xml")
    assert [item.feed_item_id for item in feed.items] == ["broken-1", "broken-2"]
    assert feed.items[0].summary == "Café opens & thrives."
    assert len(feed.problems) == 1
    assert feed.problems[0].startswith("the feed is ill-formed or mislabelled: undefined entity")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ((FEEDS / "not_a_feed.html").read_bytes(), "HTML page, not an RSS or Atom feed"),
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        (image_bytes("PNG"), "not an RSS or Atom feed"),
        (bytes(range(256)) * 8, "not an RSS or Atom feed"),
        (b"Just some plain text, no markup.", "not an RSS or Atom feed"),
        (b'<?xml version="1.0"?><note><to>Tove</to></note>', "not an RSS or Atom feed"),
    ],
    ids=["html", "empty", "blank", "png", "binary", "text", "other-xml"],
)
def test_a_document_that_is_not_a_feed_is_a_clear_error(data, reason):
    with pytest.raises(FeedError, match=reason):
        parse_feed(data)


def test_entity_expansion_does_nothing():
    started = time.monotonic()
    feed = parse("billion_laughs.xml")
    assert time.monotonic() - started < 1
    item = feed.items[0]
    assert "lollol" not in item.title + item.body + item.summary
    assert len(item.body) < 100


def test_external_entities_are_never_read_or_fetched(tmp_path, local_server):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-PAYROLL")
    url = local_server.serve("/entity", b"REMOTE-ENTITY-BODY")
    data = f"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY local SYSTEM "file://{secret}">
  <!ENTITY remote SYSTEM "{url}">
  <!ENTITY % dtd SYSTEM "{url}"> %dtd;
]>
<rss version="2.0"><channel><title>XXE Wire</title><item>
  <title>Secret &local; remote &remote;</title><guid>xxe-1</guid>
  <description>&local; &remote;</description>
</item></channel></rss>""".encode()
    feed = parse_feed(data)
    item = feed.items[0]
    text = item.title + item.body + item.summary
    assert "TOP-SECRET" not in text
    assert "REMOTE-ENTITY" not in text
    assert local_server.requests == []


def test_hostile_markup_declarations_are_read_not_crashed_on():
    payload = escape('<![><img src="]><img src=x onerror=alert(39)//">')
    data = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>
    <item><title>Vector {payload}</title><guid>x-1</guid><description>{payload}</description></item>
    </channel></rss>""".encode()
    item = parse_feed(data).items[0]
    assert set(attributes_in(item.body)) == {("img", "src")}  # no onerror= survives
    assert "<img" not in item.summary


def attributes_in(markup):
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend((tag, name) for name, _ in attrs)

    Collector().feed(markup)
    return found


def test_an_item_with_only_a_description_is_titled_by_its_opening_words():
    text = "Acme Corp. today announced record quarterly revenue " * 4
    data = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>
    <item><guid>t-1</guid><description>{text}</description></item>
    <item><guid>t-2</guid><description>&lt;img src="x.png"&gt;</description></item>
    </channel></rss>""".encode()
    feed = parse_feed(data)
    title = feed.items[0].title
    assert title == (
        "Acme Corp. today announced record quarterly revenue "
        "Acme Corp. today announced record quarterly…"
    )
    assert len(title) <= 100
    assert feed.failures == (("item 2", "item 't-2' has neither a title nor any text"),)


def test_item_ids_do_not_depend_on_where_the_feed_was_fetched_from():
    expected = ["wire-1001", "https://wire.example/news/1002", "wire-1003"]
    for url in ["", "https://one.example/rss", "https://cdn.two.example/feeds/wire.xml?token=9"]:
        assert [item.feed_item_id for item in parse("rss2.xml", url=url).items] == expected
