"""Feed item text as readers see it: entities decoded, controls dropped, tags bounded."""

from articles.ingest.feeditems import parse_feed
from articles.sanitize import TAGS_MAX


def rss_item(inner):
    return (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        b"<item><title>Headline</title><guid>g-1</guid>" + inner + b"</item></channel></rss>"
    )


def atom_entry(inner):
    return (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>'
        b"<entry><id>g-1</id><title>Headline</title>" + inner + b"</entry></feed>"
    )


class FeedItemTextTests:
    def test_a_summary_keeps_no_html_entities_as_text(self):
        feeds = [
            rss_item(b"<description>Hello&amp;amp;nbsp;world &amp;amp;amp; more</description>"),
            atom_entry(b'<summary type="text">Hello&amp;nbsp;world &amp;amp; more</summary>'),
            atom_entry(
                b'<summary type="html">Hello&amp;amp;nbsp;world &amp;amp;amp; more</summary>'
            ),
        ]
        for feed in feeds:
            (item,) = parse_feed(feed).items
            assert item.summary == "Hello world & more", feed

    def test_text_without_entities_is_left_alone(self):
        (item,) = parse_feed(atom_entry(b'<summary type="text">AT&amp;T; 5 &lt; 6</summary>')).items
        assert item.summary == "AT&T; 5 < 6"

    def test_control_characters_are_dropped_from_every_field(self):
        feed = (
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item>'
            b"<title>Head\x0bline</title><guid>g\x1b-1</guid><category>ta\x0cg</category>"
            b"<description>Sum\x0bmary</description></item></channel></rss>"
        )
        (item,) = parse_feed(feed).items
        assert (item.title, item.summary, item.feed_item_id, item.tags) == (
            "Headline",
            "Summary",
            "g-1",
            ("tag",),
        )
        assert "\x0b" not in item.body

    def test_an_item_keeps_its_first_tags_up_to_the_limit(self):
        categories = b"".join(b"<category>tag %d</category>" % n for n in range(TAGS_MAX + 20))
        (item,) = parse_feed(rss_item(categories)).items
        assert item.tags == tuple(f"tag {n}" for n in range(TAGS_MAX))
