import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.test import TestCase, override_settings
from django.urls import reverse

from tests.factories import make_article, make_source
from tests.image_files import image_bytes
from tests.pages import release

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


class SecurityHeadersTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.source = make_source("IBN")
        cls.article = make_article(source=cls.source, tags=["energy"])
        cls.user = User.objects.create_superuser("boss", "boss@example.com", "pw")

    def public_pages(self):
        month = self.article.date.strftime("%Y%m")
        pages = {
            "home": "/",
            "article": self.article.get_absolute_url(),
            "month": f"/{month}/",
            "tag": "/tags/energy/",
            "source": self.source.get_absolute_url(),
            "not found": "/no/such/page/",
            "stylesheet": "/static/css/site.css",
            "admin login": reverse("admin:login"),
        }
        for name in (
            "articles:search",
            "articles:feed",
            "articles:feed-atom",
            "articles:sitemap",
            "articles:news-sitemap",
            "articles:robots",
        ):
            pages[name] = reverse(name)
        pages["tag feed"] = reverse("articles:tag-feed", kwargs={"slug": "energy"})
        return pages

    def test_every_kind_of_page_carries_the_headers(self):
        for name, url in self.public_pages().items():
            with self.subTest(name):
                response = self.client.get(url)
                release(response)  # static files are streamed from an open file
                assert_security_headers(response)

    def test_cached_pages_carry_the_headers_too(self):
        with override_settings(PUBLIC_PAGE_CACHE_SECONDS=600):
            client = self.client_class()
            for url in ("/", self.article.get_absolute_url()):
                client.get(url)
                assert_security_headers(client.get(url))

    def test_admin_pages_carry_the_headers(self):
        self.client.force_login(self.user)
        for url in (reverse("admin:index"), reverse("admin:articles_article_changelist")):
            assert_security_headers(self.client.get(url))


class NoInlineScriptTests(TestCase):
    """The CSP forbids inline script: our templates must not need any."""

    def test_templates_have_no_inline_script_or_event_handler(self):
        for path in TEMPLATES.rglob("*.html"):
            text = path.read_text()
            for tag in re.findall(r"<script\b[^>]*>", text, flags=re.I):
                assert "src=" in tag, f"{path}: inline script {tag}"
            assert not re.search(r"\son[a-z]+\s*=", text, flags=re.I), f"{path}: event handler"
            assert "javascript:" not in text.lower(), f"{path}: javascript: URL"


class AdminPathTests(TestCase):
    def test_the_admin_lives_at_the_configured_path(self):
        assert reverse("admin:index") == "/" + settings.ADMIN_URL


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_COOLDOWN_SECONDS=600)
class LoginThrottleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = User.objects.create_superuser("boss", "boss@example.com", "right")

    def login(self, username="boss", password="wrong", address="10.0.0.1", **headers):
        return self.client.post(
            reverse("admin:login"),
            {"username": username, "password": password},
            REMOTE_ADDR=address,
            **headers,
        )

    def test_failures_for_one_user_lead_to_429_even_with_the_right_password(self):
        for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):  # spread over addresses
            assert self.login(address=address).status_code == 200
        response = self.login(password="right", address="10.0.0.4")
        assert response.status_code == 429
        assert int(response["Retry-After"]) == 600
        self.assertContains(response, "Too many login attempts", status_code=429)
        assert "_auth_user_id" not in self.client.session

    def test_failures_from_one_address_lead_to_429_for_any_user(self):
        for name in ("alice", "bob", "carol"):
            assert self.login(username=name).status_code == 200
        assert self.login(username="boss", password="right").status_code == 429
        assert self.login(username="boss", password="right", address="10.0.0.9").status_code == 302

    def test_a_few_failures_then_success_is_allowed_and_forgives_the_user(self):
        for address in ("10.0.0.1", "10.0.0.2"):
            self.login(address=address)
        assert self.login(password="right", address="10.0.0.3").status_code == 302
        self.client.logout()
        for address in ("10.0.0.4", "10.0.0.5"):
            assert self.login(address=address).status_code == 200

    @override_settings(PROXY_COUNT=1)
    def test_behind_a_proxy_the_forwarded_address_counts(self):
        def through_proxy(username, client):  # the proxy at 10.0.0.1 appends the client
            return self.login(username, HTTP_X_FORWARDED_FOR=f"198.51.100.7, {client}")

        for name in ("alice", "bob", "carol"):
            assert through_proxy(name, "203.0.113.1").status_code == 200
        assert through_proxy("dave", "203.0.113.1").status_code == 429
        assert through_proxy("dave", "203.0.113.2").status_code == 200


class MediaTests(TestCase):
    def setUp(self):
        self.media = Path(settings.MEDIA_ROOT)
        (self.media / "images").mkdir(parents=True, exist_ok=True)

    def test_images_are_served_with_their_type_and_nosniff(self):
        (self.media / "images" / "header.png").write_bytes(image_bytes())
        response = self.client.get("/media/images/header.png")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert release(response) == image_bytes()

    def test_other_files_are_downloads_never_rendered(self):
        for name in ("evil.svg", "evil.html"):
            (self.media / name).write_text("<svg onload=alert(1)></svg>")
            response = self.client.get(f"/media/{name}")
            assert response["Content-Type"] == "application/octet-stream"
            assert response["Content-Disposition"] == "attachment"
            release(response)

    def test_paths_outside_the_media_folder_are_refused(self):
        (self.media.parent / "secret.txt").write_text("secret")
        for path in ("/media/../secret.txt", "/media/%2e%2e/secret.txt", "/media/images/"):
            response = self.client.get(path)
            assert response.status_code in (400, 404), path
            assert b"secret" not in response.content
