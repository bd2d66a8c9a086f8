import gzip
import socket
import time

import pytest

from articles.fetch import FetchError, fetch, user_agent

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'


def test_fetches_the_body_and_names_the_site_in_the_user_agent(local_server, settings):
    settings.SITE_NAME = "Daily Wire Desk"
    settings.SITE_URL = "https://news.example"
    url = local_server.serve("/feed.xml", FEED, headers={"Content-Type": "application/rss+xml"})
    fetched = fetch(url, accept="application/rss+xml")
    assert fetched.status == 200
    assert fetched.content == FEED
    assert fetched.content_type == "application/rss+xml"
    sent = local_server.requests[0].headers
    assert (
        sent["User-Agent"]
        == user_agent()
        == ("Daily Wire Desk feed fetcher (+https://news.example)")
    )
    assert sent["Accept"] == "application/rss+xml"
    assert "If-None-Match" not in sent


def test_conditional_request_gets_a_304_with_no_body(local_server):
    url = local_server.serve("/feed.xml", FEED, etag='"v1"')
    first = fetch(url)
    assert first.etag == '"v1"'
    second = fetch(url, etag=first.etag, last_modified="Tue, 15 Jul 2025 14:15:21 GMT")
    assert second.not_modified
    assert second.content == b""
    sent = local_server.requests[1].headers
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Tue, 15 Jul 2025 14:15:21 GMT"


def test_follows_a_relative_redirect_to_the_final_url(local_server):
    local_server.serve("/old", status=301, headers={"Location": "/new"})
    url = local_server.serve("/new", FEED)
    fetched = fetch(local_server.url("/old"))
    assert fetched.url == url
    assert fetched.content == FEED


def test_refuses_a_redirect_loop_without_going_round_it(local_server):
    local_server.serve("/a", status=302, headers={"Location": "/b"})
    local_server.serve("/b", status=302, headers={"Location": "/a"})
    with pytest.raises(FetchError, match="redirect loop"):
        fetch(local_server.url("/a"))
    assert local_server.paths_requested() == ["/a", "/b"]


def test_refuses_too_many_redirects(local_server):
    for n in range(5):
        local_server.serve(f"/{n}", status=307, headers={"Location": f"/{n + 1}"})
    local_server.serve("/5", FEED)
    with pytest.raises(FetchError, match="more than 3 redirects"):
        fetch(local_server.url("/0"), max_redirects=3)
    assert fetch(local_server.url("/0"), max_redirects=5).content == FEED


def test_refuses_a_redirect_to_another_scheme(local_server):
    local_server.serve("/sneaky", status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(FetchError, match="only http"):
        fetch(local_server.url("/sneaky"))


def test_gives_up_on_a_slow_server(local_server):
    url = local_server.serve("/slow", FEED, delay=3)
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out after 0.3 s"):
        fetch(url, timeout=0.3)
    assert time.monotonic() - started < 1.5


def test_gives_up_on_a_server_that_trickles_forever(local_server):
    url = local_server.serve("/trickle", b"x" * 200, trickle=0.05)
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        fetch(url, timeout=0.5)
    assert time.monotonic() - started < 2


def test_refuses_an_oversized_response_by_its_declared_length(local_server):
    url = local_server.serve("/big", b"x" * 5000)
    with pytest.raises(FetchError, match="5,000 bytes, over the limit of 1,000"):
        fetch(url, max_bytes=1000)


def test_stops_reading_an_oversized_response_of_unknown_length(local_server):
    url = local_server.serve("/big", b"x" * 500_000, headers={"Content-Length": None})
    with pytest.raises(FetchError, match="over the limit of 100,000 bytes"):
        fetch(url, max_bytes=100_000)
    assert fetch(url, max_bytes=500_000).content == b"x" * 500_000


def test_decompresses_gzip_within_the_cap(local_server):
    url = local_server.serve("/gz", gzip.compress(FEED), headers={"Content-Encoding": "gzip"})
    assert fetch(url).content == FEED
    assert local_server.requests[0].headers["Accept-Encoding"] == "gzip"


def test_refuses_a_gzip_bomb(local_server):
    bomb = gzip.compress(b"\0" * 20_000_000)
    assert len(bomb) < 50_000
    url = local_server.serve("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="over the limit of 1,000,000 bytes"):
        fetch(url, max_bytes=1_000_000)


def test_corrupt_gzip_is_an_error(local_server):
    url = local_server.serve("/gz", b"not gzip at all", headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="gzip data is corrupt"):
        fetch(url)


@pytest.mark.parametrize("status", [404, 410, 500, 503])
def test_http_errors_are_fetch_errors(local_server, status):
    url = local_server.serve("/gone", b"nope", status=status)
    with pytest.raises(FetchError, match=f"HTTP {status}"):
        fetch(url)


@pytest.mark.parametrize(
    "url",
    ["ftp://127.0.0.1/feed.xml", "file:///etc/passwd", "javascript:alert(1)", "http:///x", ""],
)
def test_only_http_urls_are_fetched(settings, url):
    settings.FETCH_ALLOW_PRIVATE_HOSTS = True
    with pytest.raises(FetchError, match="only http"):
        fetch(url)


def test_refuses_hosts_on_private_addresses_unless_allowed(local_server, settings):
    url = local_server.serve("/feed.xml", FEED)
    settings.FETCH_ALLOW_PRIVATE_HOSTS = False
    with pytest.raises(FetchError, match=r"non-public address \(127.0.0.1\)"):
        fetch(url)
    assert local_server.requests == []


def test_connection_refused_is_a_fetch_error(settings):
    settings.FETCH_ALLOW_PRIVATE_HOSTS = True
    with socket.socket() as sock:  # a port nobody listens on once this socket closes
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match="cannot connect"):
        fetch(f"http://127.0.0.1:{port}/feed.xml")
