import datetime as dt

from django.utils import timezone

from articles.editorial import presence
from articles.models import Revision
from tests.editorial.test_concurrency import TwoEditorsTestCase
from tests.formpages import form_fields


class PresenceTests(TwoEditorsTestCase):
    def poll(self, client, revision=0):
        url = f"/admin/articles/article/{self.article.pk}/presence/?revision={revision}"
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        return response.json()

    def test_the_form_says_who_else_has_the_article_open_and_since_when(self):
        def minutes_around(request):
            """The minutes on either side of `request()`: a minute may turn meanwhile."""
            before = timezone.localtime().strftime("%H:%M")
            response = request()
            return response, {before, timezone.localtime().strftime("%H:%M")}

        _, maria_since = minutes_around(lambda: self.maria_client.get(self.url))
        response, tom_since = minutes_around(lambda: self.tom_client.get(self.url))
        assert response.status_code == 200
        text = response.content.decode()
        assert any(f"Maria has this article open, since {m}." in text for m in maria_since)
        (notice,) = self.poll(self.maria_client)["open"]
        assert notice in {f"Tom has this article open, since {m}." for m in tom_since}

    def test_an_editor_never_sees_themself_and_gone_editors_drop_out(self):
        self.maria_client.get(self.url)
        assert self.poll(self.maria_client)["open"] == []
        entries = presence.cache.get(presence.key(self.article.pk))
        entries[str(self.maria.pk)]["seen"] -= presence.PRESENT_SECONDS + 1  # tab closed
        presence.cache.set(presence.key(self.article.pk), entries)
        assert self.poll(self.tom_client)["open"] == []

    def test_saves_by_others_since_the_form_opened_are_announced_with_a_reload_link(self):
        opened_at = self.tom_client.get(self.url).context["started_revision"]
        maria = form_fields(self.maria_client.get(self.url))
        self.maria_client.post(self.url, {**maria, "summary": "Maria's summary."})
        Revision.objects.filter(user=self.maria).update(
            created_at=timezone.now() - dt.timedelta(minutes=2)
        )
        state = self.poll(self.tom_client, revision=opened_at)
        assert state["saved"] == ["Maria saved a new summary 2\xa0minutes ago."]
        assert state["reload"] == self.url
        assert self.poll(self.maria_client, revision=opened_at)["saved"] == []  # her own

    def test_only_editors_who_may_change_the_article_are_answered(self):
        self.client.logout()
        response = self.client.get(f"/admin/articles/article/{self.article.pk}/presence/")
        assert response.status_code == 302  # to the login
