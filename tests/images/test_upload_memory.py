"""An upload at the pixel limit costs one decoded copy, not three (bench/upload_memory.py)."""

from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import SimpleTestCase
from PIL import Image

from articles.images import renditions, verify
from tests.image_files import image_bytes


class DraftDecodingTests(SimpleTestCase):
    def test_a_large_jpeg_is_decoded_at_the_smallest_scale_that_keeps_1600_pixels(self):
        with Image.open(BytesIO(image_bytes("JPEG", size=(6800, 3400)))) as image:
            decoded = renditions.decoded(image)
            assert decoded.size == (1700, 850)  # a quarter: still wider than 1600

    def test_a_crop_keeps_its_full_resolution(self):
        crop = {"left": 0.0, "top": 0.0, "right": 0.25, "bottom": 0.5}
        with Image.open(BytesIO(image_bytes("JPEG", size=(6800, 3400)))) as image:
            assert renditions.decoded(image, crop).size == (6800, 3400)

    def test_other_formats_decode_whole(self):
        with Image.open(BytesIO(image_bytes("PNG", size=(3400, 1700)))) as image:
            assert renditions.decoded(image).size == (3400, 1700)

    def test_renditions_of_a_large_jpeg_have_every_width(self):
        clean = verify.clean_image(image_bytes("JPEG", size=(6800, 3400)))
        name = default_storage.save("images/large.jpg", ContentFile(clean.data))
        made = renditions.generate(name)
        assert [r.width for r in made.jpeg] == [400, 800, 1200, 1600]
        assert (made.social.width, made.social.height) == (1200, 630)
        assert made.preview.width == 800
