"""Feeds and sitemaps stay well-formed XML whatever text reaches an article, by any road."""

import datetime as dt
import tempfile
from io import StringIO
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from lxml import etree

from articles.models import Article, Source, Status
from tests.factories import RawToml, article_file, make_article, make_source
from tests.test_admin import form_data

# What the attack used: vertical tab, form feed, escape, and others XML 1.0 cannot carry.
CONTROLS = "\x0b\x0c\x1b\x01\x7f"
NOW = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
ATOM = "{http://www.w3.org/2005/Atom}"


def hostile(text):
    return f"{text[:3]}{CONTROLS}{text[3:]}"


class XmlChecks:
    """Every feed and sitemap of a source and a tag: 200 and well-formed, no control left."""

    def xml_urls(self, source, tag):
        return [
            reverse("articles:feed"),
            reverse("articles:feed-atom"),
            reverse("articles:tag-feed", args=[tag]),
            reverse("articles:tag-feed-atom", args=[tag]),
            reverse("articles:source-feed", args=[source.slug]),
            reverse("articles:source-feed-atom", args=[source.slug]),
            reverse("articles:sitemap"),
            reverse("articles:news-sitemap"),
        ]

    def assert_xml_well_formed(self, source, tag):
        for url in self.xml_urls(source, tag):
            response = self.client.get(url)
            assert response.status_code == 200, url
            etree.fromstring(response.content)  # raises XMLSyntaxError when malformed
            assert not any(ch in response.content.decode() for ch in CONTROLS), url


class StoredControlCharacterTests(XmlChecks, TestCase):
    """The last defence: text stored before the boundaries cleaned it never breaks a feed."""

    def test_control_characters_in_every_stored_field_leave_feeds_and_sitemaps_well_formed(self):
        source = make_source(hostile("Wire with controls"), description=hostile("About it"))
        make_article(
            title=hostile("Headline of a release"),
            summary=hostile("The summary"),
            description=hostile("The description"),
            body=f"<p>{hostile('The body')}</p>",
            image_alt=hostile("Alt text"),
            image_caption=hostile("Caption"),
            enclosure="https://cdn.example/a.jpg",
            source=source,
            date=NOW,
            tags=[hostile("energy")],
        )
        tag = Article.objects.get().tags.get().slug
        self.assert_xml_well_formed(source, tag)


