"""Renditions of an article's header image, made with Pillow for the site.

From the uploaded image, cut to the editor's crop (`Article.image_crop`, see
articles.images.crops): a list thumbnail, widths for `srcset` in WebP with a JPEG fallback, and a
1200×630 social card; the
thumbnail and card are fitted around the region's centre. They are made again whenever the image
or its crop changes and removed with the image; a new image starts uncropped. From the whole
image, whatever the crop: a small JPEG preview for the admin's crop editor, made once per image
(a manifest from before it has none: show the original). What exists is kept on the article
(`Article.image_renditions`, with the crop it was cut to), so a page of cards reads no file.

Templates use `article.renditions` (None when there is no uploaded image)::

    <picture>
      <source type="image/webp" srcset="{{ r.srcset_webp }}" sizes="...">
      <img src="{{ r.fallback.url }}" srcset="{{ r.srcset_jpeg }}" width=... height=...>
    </picture>
    <meta property="og:image" content="{{ SITE_URL }}{{ r.social.url }}">
"""

import hashlib
import json
import logging
import math
import posixpath
from dataclasses import asdict, dataclass
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

from articles.images import crops

logger = logging.getLogger(__name__)

WIDTHS = (400, 800, 1200, 1600)
THUMBNAIL_SIZE = (160, 90)
SOCIAL_SIZE = (1200, 630)
PREVIEW_WIDTH = 800  # the crop editor shows it at most 600 CSS pixels wide
WEBP_OPTIONS = {"quality": 80, "method": 4}
JPEG_OPTIONS = {"quality": 82, "optimize": True, "progressive": True}


@dataclass(frozen=True)
class Rendition:
    name: str
    width: int
    height: int

    @property
    def url(self):
        return default_storage.url(self.name)


@dataclass(frozen=True)
class Renditions:
    source: str
    thumbnail: Rendition
    webp: tuple[Rendition, ...]
    jpeg: tuple[Rendition, ...]
    social: Rendition
    preview: Rendition | None = None  # uncropped; None in manifests made before it existed
    # The whole image's (width, height): the crop editor need not read the original from a
    # remote store to know it. None in manifests made before it was kept.
    original: tuple[int, int] | None = None

    @property
    def srcset_webp(self):
        return srcset(self.webp)

    @property
    def srcset_jpeg(self):
        return srcset(self.jpeg)

    @property
    def fallback(self):
        """The JPEG for browsers without `srcset`: the widest one up to 1200 pixels."""
        fitting = [r for r in self.jpeg if r.width <= 1200]
        return fitting[-1] if fitting else self.jpeg[0]

    def all(self):
        """The renditions cut to the crop; the uncropped preview is not one of them."""
        return [self.thumbnail, *self.webp, *self.jpeg, self.social]

    def to_manifest(self):
        return asdict(self)

    @classmethod
    def from_manifest(cls, manifest):
        """The renditions a manifest lists, or None when it lists none."""
        if not manifest or "thumbnail" not in manifest:
            return None
        return cls(
            source=manifest["source"],
            thumbnail=Rendition(**manifest["thumbnail"]),
            webp=tuple(Rendition(**r) for r in manifest["webp"]),
            jpeg=tuple(Rendition(**r) for r in manifest["jpeg"]),
            social=Rendition(**manifest["social"]),
            preview=Rendition(**manifest["preview"]) if manifest.get("preview") else None,
            original=tuple(manifest["original"]) if manifest.get("original") else None,
        )


def srcset(renditions):
    return ", ".join(f"{r.url} {r.width}w" for r in renditions)


def for_article(article) -> Renditions | None:
    """The renditions of the article's current uploaded image, or None."""
    manifest = article.image_renditions
    if not article.image or not manifest or manifest.get("source") != article.image.name:
        return None
    return Renditions.from_manifest(manifest)


def widths_for(width):
    """The `srcset` widths for an image `width` pixels wide: never upscaled."""
    widths = [w for w in WIDTHS if w < width]
    return widths + [width] if width <= WIDTHS[-1] else widths


def generate(name, storage=default_storage, crop=None, preview=None) -> Renditions:
    """Make and store every rendition of the image stored as `name`, cut to `crop`.

    `preview` is the uncropped preview already made of this image: kept, not made again.
    """
    # Made while the file is open: `flatten()` returns the decoded image itself when it can.
    with storage.open(name, "rb") as stored, Image.open(stored) as original:
        # The whole image's size, before a JPEG's draft mode decodes it smaller.
        size = original.size
        return _generate(flatten(decoded(original, crop)), name, storage, crop, preview, size)


