"""Peak memory of one header image upload at the pixel limit: verify, re-encode, renditions.

    python bench/upload_memory.py [FORMAT ...]   # JPEG PNG WEBP GIF; default JPEG PNG

The image (IMAGE_MAX_PIXELS, 4:3, lines for some detail) is written to a file first; then a
fresh process per format reads it and reports how far its peak RSS rose above Django's own
while `clean_image()` verified and re-encoded it (the form's work) and then while its
renditions were made (the save's work): what one worker needs for one upload.
"""

import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup(media):
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    from django.conf import settings

    settings.MEDIA_ROOT = media
    return settings


def make(fmt, path, media):
    from PIL import Image, ImageDraw

    pixels = setup(media).IMAGE_MAX_PIXELS
    width = int((pixels * 4 / 3) ** 0.5)
    height = pixels // width
    image = Image.new("RGB", (width, height), "teal")
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 97):
        draw.line([(x, 0), (width - x, height)], fill="orange", width=3)
    image.save(path, fmt, **({"quality": 70} if fmt == "JPEG" else {}))


def measure(fmt, path, media):
    setup(media)
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from PIL import Image

    from articles.images import renditions, verify

    data = Path(path).read_bytes()
    with Image.open(path) as probe:
        size = probe.size
    before = peak_mb()
    clean = verify.clean_image(data, max_bytes=len(data))
    verified = peak_mb()
    del data
    name = default_storage.save(f"bench/upload.{clean.extension}", ContentFile(clean.data))
    del clean
    renditions.generate(name)
    after = peak_mb()
    print(
        f"{fmt} {size[0]}×{size[1]} ({size[0] * size[1] / 1e6:.0f} MP, "
        f"{Path(path).stat().st_size / 1e6:.1f} MB): verifying +{verified - before:.0f} MB, "
        f"renditions +{after - before:.0f} MB over a {before:.0f} MB process"
    )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] in {"--make", "--measure"}:
        {"--make": make, "--measure": measure}[sys.argv[1]](*sys.argv[2:])
    else:
        for fmt in sys.argv[1:] or ["JPEG", "PNG"]:
            with tempfile.TemporaryDirectory() as media:
                path = f"{media}/upload.{fmt.lower()}"
                for step in ("--make", "--measure"):
                    subprocess.run([sys.executable, __file__, step, fmt, path, media], check=True)
