"""Newsroom settings, read once from the environment (12-factor, via django-environ)."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# A development key only when DEBUG is on: production refuses to start without a real one.
SECRET_KEY = (
    env.str("SECRET_KEY", default="django-insecure-development-key-do-not-use-in-production")
    if DEBUG
    else env.str("SECRET_KEY")
)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env.str("SITE_NAME", default="Newsroom")
# The "about" line in the public site's footer.
SITE_ABOUT = env.str(
    "SITE_ABOUT",
    default="Press releases from our partner wires, republished and edited by our newsroom. "
    "Each article links to its original release.",
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "django_prose_editor",
    "articles",
]

MIDDLEWARE = [
    "articles.serving.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "articles.serving.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "articles.serving.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "articles.serving.middleware.LoginThrottleMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.public.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE transactions take the write lock up
    # front, so concurrent writers wait for the busy timeout instead of failing mid-transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# Keep connections open between requests (checked before reuse): opening one per request costs
# more than a cached page does.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://newsroom")}
CACHES["default"]["KEY_PREFIX"] = env.str("CACHE_KEY_PREFIX", default="newsroom")
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "newsroom.redis_cache.RedisCache"
    # A cache that is down must cost a page its speed, not hang it: fail fast and serve uncached.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    )
# Public pages are cached this long at most (and until anything they show changes); 0 turns
# the page cache off. Browsers and proxies revalidate with the ETag after PUBLIC_PAGE_MAX_AGE.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=600)
PUBLIC_PAGE_MAX_AGE = env.int("PUBLIC_PAGE_MAX_AGE", default=0)
# A cached article page is rendered again once this old, so that its related articles include
# newer ones (a saved article refreshes its own page, lists and feeds at once).
PUBLIC_RELATED_REFRESH_SECONDS = env.int("PUBLIC_RELATED_REFRESH_SECONDS", default=300)
# An HTTP cache in front (see articles.serving.frontcache): "" (none), "varnish", or the dotted
# path of a FrontCache subclass. Public pages tell shared caches to keep them this long; every
# change purges them from FRONT_CACHE, each purge waiting FRONT_CACHE_TIMEOUT seconds at most.
FRONT_CACHE = env.str("FRONT_CACHE", default="")
FRONT_CACHE_ADDRESSES = env.list("FRONT_CACHE_ADDRESSES", default=[])
FRONT_CACHE_TIMEOUT = env.float("FRONT_CACHE_TIMEOUT", default=2.0)
PUBLIC_PAGE_SHARED_MAX_AGE = env.int(
    "PUBLIC_PAGE_SHARED_MAX_AGE", default=PUBLIC_PAGE_CACHE_SECONDS if FRONT_CACHE else 0
)

# The admin lives at a path of the site's choosing, and its login is throttled: after
# LOGIN_FAILURE_LIMIT failures for one username, or from one address, the login answers 429 for
# LOGIN_COOLDOWN_SECONDS. Behind PROXY_COUNT reverse proxies the client address is read from
# X-Forwarded-For, counting that many hops from the right.
ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_COOLDOWN_SECONDS = env.int("LOGIN_COOLDOWN_SECONDS", default=15 * 60)
PROXY_COUNT = env.int("PROXY_COUNT", default=0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# The newsroom's own zone (an IANA name such as Europe/Berlin): the admin shows and takes times in
# it and the public pages show them in it, zone named. Storage, feeds and sitemaps stay UTC.
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
# One language, site and admin: without the translation machinery every value a template
# prints skips a language lookup (6% of an article page).
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Media on S3-compatible object storage instead of MEDIA_ROOT (install the `s3` extra): the
# AWS_* names are django-storages' own. Without AWS_S3_CUSTOM_DOMAIN the bucket stays private
# and the app serves MEDIA_URL from it; with one, that domain (the bucket, a CDN) serves media.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
if MEDIA_STORAGE == "s3":
    from botocore.config import Config

    STORAGES["default"] = {"BACKEND": "articles.serving.s3storage.MediaS3Storage"}
    AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME")
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default=None)
    # Unset, boto3 finds credentials itself (an instance role, ~/.aws).
    AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default=None)
    AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default=None)
    AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default=None)
    # Every upload and rendition has a name of its own: the bucket may let browsers keep it.
    AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "public, max-age=86400"}
    # A slow store costs an upload its time, bounded, never a worker for good.
    AWS_S3_CLIENT_CONFIG = Config(
        connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}
    )
elif MEDIA_STORAGE != "local":
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be local or s3, not {MEDIA_STORAGE!r}")

# Imports and uploads come from outside: cap what one of them may weigh.
ARTICLE_FILE_MAX_BYTES = env.int("ARTICLE_FILE_MAX_BYTES", default=5 * 1024 * 1024)
IMAGE_UPLOAD_MAX_BYTES = env.int("IMAGE_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)

# Partner feeds and their header images are fetched over HTTP(S) within these limits. Enclosure
# URLs come from outside: hosts on private or loopback addresses are refused unless allowed.
FEED_MAX_BYTES = env.int("FEED_MAX_BYTES", default=5 * 1024 * 1024)
FETCH_TIMEOUT = env.float("FETCH_TIMEOUT", default=20.0)
FETCH_MAX_REDIRECTS = env.int("FETCH_MAX_REDIRECTS", default=5)
FETCH_ALLOW_PRIVATE_HOSTS = env.bool("FETCH_ALLOW_PRIVATE_HOSTS", default=False)

# Import runs (one per import and per poll) are deleted this many days after they finish, by
# poll_feeds after each pass or by prune_import_runs; 0 keeps them forever. Runs that revisions
# point at are always kept.
IMPORT_RUN_RETENTION_DAYS = env.int("IMPORT_RUN_RETENTION_DAYS", default=90)

ARTICLES_PER_PAGE = 20
# "Clean energy" and "clean energy" are one tag (migration 0012 merged the old case variants).
TAGGIT_CASE_INSENSITIVE = True

# Uploaded media: served by the application from MEDIA_ROOT (a volume every app server shares)
# unless SERVE_MEDIA is off because a web server or an object store serves MEDIA_URL.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=not (MEDIA_STORAGE == "s3" and AWS_S3_CUSTOM_DOMAIN))

# Transport security. Production defaults are the strict ones (`check --deploy` passes with no
# warnings); each can be relaxed from the environment, e.g. for plain HTTP on a private network.
# Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https, and
# only if that proxy overwrites the header on every request.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers ask /healthz over plain HTTP on the private network: no redirect for it.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = tuple(env.list("SECURE_PROXY_SSL_HEADER", default=[])) or None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = env.str(
    "SECURE_REFERRER_POLICY", default="strict-origin-when-cross-origin"
)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS", default=[SITE_URL] if SITE_URL.startswith("https://") else []
)
X_FRAME_OPTIONS = "DENY"
# Our pages need no inline script and no script from elsewhere; images may come from partners.
CONTENT_SECURITY_POLICY = env.str(
    "CONTENT_SECURITY_POLICY",
    default=(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
