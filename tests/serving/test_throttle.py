"""The login throttle counts a username as Django authenticates it."""

from django.contrib.auth.models import User
from django.test import TestCase, override_settings
from django.urls import reverse

from articles.serving.throttle import username_key

# Each of these logs in as "boss": Django normalizes usernames with NFKC before authenticating.
LOOKALIKES = ["ｂｏｓｓ", "𝐛𝐨𝐬𝐬", "𝖇𝖔𝖘𝖘", "𝚋𝚘𝚜𝚜", "BOSS"]


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_COOLDOWN_SECONDS=600)
class LookalikeUsernameTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        User.objects.create_superuser("boss", "boss@example.com", "right")

    def login(self, username, password="wrong", address="10.0.0.1"):
        return self.client.post(
            reverse("admin:login"),
            {"username": username, "password": password},
            REMOTE_ADDR=address,
        )

    def test_a_lookalike_username_logs_in_as_the_user(self):
        assert self.login("ｂｏｓｓ", password="right").status_code == 302

    def test_lookalike_usernames_share_the_throttles_counter(self):
        # Each failure from a new address: only the username's counter can stop the next try.
        for n, name in enumerate(LOOKALIKES[:3]):
            assert self.login(name, address=f"10.0.1.{n}").status_code == 200
        for n, name in enumerate(["boss", *LOOKALIKES]):
            with self.subTest(username=name):
                response = self.login(name, password="right", address=f"10.0.2.{n}")
                assert response.status_code == 429
                assert "_auth_user_id" not in self.client.session

    def test_the_key_is_nfkc_and_case_folded(self):
        assert {username_key(name) for name in LOOKALIKES} == {"boss"}
        assert username_key(" Straße ") == "strasse"
