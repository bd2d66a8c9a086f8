"""Screenshots of the reader's site for the README, light and dark, from headless Chromium.

    .venv/bin/python docs/make_screenshots.py [chromium]

Builds a throwaway site in a temporary folder (SQLite, media): imports sample_articles/, gives
most articles a generated header image (the samples' image URLs are on the internet; two keep
none, as clean text cards), features two of them (the older one leads the home page), gives one
body a quotation and a table, serves it with runserver on 127.0.0.1 and saves home and article
pages at 375 and 1280 pixels wide, with the system set to light and to dark, into
docs/screenshots/. bench/lighthouse.py builds the same site.
"""

import colorsys
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
WIDTHS = {"mobile": (375, 2000), "desktop": (1280, 1700)}
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
]


TEXT_ONLY = {100002, 100006}  # cards without an image stay clean text
FEATURED = {100001, 100004}  # the older of them leads the home page
SHOWCASE = 100003
SHOWCASE_BODY = """
<blockquote><p>The numbers speak for themselves: the storage paid for itself in two winters.</p>
</blockquote>
<table><caption>Output by quarter</caption>
<thead><tr><th>Quarter</th><th>Output (MWh)</th><th>Change</th></tr></thead>
<tbody><tr><td>Q1</td><td>1,240</td><td>+4%</td></tr><tr><td>Q2</td><td>1,410</td><td>+14%</td></tr>
<tr><td>Q3</td><td>1,385</td><td>−2%</td></tr></tbody></table>
"""


def header_image(n):
    """A calm abstract picture: a two-colour gradient with soft circles."""
    from PIL import Image, ImageDraw, ImageFilter

    width, height = 1600, 900
    hue = (0.08 + n * 0.17) % 1
    top = tuple(round(c * 255) for c in colorsys.hls_to_rgb(hue, 0.55, 0.55))
    bottom = tuple(round(c * 255) for c in colorsys.hls_to_rgb((hue + 0.1) % 1, 0.3, 0.5))
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    glow = Image.new("RGB", (width, height), (0, 0, 0))
    glow_draw = ImageDraw.Draw(glow)
    for i in range(5):
        x, y, r = 200 + i * 300, 250 + (i % 2) * 300, 120 + i * 25
        glow_draw.ellipse([x - r, y - r, x + r, y + r], fill=(70, 70, 70))
    image = Image.blend(
        image, Image.eval(glow, lambda v: v).filter(ImageFilter.GaussianBlur(60)), 0.25
    )
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def build_site(env):
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    from articles.models import Article

    call_command("migrate", verbosity=0)
    call_command("import_articles", str(ROOT / "sample_articles"), verbosity=0)
    for n, article in enumerate(Article.objects.order_by("article_id")):
        if article.article_id in TEXT_ONLY:
            continue
        article.image_alt = f"Illustration for “{article.title}”"
        article.image.save(f"header-{article.article_id}.png", ContentFile(header_image(n)))
    Article.objects.filter(article_id__in=FEATURED).update(featured=True)
    showcase = Article.objects.get(article_id=SHOWCASE)
    showcase.body += SHOWCASE_BODY
    showcase.save()
    return showcase.get_absolute_url()


def wait_for(url, server, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the development server stopped")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the site did not answer at {url}")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(env, port):
    """Start runserver on `port` of 127.0.0.1 with `env`; return (process, base URL)."""
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/", server)
    return server, base


def site_env(folder, site_url="https://newsroom.example"):
    """The demo site's settings; SITE_URL is what canonical links and the QR code show."""
    return {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "true",
        "SECRET_KEY": "screenshots-only",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        "CACHE_URL": "dummycache://",
        "SITE_URL": site_url,
    }


def main():
    from playwright.sync_api import sync_playwright

    chromium = sys.argv[1] if len(sys.argv) > 1 else shutil.which("chromium")
    if not chromium:
        raise SystemExit("chromium not found: apt-get install chromium")
    folder = Path(tempfile.mkdtemp(prefix="newsroom-screenshots-"))
    env = site_env(folder)
    article_path = build_site(env)
    server, base = serve(env, free_port())
    try:
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
            for page_name, path in {"home": "/", "article": article_path}.items():
                for name, (width, height) in WIDTHS.items():
                    for scheme in ("light", "dark"):
                        suffix = "" if scheme == "light" else "-dark"
                        target = OUT / f"{page_name}-{width}{suffix}.png"
                        page = browser.new_page(
                            viewport={"width": width, "height": height}, color_scheme=scheme
                        )
                        page.goto(base + path, wait_until="networkidle")
                        page.screenshot(path=target)
                        page.close()
                        print(f"{target.relative_to(ROOT)}  ({name}, {scheme})")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
