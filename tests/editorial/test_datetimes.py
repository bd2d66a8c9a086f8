"""The newsroom's time zone: typed and shown in it in the admin, stored and syndicated in UTC."""

import datetime as dt
import re

from django.test import override_settings
from django.utils import timezone

from tests.factories import make_article
from tests.test_admin import AdminTestCase, form_data


def typed(date, time):
    return {"date_0": date, "date_1": time}


@override_settings(TIME_ZONE="Europe/Berlin")
class NewsroomTimeTests(AdminTestCase):
    def test_a_time_typed_in_the_newsroom_zone_is_stored_as_its_utc_instant(self):
        response = self.client.post(
            self.url, form_data(self.article, **typed("2026-01-20", "09:30"))
        )
        self.assertRedirects(response, "/admin/articles/article/")
        self.article.refresh_from_db()
        assert self.article.date == dt.datetime(2026, 1, 20, 8, 30, tzinfo=dt.UTC)  # CET, +1

    def test_the_form_shows_the_stored_instant_back_in_the_newsroom_zone(self):
        self.client.post(self.url, form_data(self.article, **typed("2026-07-01", "18:05")))
        self.article.refresh_from_db()
        assert self.article.date == dt.datetime(2026, 7, 1, 16, 5, tzinfo=dt.UTC)  # CEST, +2
        html = self.client.get(self.url).content.decode()
        assert re.search(r'name="date_0" value="2026-07-01"', html)
        assert re.search(r'name="date_1" value="18:05:00"', html)
        # The admin tells the browser the zone's offset now: no "hours ahead of server time".
        offset = int(timezone.localtime().utcoffset().total_seconds())
        assert f'data-admin-utc-offset="{offset}"' in html and offset in {3600, 7200}
        assert "Newsroom time (Europe/Berlin)" in html

    def test_scheduling_across_the_spring_dst_change_keeps_the_wall_clock_time(self):
        # Clocks go forward at 02:00 on 29 March 2026: 06:00 the day before is 05:00 UTC,
        # 06:00 that morning is 04:00 UTC.
        before = make_article(date=dt.datetime(2026, 3, 28, 5, tzinfo=dt.UTC), tags=["x"])
        assert timezone.localtime(before.date).hour == 6
        url = f"/admin/articles/article/{before.pk}/change/"
        data = form_data(self.article, **typed("2026-03-29", "06:00"))
        data.update(title=before.title, slug=before.slug, article_id=before.article_id)
        self.client.post(url, data)
        before.refresh_from_db()
        assert before.date == dt.datetime(2026, 3, 29, 4, tzinfo=dt.UTC)
        assert before.date - dt.datetime(2026, 3, 28, 5, tzinfo=dt.UTC) == dt.timedelta(hours=23)

    def test_scheduling_across_the_autumn_dst_change(self):
        # Clocks go back at 03:00 on 25 October 2026: "tomorrow 06:00" is 25 hours later.
        self.client.post(self.url, form_data(self.article, **typed("2026-10-24", "06:00")))
        self.article.refresh_from_db()
        first = self.article.date
        self.client.post(self.url, form_data(self.article, **typed("2026-10-25", "06:00")))
        self.article.refresh_from_db()
        assert first == dt.datetime(2026, 10, 24, 4, tzinfo=dt.UTC)
        assert self.article.date == dt.datetime(2026, 10, 25, 5, tzinfo=dt.UTC)

    def test_the_list_shows_dates_in_the_newsroom_zone(self):
        response = self.client.get("/admin/articles/article/")
        # Stored 2025-07-15 14:15:21 UTC; Berlin is two hours ahead in July.
        self.assertContains(response, "2025-07-15 16:15")

    def test_an_unparsable_date_or_time_says_the_format_it_takes(self):
        response = self.client.post(
            self.url, form_data(self.article, **typed("15/07/2025x", "6pm"))
        )
        self.assertContains(response, "Enter the date as YYYY-MM-DD, for example 2026-03-29.")
        self.assertContains(response, "Enter the time as HH:MM (24-hour")
        self.assertContains(response, 'placeholder="YYYY-MM-DD"')
        self.assertContains(response, 'aria-label="Time, HH:MM, Europe/Berlin time"')


@override_settings(TIME_ZONE="Europe/Berlin")
class PublicTimeTests(AdminTestCase):
    def test_the_article_page_shows_the_time_in_the_newsroom_zone_with_the_zone_named(self):
        article = make_article(date=dt.datetime(2025, 7, 15, 14, 15, tzinfo=dt.UTC))
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, "15 July 2025, 16:15 CEST")
        # Machines still read UTC.
        self.assertContains(response, 'datetime="2025-07-15T14:15:00+00:00"')

    def test_the_url_month_and_the_feeds_stay_utc(self):
        # 23:30 UTC on 31 July is already August in Berlin: the URL keeps the UTC month.
        article = make_article(date=dt.datetime(2025, 7, 31, 23, 30, tzinfo=dt.UTC))
        assert article.get_absolute_url().startswith("/202507/")
        self.client.logout()
        atom = self.client.get("/feed/atom/").content.decode()
        assert "<published>2025-07-31T23:30:00+00:00</published>" in atom
        rss = self.client.get("/feed/").content.decode()
        assert "<pubDate>Thu, 31 Jul 2025 23:30:00 +0000</pubDate>" in rss