def _generate(full, name, storage, crop, preview, size):
    folder = posixpath.join("renditions", posixpath.splitext(name)[0])
    if preview is None:
        small = resized(full, min(PREVIEW_WIDTH, full.width))
        preview = store(small, f"{folder}/preview", "JPEG", JPEG_OPTIONS, storage)
    if crop := crops.normalized(crop):
        full = full.crop(crops.box(crop, full.size))
    suffix = crop_suffix(crop)

    def save(rendered, label, fmt, options):
        return store(rendered, f"{folder}/{label}{suffix}", fmt, options, storage)

    webp, jpeg = [], []
    image = full
    for width in sorted(widths_for(full.width), reverse=True):
        image = resized(image, width)  # each from the previous, larger one: fast, still sharp
        webp.append(save(image, f"w{width}", "WEBP", WEBP_OPTIONS))
        jpeg.append(save(image, f"w{width}", "JPEG", JPEG_OPTIONS))
    thumbnail = ImageOps.fit(full, THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
    social = ImageOps.fit(full, SOCIAL_SIZE, Image.Resampling.LANCZOS)
    return Renditions(
        source=name,
        thumbnail=save(thumbnail, "thumbnail", "WEBP", WEBP_OPTIONS),
        webp=tuple(reversed(webp)),
        jpeg=tuple(reversed(jpeg)),
        social=save(social, "social", "JPEG", JPEG_OPTIONS),
        preview=preview,
        original=size,
    )


def store(image, stem, fmt, options, storage):
    """Encode `image` as `fmt` and save it as `stem` plus the format's extension."""
    buffer = BytesIO()
    image.save(buffer, fmt, **options)
    extension = "webp" if fmt == "WEBP" else "jpg"
    path = storage.save(f"{stem}.{extension}", ContentFile(buffer.getvalue()))
    return Rendition(path, image.width, image.height)


def crop_suffix(crop):
    """A file name suffix per crop: a new crop gets new URLs, never a cached old picture."""
    if crop is None:
        return ""
    digest = hashlib.sha256(json.dumps(crop, sort_keys=True).encode()).hexdigest()
    return f"-{digest[:10]}"


def failed(manifest) -> bool:
    """Whether the last attempt to make the renditions of the manifest's image failed."""
    return bool(manifest) and "error" in manifest


def decoded(image, crop=None):
    """The image decoded at the smallest JPEG scale that still gives every rendition its pixels.

    A JPEG decodes at 1/2, 1/4 or 1/8 of its size for nearly nothing (Pillow's draft mode): at
    the 40-megapixel limit that is a tenth of the memory, and the widest rendition (cut from the
    crop) still has its full 1600 pixels. Other formats decode whole.
    """
    if image.format == "JPEG":
        crop = crops.normalized(crop) or crops.WHOLE
        region = (crop["right"] - crop["left"], crop["bottom"] - crop["top"])
        needed = max(WIDTHS[-1] / region[0], SOCIAL_SIZE[0] / region[0], PREVIEW_WIDTH)
        scale = min(1, needed / image.width)
        image.draft("RGB", (math.ceil(image.width * scale), math.ceil(image.height * scale)))
    image.load()
    return image


def flatten(image):
    """An RGB image of the first frame, transparency laid on white (a copy unless RGB already)."""
    image.seek(0)
    if image.mode in {"RGBA", "LA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image if image.mode == "RGB" else image.convert("RGB")


def resized(image, width):
    if image.width == width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS)


def delete(names, storage=default_storage) -> None:
    """Remove the stored files `names`; missing ones are fine, failures are logged.

    This runs after the change committed: a store that fails (S3's errors are botocore's own,
    not OSError) must cost a stray file, never the editor's response.
    """
    for name in names:
        try:
            storage.delete(name)
        except Exception:
            logger.warning("could not delete %s", name, exc_info=True)


def stale_files(manifest, *, keep=""):
    """The files a manifest lists, but its source image and preview when the source is `keep`."""
    old = Renditions.from_manifest(manifest)
    names = [r.name for r in old.all()] if old else []
    source = (manifest or {}).get("source", "")
    if source and source != keep:
        names.append(source)
        if old and old.preview:
            names.append(old.preview.name)
    return names


@dataclass(frozen=True)
class Remade:
    """What `remake()` decided: the article's new manifest and crop, and the files to delete."""

    manifest: dict
    crop: dict | None
    obsolete: list[str]


def remake(manifest, name, crop) -> Remade | None:
    """The renditions of the image stored as `name`, cut to `crop`, given its current `manifest`.

    A new (or removed) image resets the crop: a region chosen on one picture means nothing on
    another. Renditions that failed before are tried again. Return None when the manifest
    already matches; else make what is needed and return
    the new manifest with the files it no longer needs (delete them once the change commits).
    """
    manifest = manifest or {}
    try:
        crop = crops.normalized(crop)
    except ValidationError:
        logger.warning("ignoring a malformed crop %r of %s", crop, name)
        crop = None
    new_image = manifest.get("source", "") != name
    if new_image or not name:
        crop = None
    if not new_image and manifest.get("crop") == crop and not failed(manifest):
        return None
    obsolete = stale_files(manifest, keep=name)
    # Same image, new crop: the uncropped preview still shows it.
    old = None if new_image else Renditions.from_manifest(manifest)
    preview = old.preview if old else None
    new_manifest = {}
    if name:
        try:
            new_manifest = generate(name, crop=crop, preview=preview).to_manifest()
        except (OSError, ValueError, Image.DecompressionBombError):
            logger.exception("could not make renditions of %s", name)
            new_manifest = {"source": name, "error": "could not make renditions"}
            if preview:
                obsolete.append(preview.name)
        new_manifest["crop"] = crop
    return Remade(new_manifest, crop, obsolete)


def files_of(manifest, image_name) -> list[str]:
    """Every stored file of an image and its renditions (for deleting an article)."""
    names = stale_files(manifest or {})
    if image_name and image_name not in names:
        names.append(image_name)
    return names
