"""Production settings, each checked in a fresh process with nothing but the production env."""

import json
import os
import subprocess
import sys

from django.conf import settings
from django.db import connection

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "kq3v-8Hn2!zT6wR0pL9xYc4MjB7sDfGa1UeNi5oKrQ-2026-deploy-check",
    "ALLOWED_HOSTS": "news.example.com",
    "SITE_URL": "https://news.example.com",
    "CACHE_URL": "redis://127.0.0.1:6379/0",
}


def manage(*args, **env):
    """Run manage.py with the production settings module and only `env` from the environment."""
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    base.update(DJANGO_SETTINGS_MODULE="newsroom.settings", ENV_FILE=os.devnull, **env)
    return subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_under(env, *names):
    """Settings `names` (as repr strings) and the admin's path, in a process started with `env`."""
    code = (
        "import json; from django.conf import settings; from django.urls import reverse; "
        f"values = {{n: repr(getattr(settings, n)) for n in {names!r}}}; "
        "values['admin'] = reverse('admin:index'); print(json.dumps(values))"
    )
    result = manage("shell", "--no-imports", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_is_clean_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_about_a_per_process_page_cache():
    env = {k: v for k, v in PRODUCTION.items() if k != "CACHE_URL"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "newsroom.W001" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_defaults_are_the_strict_ones():
    assert settings_under(
        PRODUCTION,
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "CSRF_TRUSTED_ORIGINS",
        "SECURE_PROXY_SSL_HEADER",
    ) == {
        "SECURE_SSL_REDIRECT": "True",
        "SESSION_COOKIE_SECURE": "True",
        "CSRF_COOKIE_SECURE": "True",
        "SECURE_HSTS_SECONDS": str(365 * 24 * 3600),
        "CSRF_TRUSTED_ORIGINS": "['https://news.example.com']",
        "SECURE_PROXY_SSL_HEADER": "None",
        "admin": "/admin/",
    }


def test_deploy_settings_come_from_the_environment():
    env = {
        **PRODUCTION,
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
        "SECURE_HSTS_SECONDS": "3600",
        "ADMIN_URL": "/backroom/",
    }
    assert settings_under(env, "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS") == {
        "SECURE_PROXY_SSL_HEADER": "('HTTP_X_FORWARDED_PROTO', 'https')",
        "SECURE_HSTS_SECONDS": "3600",
        "admin": "/backroom/",
    }


def test_the_suite_runs_on_the_database_and_cache_the_environment_names():
    """In CI the second run must really use PostgreSQL and Redis, not fall back silently."""
    database_url = os.environ.get("DATABASE_URL", "")
    cache_url = os.environ.get("CACHE_URL", "")
    if database_url.startswith("postgres"):
        assert connection.vendor == "postgresql"
    else:
        assert connection.vendor == "sqlite"
    from django.core.cache import caches

    backend = type(caches["default"]).__name__
    assert backend == ("RedisCache" if cache_url.startswith("redis") else "LocMemCache")
    caches["default"].set("ping", "pong")
    assert caches["default"].get("ping") == "pong"
