"""Image bytes for upload tests, made with Pillow."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(fmt="PNG", size=(64, 48), mode="RGB", **save_args):
    buffer = BytesIO()
    Image.new(mode, size, "teal").save(buffer, fmt, **save_args)
    return buffer.getvalue()


def upload(name="header.png", content=None, content_type="image/png"):
    return SimpleUploadedFile(name, content if content is not None else image_bytes(), content_type)


def png_claiming_size(width, height):
    """A tiny PNG whose header claims `width`×`height` pixels: a decompression bomb's shape."""
    import struct
    import zlib

    data = bytearray(image_bytes("PNG", size=(1, 1)))
    ihdr = 8  # after the signature: length (4), type (4), then the 13 header bytes
    data[ihdr + 8 : ihdr + 16] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr + 4 : ihdr + 21]))
    data[ihdr + 21 : ihdr + 25] = struct.pack(">I", crc)
    return bytes(data)


def animated_gif(frames=3, size=(10, 10)):
    buffer = BytesIO()
    images = [Image.new("P", size, colour) for colour in range(1, frames + 1)]
    images[0].save(buffer, "GIF", save_all=True, append_images=images[1:], duration=100, loop=0)
    return buffer.getvalue()


def jpeg_with_orientation(size=(64, 48), orientation=6):
    exif = Image.Exif()
    exif[0x0112] = orientation  # 6: rotate 90° clockwise for display
    exif[0x010E] = "camera secrets"
    return image_bytes("JPEG", size=size, exif=exif.tobytes())


def reopen(data):
    return Image.open(BytesIO(data))


RED, BLUE = (220, 0, 0), (0, 0, 220)


def halves(size=(1600, 900), fmt="PNG"):
    """An image whose left half is red and right half blue."""
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    buffer = BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def is_blue(image):
    """True when every pixel of `image` is blue, give or take what lossy encoding does."""
    red, green, blue = (band.getextrema() for band in image.convert("RGB").split())
    return red[1] < 40 and green[1] < 40 and blue[0] > 180


def shows_both_halves(image):
    """True when `image` is red on its left and blue on its right, as `halves()` made it."""
    rgb = image.convert("RGB")
    middle = rgb.height // 2
    left, right = rgb.getpixel((rgb.width // 4, middle)), rgb.getpixel((rgb.width * 3 // 4, middle))
    return left[0] > 180 > left[2] and right[2] > 180 > right[0]