class FormControlCharacterTests(XmlChecks, TestCase):
    def test_the_admin_form_drops_control_characters_from_every_text_field(self):
        user = User.objects.create_superuser("boss", "boss@example.com", "pw")
        self.client.force_login(user)
        source = make_source("Civic Wire")
        article = make_article(source=source, date=NOW, tags=["energy"])
        fields = {
            "title": hostile("Typed headline"),
            "summary": hostile("Typed summary"),
            "description": hostile("Typed description of fifty characters or so, at least."),
            "body": f"<p>{hostile('Typed body')}</p>",
            "image_alt": hostile("Typed alt"),
            "image_caption": hostile("Typed caption"),
            "tags": hostile("typed tag") + ", energy",
        }
        response = self.client.post(
            f"/admin/articles/article/{article.pk}/change/", form_data(article, **fields)
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        article.refresh_from_db()
        for name in ["title", "summary", "description", "body", "image_alt", "image_caption"]:
            value = getattr(article, name)
            assert not any(ch in value for ch in CONTROLS), name
        assert article.title == "Typed headline"
        assert sorted(article.tags.names()) == ["energy", "typed tag"]
        self.client.logout()
        self.assert_xml_well_formed(source, "energy")

    def test_the_source_form_drops_control_characters(self):
        user = User.objects.create_superuser("boss", "boss@example.com", "pw")
        self.client.force_login(user)
        response = self.client.post(
            "/admin/articles/source/add/",
            {
                "name": hostile("Typed wire"),
                "slug": "typed-wire",
                "description": hostile("Typed description"),
                "poll_interval": "00:30:00",
                "default_status": Status.DRAFT,
                "canonical_policy": "ours",
                "include_in_sitemaps": "on",
                "is_active": "on",
            },
        )
        assert response.status_code == 302
        source = Source.objects.get(slug="typed-wire")
        assert (source.name, source.description) == ("Typed wire", "Typed description")


class FileControlCharacterTests(XmlChecks, TestCase):
    def test_an_article_file_with_control_characters_imports_clean(self):
        folder = self.enterContext(tempfile.TemporaryDirectory())
        escaped = "\\u000b\\u000c\\u001b"  # TOML escapes: the parser turns them into controls
        text = article_file(
            title=RawToml(f'"File{escaped} headline"'),
            summary=RawToml(f'"File{escaped} summary"'),
            description=RawToml(f'"File{escaped} description"'),
            source=RawToml(f'"File{escaped} Wire"'),
            tags=RawToml(f'["file{escaped} tag"]'),
            date=NOW.strftime("%Y-%m-%dT%H:%M:%SZ"),
            body=f"<p>File{CONTROLS} body</p>",
        )
        path = f"{folder}/a.md"
        with open(path, "w") as file:
            file.write(text)
        call_command("import_articles", path, stdout=StringIO(), stderr=StringIO())
        article = Article.objects.get(article_id=4242)
        assert article.title == "File headline"
        assert article.summary == "File summary"
        assert article.description == "File description"
        assert article.body == "<p>File body</p>"
        assert article.source.name == "File Wire"
        assert list(article.tags.names()) == ["file tag"]
        self.assert_xml_well_formed(article.source, article.tags.get().slug)


class FeedControlCharacterTests(XmlChecks, TestCase):
    def test_a_feed_item_with_control_characters_imports_clean(self):
        folder = self.enterContext(tempfile.TemporaryDirectory())
        raw = CONTROLS.encode()
        date = NOW.strftime("%a, %d %b %Y %H:%M:%S +0000").encode()
        feed = (
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>Ctl' + raw + b" Wire</title>"
            b"<link>https://wire.example/</link><item><title>Feed" + raw + b" headline</title>"
            b"<guid>item-1</guid><link>https://wire.example/1</link><pubDate>"
            + date
            + b"</pubDate>"
            b"<category>feed" + raw + b" tag</category>"
            b"<description>Feed" + raw + b" summary</description>"
            b"</item></channel></rss>"
        )
        path = f"{folder}/feed.xml"
        with open(path, "wb") as file:
            file.write(feed)
        call_command("import_feed", path, stdout=StringIO(), stderr=StringIO())
        article = Article.objects.get()
        article.status = Status.PUBLISHED
        article.save()
        assert article.title == "Feed headline"
        assert article.summary == "Feed summary"
        assert list(article.tags.names()) == ["feed tag"]
        assert not any(ch in article.body + article.source.name for ch in CONTROLS)
        self.assert_xml_well_formed(article.source, article.tags.get().slug)


class FeedSummaryTests(TestCase):
    """A summary is plain text on every page, and in feeds too."""

    MARKUP = '<img src="x" onerror="alert(1)">Hello <b>bold</b> & more'

    def test_summary_markup_reaches_rss_and_atom_as_text(self):
        make_article(summary=self.MARKUP, date=NOW)
        rss = etree.fromstring(self.client.get(reverse("articles:feed")).content)
        atom = etree.fromstring(self.client.get(reverse("articles:feed-atom")).content)
        descriptions = [
            rss.find("channel/item/description").text,
            atom.find(f"{ATOM}entry/{ATOM}summary").text,
        ]
        for html in descriptions:
            # The element is HTML to a feed reader: the markup arrives escaped, shown as text.
            assert "<img" not in html and "<b>" not in html
            assert html == (
                "&lt;img src=&quot;x&quot; onerror=&quot;alert(1)&quot;&gt;Hello "
                "&lt;b&gt;bold&lt;/b&gt; &amp; more"
            )


class FeedGuidTests(TestCase):
    def test_item_ids_survive_a_slug_and_date_change(self):
        article = make_article(slug="first-slug", date=NOW)

        def ids():
            rss = etree.fromstring(self.client.get(reverse("articles:feed")).content)
            atom = etree.fromstring(self.client.get(reverse("articles:feed-atom")).content)
            guid = rss.find("channel/item/guid")
            return guid.text, guid.get("isPermaLink"), atom.find(f"{ATOM}entry/{ATOM}id").text

        before = ids()
        article.slug = "fixed-slug"
        article.date = NOW - dt.timedelta(days=40)
        article.save()
        assert ids() == before
        guid, permalink, atom_id = before
        host = urlsplit(settings.SITE_URL).hostname
        assert guid == atom_id == f"tag:{host},2025:article:{article.article_id}"
        assert permalink == "false"
