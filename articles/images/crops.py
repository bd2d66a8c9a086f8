"""The editor's crop of a header image: a region of the original, kept as fractions of its size.

A crop is `{"left": l, "top": t, "right": r, "bottom": b}`, each a fraction 0–1 of the original's
width or height; `None` is the whole image. The original upload is never changed: the renditions
are cut from the region (see articles.images.renditions). Pure functions, no ORM.
"""

from django.core.exceptions import ValidationError

EDGES = ("left", "top", "right", "bottom")
WHOLE = {"left": 0.0, "top": 0.0, "right": 1.0, "bottom": 1.0}
# Half the 1200×630 social card each way: the card is never enlarged more than twice from the
# region, the most a photo stands before it looks soft. Smaller images must keep their whole
# width or height, since any crop of them would be enlarged further still.
MIN_WIDTH, MIN_HEIGHT = 600, 315
PRECISION = 4  # a ten-thousandth: under a pixel of any image the newsroom accepts per side


def normalized(crop) -> dict | None:
    """`crop` with its edges as rounded floats, or None when it is (or covers) the whole image.

    Raise `ValidationError` when it is not a mapping of the four edges to numbers.
    """
    if crop is None:
        return None
    try:
        values = {edge: round(float(crop[edge]), PRECISION) for edge in EDGES}
    except (KeyError, TypeError, ValueError):
        raise ValidationError(
            "A crop needs its left, top, right and bottom edges as numbers.", code="crop_shape"
        ) from None
    return None if values == WHOLE else values


def check(crop, size=None):
    """Refuse (`ValidationError`) a crop that is out of order, outside the image or too small.

    `size` is the original's `(width, height)` in pixels; without it only the fractions are checked.
    """
    crop = normalized(crop)
    if crop is None:
        return
    left, top, right, bottom = (crop[edge] for edge in EDGES)
    if not all(0 <= value <= 1 for value in (left, top, right, bottom)):
        raise ValidationError(
            "Each crop edge is a fraction of the image from 0 to 1.", code="crop_outside"
        )
    if not (left < right and top < bottom):
        raise ValidationError(
            "The crop's left edge must be left of its right edge, and its top above its bottom.",
            code="crop_order",
        )
    if size is None:
        return
    width, height = size
    need_width, need_height = min(MIN_WIDTH, width), min(MIN_HEIGHT, height)
    got_width, got_height = round((right - left) * width), round((bottom - top) * height)
    if got_width < need_width or got_height < need_height:
        raise ValidationError(
            f"The crop is {got_width}×{got_height} pixels: keep at least "
            f"{need_width}×{need_height} of this {width}×{height} image, so the 1200×630 "
            f"social card is not blown up from a sliver.",
            code="crop_small",
        )


def box(crop, size):
    """The crop's pixel box `(left, top, right, bottom)` in an image of `size`, for Pillow."""
    crop = normalized(crop) or WHOLE
    width, height = size
    left, right = round(crop["left"] * width), round(crop["right"] * width)
    top, bottom = round(crop["top"] * height), round(crop["bottom"] * height)
    # Never empty, even for a crop made on a larger image of which this is a copy.
    return (
        min(left, width - 1),
        min(top, height - 1),
        max(right, min(left, width - 1) + 1),
        max(bottom, min(top, height - 1) + 1),
    )


def describe(crop) -> str:
    """The crop as an editor reads it in the history: "whole image" or its four edges."""
    try:
        crop = normalized(crop)
    except ValidationError:
        return str(crop)
    if crop is None:
        return "whole image"
    return ", ".join(f"{edge} {crop[edge]:g}" for edge in EDGES)
