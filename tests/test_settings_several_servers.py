"""Settings for several servers, each read in a fresh process: media on S3, a front cache."""

from tests.test_settings_deploy import PRODUCTION, manage, settings_under

S3 = {
    "MEDIA_STORAGE": "s3",
    "AWS_STORAGE_BUCKET_NAME": "newsroom-media",
    "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
    "AWS_S3_REGION_NAME": "eu-west-1",
    "AWS_ACCESS_KEY_ID": "key-id",
    "AWS_SECRET_ACCESS_KEY": "secret",
}
VARNISH = {"FRONT_CACHE": "varnish", "FRONT_CACHE_ADDRESSES": "http://10.0.0.5:6081"}


def storage_under(env, name):
    """The default storage's class, bucket and URL for `name`, in a process started with `env`."""
    code = (
        "import json; from django.core.files.storage import storages; s = storages['default']; "
        "print(json.dumps([type(s).__name__, getattr(s, 'bucket_name', None), "
        f"s.url({name!r})]))"
    )
    result = manage("shell", "--no-imports", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_local_disk_is_the_default():
    values = settings_under(PRODUCTION, "MEDIA_STORAGE", "SERVE_MEDIA", "FRONT_CACHE")
    assert values["MEDIA_STORAGE"] == "'local'"
    assert values["SERVE_MEDIA"] == "True"
    assert values["FRONT_CACHE"] == "''"
    assert "FileSystemStorage" in storage_under(PRODUCTION, "images/a.png")


def test_media_storage_s3_takes_django_storages_own_names():
    env = {**PRODUCTION, **S3}
    values = settings_under(env, "AWS_S3_ENDPOINT_URL", "AWS_S3_REGION_NAME", "SERVE_MEDIA")
    assert values["AWS_S3_ENDPOINT_URL"] == "'http://127.0.0.1:9000'"
    assert values["AWS_S3_REGION_NAME"] == "'eu-west-1'"
    assert values["SERVE_MEDIA"] == "True"  # a private bucket: the app serves /media/
    stored = storage_under(env, "images/a b.png")
    assert stored == '["MediaS3Storage", "newsroom-media", "/media/images/a%20b.png"]'


def test_a_custom_domain_serves_media_and_the_app_does_not():
    env = {**PRODUCTION, **S3, "AWS_S3_CUSTOM_DOMAIN": "media.example.com"}
    assert settings_under(env, "SERVE_MEDIA")["SERVE_MEDIA"] == "False"
    stored = storage_under(env, "images/a.png")
    assert stored.endswith('"https://media.example.com/images/a.png"]')


def test_an_unknown_media_storage_refuses_to_start():
    result = manage("check", **{**PRODUCTION, "MEDIA_STORAGE": "ftp"})
    assert result.returncode != 0
    assert "MEDIA_STORAGE must be local or s3, not 'ftp'" in result.stderr


def test_check_deploy_is_clean_with_s3_and_varnish():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, **S3, **VARNISH)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_front_cache_sets_s_maxage_to_the_page_cache_lifetime():
    values = settings_under({**PRODUCTION, **VARNISH}, "PUBLIC_PAGE_SHARED_MAX_AGE")
    assert values["PUBLIC_PAGE_SHARED_MAX_AGE"] == "600"
    values = settings_under(PRODUCTION, "PUBLIC_PAGE_SHARED_MAX_AGE")
    assert values["PUBLIC_PAGE_SHARED_MAX_AGE"] == "0"


def test_varnish_without_addresses_is_a_warning():
    env = {**PRODUCTION, "FRONT_CACHE": "varnish"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "newsroom.W101" in result.stderr


def test_a_front_cache_that_cannot_be_imported_is_an_error():
    result = manage("check", **PRODUCTION, FRONT_CACHE="nowhere.Cache")
    assert result.returncode != 0
    assert "newsroom.E101" in result.stderr
