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
