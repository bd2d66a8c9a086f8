import datetime as dt
from types import SimpleNamespace

from django.test import SimpleTestCase, TestCase
from django.utils import timezone

from articles.models import Article
from articles.public.reading import UPDATE_GRACE, reading_minutes, updated_at
from articles.serving.cache import invalidate_public_pages
from tests.factories import make_article

JULY = dt.datetime(2025, 7, 15, 14, 0, tzinfo=dt.UTC)


def article(date, created, updated):
    return SimpleNamespace(date=date, created_at=created, updated_at=updated)


class ReadingMinutesTests(SimpleTestCase):
    def test_counts_the_words_of_the_text_not_the_markup(self):
        assert reading_minutes("<p>" + "word " * 230 * 4 + "</p>") == 4
        assert reading_minutes('<p class="' + "x " * 5000 + '">short</p>') == 1

    def test_is_at_least_one_minute(self):
        assert reading_minutes("") == 1
        assert reading_minutes(None) == 1


class UpdatedAtTests(SimpleTestCase):
    def test_a_change_soon_after_publishing_is_not_an_update(self):
        assert updated_at(article(JULY, JULY, JULY + UPDATE_GRACE)) is None

    def test_a_later_change_is_an_update(self):
        later = JULY + dt.timedelta(days=2)
        assert updated_at(article(JULY, JULY, later)) == later

    def test_an_import_of_an_old_release_is_not_an_update(self):
        imported = JULY + dt.timedelta(days=30)
        assert updated_at(article(JULY, imported, imported + dt.timedelta(minutes=5))) is None
        edited = imported + dt.timedelta(days=1)
        assert updated_at(article(JULY, imported, edited)) == edited


class ArticlePageReadingTests(TestCase):
    def test_the_article_shows_its_reading_time_and_updated_line_only_when_updated(self):
        story = make_article(body="<p>" + "word " * 700 + "</p>", date=JULY)
        response = self.client.get(story.get_absolute_url())
        self.assertContains(response, "3 min read")
        self.assertNotContains(response, "Updated")
        Article.objects.filter(pk=story.pk).update(created_at=JULY, updated_at=timezone.now())
        invalidate_public_pages()  # as every bulk write does: update() sends no signal
        response = self.client.get(story.get_absolute_url())
        self.assertContains(response, '<p class="meta updated">Updated <time')
