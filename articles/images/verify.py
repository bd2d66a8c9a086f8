"""Header images from outside: verified by Pillow, bombs refused, re-encoded without payloads."""

from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
OPTIMIZE_MAX_PIXELS = 12_000_000
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


class ImageError(ValueError):
    """The bytes are not an image the newsroom accepts; the message says why."""


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    format: str
    width: int
    height: int

    @property
    def extension(self):
        return ACCEPTED_FORMATS[self.format]

    @property
    def content_type(self):
        return CONTENT_TYPES[self.format]


def clean_image(data, *, max_bytes=None, max_pixels=None) -> CleanImage:
    """Decode `data` fully, check it, and return it re-encoded without metadata.

    JPEG, PNG, WebP and GIF are accepted; EXIF orientation is applied, CMYK becomes RGB, an animated
    GIF keeps its first frame. Raise `ImageError` for anything else, oversized or too many pixels.
    """
    max_bytes = settings.IMAGE_UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    max_pixels = settings.IMAGE_MAX_PIXELS if max_pixels is None else max_pixels
    if len(data) > max_bytes:
        raise ImageError(f"image is {len(data):,} bytes, over the limit of {max_bytes:,}")
    try:
        with Image.open(BytesIO(data)) as probe:
            fmt = probe.format
            if fmt not in ACCEPTED_FORMATS:
                raise ImageError(f"{fmt} images are not accepted: use JPEG, PNG, WebP or GIF")
            width, height = probe.size
            if width * height > max_pixels:
                raise ImageError(
                    f"image is {width}×{height} pixels, over the limit of {max_pixels:,} pixels"
                )
            probe.load()  # decode every byte now: truncated files fail here, not later
            ImageOps.exif_transpose(probe, in_place=True)  # a copy would double the memory
            return _reencode(probe, fmt)
    except ImageError:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageError(f"image is a decompression bomb: {exc}") from None
    except UnidentifiedImageError:
        raise ImageError("not a readable image: no JPEG, PNG, WebP or GIF data") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageError(f"not a readable image: {exc}") from None


def _reencode(image, fmt):
    if image.mode == "CMYK" or (fmt == "JPEG" and image.mode not in {"RGB", "L"}):
        image = image.convert("RGB")
    elif image.mode not in {"RGB", "RGBA", "L", "LA", "P"}:
        image = image.convert("RGBA")
    buffer = BytesIO()
    # libjpeg's optimised Huffman tables hold the whole image's coefficients: 113 MB more at
    # 40 MP, for a file a few per cent smaller. Only small images get them.
    optimize = image.width * image.height <= OPTIMIZE_MAX_PIXELS
    options = {
        "JPEG": {"quality": 88, "optimize": optimize},
        "PNG": {"optimize": True},
        "WEBP": {"quality": 85},
        "GIF": {},
    }[fmt]
    image.save(buffer, fmt, **options)  # no exif=, icc_profile= or info: metadata is dropped
    return CleanImage(buffer.getvalue(), fmt, image.width, image.height)
