"""The site as a cluster: two gunicorn instances and Varnish in front, sharing PostgreSQL, Redis
and an S3 endpoint; and the checks that it behaves as one site.

Used by tests/test_cluster.py (in .ci/run's PostgreSQL pass) and bench/cluster.py (which prints
the figures and a load test through Varnish). Everything listens on 127.0.0.1 and stops with
the `Cluster` context.
"""

import http.client
import http.cookiejar
import re
import secrets
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from tests.services import BIN, ROOT, Varnish, free_port, s3_endpoint, stop, wait_for_port

# An edit saved through one server must show through Varnish and the other within this.
VISIBLE_WITHIN_SECONDS = 2.0


def production_env(*, database_url, cache_url, s3, bucket, site_url, static_root, varnish_url):
    """A production configuration on the loopback (plain HTTP), media on S3, Varnish in front."""
    return {
        "PATH": str(BIN) + ":/usr/local/bin:/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "ENV_FILE": "/dev/null",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": site_url,
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "CACHE_KEY_PREFIX": f"cluster-{uuid.uuid4().hex[:8]}",
        "STATIC_ROOT": str(static_root),
        "MEDIA_STORAGE": "s3",
        **s3.settings(bucket),
        "FRONT_CACHE": "varnish",
        "FRONT_CACHE_ADDRESSES": varnish_url,
        "FRONT_CACHE_TIMEOUT": "1",
        "PROXY_COUNT": "1",
        "FETCH_ALLOW_PRIVATE_HOSTS": "true",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_MAX_REQUESTS": "0",
        "GUNICORN_LOG_LEVEL": "warning",
    }


