"""Media on S3-compatible object storage (`MEDIA_STORAGE=s3`, the `s3` install extra).

django-storages' S3 storage, configured by its own `AWS_*` settings, with two rules of ours:
files are never overwritten (two uploads named alike are two files, as on local disk), and
URLs are stable, never signed: a cached page must not carry a link that expires. With
`AWS_S3_CUSTOM_DOMAIN` (the bucket or a CDN serves the files) URLs point there; without it the
bucket stays private and the app serves `MEDIA_URL` through articles.serving.media.
"""

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class MediaS3Storage(S3Storage):
    # Class attributes win over the AWS_S3_FILE_OVERWRITE and AWS_QUERYSTRING_AUTH settings.
    file_overwrite = False
    querystring_auth = False

    def url(self, name, parameters=None, expire=None, http_method=None):
        if self.custom_domain:
            return super().url(name, parameters, expire, http_method)
        return settings.MEDIA_URL + filepath_to_uri(name)
