"""Media tests run again with media on a real S3 endpoint (moto's server, through boto3).

`class XOnS3Tests(OnS3, XTests)` reruns a TestCase class with `MEDIA_STORAGE=s3`'s storage and a
bucket of its own; the `media_storage` fixture (tests/conftest.py) does the same for pytest
classes and functions. Where moto cannot start they skip with the reason; in CI they fail.
"""

from django.conf import settings
from django.test import override_settings

from tests.conftest import require
from tests.services import ServiceUnavailable, s3_endpoint

S3_BACKEND = "articles.serving.s3storage.MediaS3Storage"


def s3_media_settings():
    """The settings `MEDIA_STORAGE=s3` makes, for a new bucket on this run's S3 endpoint."""
    try:
        endpoint = s3_endpoint()
    except ServiceUnavailable as exc:
        require(False, f"no S3 endpoint: {exc}")
    return {
        "MEDIA_STORAGE": "s3",
        "STORAGES": {**settings.STORAGES, "default": {"BACKEND": S3_BACKEND}},
        **endpoint.settings(endpoint.new_bucket()),
    }


class OnS3:
    """Mix in first: the TestCase's tests run with media in a fresh bucket on the S3 endpoint."""

    @classmethod
    def setUpClass(cls):
        overridden = override_settings(**s3_media_settings())
        overridden.enable()
        cls.addClassCleanup(overridden.disable)
        super().setUpClass()