class Gunicorn:
    """One app server: gunicorn with the repository's gunicorn.conf.py and 2 workers."""

    def __init__(self, env, port):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
        self.process = subprocess.Popen(
            [BIN / "gunicorn", "-c", ROOT / "gunicorn.conf.py", "--workers", "2"],
            env=self.env,
            cwd=ROOT,
        )
        wait_for_port(port, self.process, 60, "gunicorn")

    def manage(self, *args):
        """Run a management command as this server would, in a process of its own."""
        return subprocess.Popen(
            [BIN / "python", ROOT / "manage.py", *args],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def stop(self):
        stop(self.process)


class Cluster:
    """Servers A and B behind Varnish; `database_url` must already hold the schema."""

    def __init__(self, database_url, cache_url):
        self.s3 = s3_endpoint()
        self.bucket = self.s3.new_bucket("cluster")
        self.folder = Path(tempfile.mkdtemp(prefix="newsroom-cluster-"))
        ports = [free_port() for _ in range(3)]
        self.site_url = f"http://127.0.0.1:{ports[2]}"
        self.env = production_env(
            database_url=database_url,
            cache_url=cache_url,
            s3=self.s3,
            bucket=self.bucket,
            site_url=self.site_url,
            static_root=self.folder / "static",
            varnish_url=self.site_url,
        )
        subprocess.run(
            [BIN / "python", ROOT / "manage.py", "collectstatic", "--no-input", "-v", "0"],
            env=self.env,
            cwd=ROOT,
            check=True,
        )
        self.servers = []
        self.varnish = None
        try:
            self.servers = [Gunicorn(self.env, port) for port in ports[:2]]
            self.a, self.b = self.servers
            self.varnish = Varnish([("127.0.0.1", port) for port in ports[:2]], port=ports[2])
            if not wait_until(lambda: status(self.site_url, "/robots.txt") == 200, 20):
                raise RuntimeError("Varnish found no healthy app server")
        except BaseException:
            self.stop()
            raise

    def s3_object(self, url):
        """The bytes stored in the bucket under the media URL `url`."""
        key = urllib.parse.unquote(url.removeprefix("/media/"))
        return self.s3.client().get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def stop(self):
        if self.varnish:
            self.varnish.stop()
        for server in self.servers:
            server.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def wait_until(check, seconds):
    """Poll `check` until it is true; return the seconds it took, or None after `seconds`."""
    started = time.monotonic()
    while True:
        if check():
            return time.monotonic() - started
        if time.monotonic() - started > seconds:
            return None
        time.sleep(0.02)


def request(base, path, method="GET", body=None, headers=None):
    """(status, headers, body) of one request to `base` (http://host:port)."""
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def status(base, path):
    try:
        return request(base, path)[0]
    except OSError:
        return None


class AdminClient:
    """An editor's browser: one cookie jar for every server (cookies ignore the port)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf_token(self):
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def login(self, base, username, password):
        self.opener.open(f"{base}/admin/login/").read()
        data = {"username": username, "password": password, "next": "/admin/"}
        response = self.post(base, "/admin/login/", data)
        if "/admin/login/" in response.url:
            raise RuntimeError("login failed")

    def post(self, base, path, fields, files=None):
        """POST a form as multipart/form-data, following the redirect like a browser."""
        boundary = uuid.uuid4().hex
        body = multipart({**fields, "csrfmiddlewaretoken": self.csrf_token()}, files, boundary)
        req = urllib.request.Request(
            base + path,
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        response = self.opener.open(req)
        response.read()
        return response


def multipart(fields, files, boundary):
    parts = []
    for name, value in fields.items():
        value = "" if value is None else str(value)
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n')
        parts.append(value.encode() if isinstance(value, str) else value)
        parts.append(b"\r\n")
    for name, (filename, content, content_type) in (files or {}).items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        )
        parts.append(content)
        parts.append(b"\r\n")
    parts.append(f"--{boundary}--\r\n")
    return b"".join(p.encode() if isinstance(p, str) else p for p in parts)


def upload_through_a(cluster, editor, article, form, image):
    """Upload a header image through A; return the rendition URL B and Varnish must serve."""
    fields = form(article, image_alt="A header image.")
    fields.pop("image", None)
    editor.post(
        cluster.a.url,
        f"/admin/articles/article/{article.pk}/change/",
        fields,
        {"image": ("header.png", image, "image/png")},
    )
    article.refresh_from_db()
    renditions = article.renditions
    if renditions is None:
        raise AssertionError("the upload through A made no renditions")
    return article, renditions.fallback.url


def image_src(page):
    found = re.search(rb'<img[^>]* src="(/media/[^"]+)"', page)
    return found.group(1).decode() if found else None


def edit_through_b(cluster, editor, article, form, title):
    """Save a new title through B; return the seconds until Varnish and A show it (or None)."""
    path = article.get_absolute_url()
    editor.post(
        cluster.b.url, f"/admin/articles/article/{article.pk}/change/", form(article, title=title)
    )
    saved = time.monotonic()
    shown = title.encode()
    through_varnish = wait_until(
        lambda: shown in request(cluster.site_url, path)[2], VISIBLE_WITHIN_SECONDS * 5
    )
    through_a = wait_until(
        lambda: shown in request(cluster.a.url, path)[2], VISIBLE_WITHIN_SECONDS * 5
    )
    return through_varnish, through_a, time.monotonic() - saved


def rss(items):
    entries = "".join(
        f"<item><title>Cluster item {n}</title><link>https://wire.example.com/{n}</link>"
        f"<guid>cluster-{n}</guid><pubDate>Mon, 03 Nov 2025 10:{n:02d}:00 GMT</pubDate>"
        f"<description>Item {n} of the cluster feed.</description></item>"
        for n in range(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Cluster wire</title><link>https://wire.example.com/</link>{entries}"
        "</channel></rss>"
    ).encode()


def poll_on_both(cluster):
    """Run poll_feeds on A and B at once; return their outputs and the seconds it took."""
    started = time.monotonic()
    pollers = [server.manage("poll_feeds", "-v", "2") for server in cluster.servers]
    outputs = [poller.communicate(timeout=120)[0] for poller in pollers]
    return outputs, time.monotonic() - started
