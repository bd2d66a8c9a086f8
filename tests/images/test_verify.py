import pytest
from PIL import Image

from articles.images.verify import ImageError, clean_image
from tests.image_files import image_bytes


def reopen(clean):
    from io import BytesIO

    return Image.open(BytesIO(clean.data))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
def test_accepts_the_four_web_formats(fmt):
    clean = clean_image(image_bytes(fmt))
    assert clean.format == fmt
    assert (clean.width, clean.height) == (64, 48)
    assert reopen(clean).format == fmt


def test_refuses_html_disguised_as_an_image():
    with pytest.raises(ImageError, match="not a readable image"):
        clean_image(b"<html><script>alert(1)</script></html>")


def test_refuses_other_formats():
    with pytest.raises(ImageError, match="BMP images are not accepted"):
        clean_image(image_bytes("BMP"))


def test_refuses_a_truncated_jpeg():
    data = image_bytes("JPEG", size=(400, 300))
    with pytest.raises(ImageError, match="not a readable image"):
        clean_image(data[: len(data) // 2])


def test_refuses_too_many_pixels_before_decoding():
    data = image_bytes("PNG", size=(4000, 4000), mode="1")
    assert len(data) < 20_000
    with pytest.raises(ImageError, match="over the limit"):
        clean_image(data, max_pixels=1_000_000)


def test_refuses_oversized_files():
    with pytest.raises(ImageError, match="bytes, over the limit"):
        clean_image(image_bytes("PNG"), max_bytes=10)


def test_strips_appended_payloads_and_metadata():
    data = image_bytes("PNG") + b"<script>alert(1)</script>"
    clean = clean_image(data)
    assert b"<script>" not in clean.data
    exif = Image.Exif()
    exif[0x010E] = "secret description"
    jpeg = image_bytes("JPEG", exif=exif.tobytes())
    assert b"secret description" in jpeg
    assert b"secret description" not in clean_image(jpeg).data


def test_applies_exif_orientation():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise for display
    clean = clean_image(image_bytes("JPEG", size=(64, 48), exif=exif.tobytes()))
    assert (clean.width, clean.height) == (48, 64)


def test_cmyk_jpeg_becomes_rgb():
    clean = clean_image(image_bytes("JPEG", mode="CMYK"))
    assert reopen(clean).mode == "RGB"


def test_animated_gif_keeps_one_frame():
    from io import BytesIO

    frames = [Image.new("P", (10, 10), color) for color in (1, 2, 3)]
    buffer = BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    clean = clean_image(buffer.getvalue())
    assert getattr(reopen(clean), "n_frames", 1) == 1
