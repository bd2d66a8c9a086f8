import contextlib
import gzip
import ipaddress
import os
import socket
import time
from unittest import mock

import pytest
from django.test import SimpleTestCase, override_settings

from articles.ingest.fetch import FetchError, check_url, fetch, user_agent
from tests.conftest import DATA
from tests.httpserver import LocalServer

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


PUBLIC_ADDRESS = "93.184.216.34"  # globally routable; FakeNetwork stubs every connection to it
TLS = DATA / "tls"
real_getaddrinfo = socket.getaddrinfo
real_connect = socket.socket.connect


class FakeNetwork(contextlib.ExitStack):
    """Answer name lookups and stand in for a public host: no packet leaves 127.0.0.1.

    `answers` maps a hostname to what its successive lookups answer, the last one repeating; an
    answer is an address or a tuple of them. A connection to PUBLIC_ADDRESS reaches
    `public_server`, or is refused without one; any other connection is real. `lookups` and
    `connections` record both.
    """

    def __init__(self, answers, public_server=None):
        super().__init__()
        self.answers = {host: list(answer) for host, answer in answers.items()}
        self.public_server = public_server
        self.lookups = []
        self.connections = []

    def __enter__(self):
        self.enter_context(mock.patch("socket.getaddrinfo", self.getaddrinfo))
        # A plain function, so that it binds to each socket as its method.
        connect = mock.patch.object(socket.socket, "connect", lambda s, a: self.connect(s, a))
        self.enter_context(connect)
        return super().__enter__()

    def getaddrinfo(self, host, port, *args, **kwargs):
        pending = self.answers.get(host)
        if pending is None:
            with contextlib.suppress(ValueError):
                return real_getaddrinfo(str(ipaddress.ip_address(host)), port, *args, **kwargs)
            raise socket.gaierror(socket.EAI_NONAME, f"{host} is not in the fake DNS")
        self.lookups.append(host)
        answer = pending.pop(0) if len(pending) > 1 else pending[0]
        addresses = (answer,) if isinstance(answer, str) else answer
        return [info for a in addresses for info in real_getaddrinfo(a, port, *args, **kwargs)]

    def connect(self, sock, address):
        self.connections.append(address[0])
        if address[0] == PUBLIC_ADDRESS:
            if self.public_server is None:
                raise ConnectionRefusedError("nothing answers at the public address")
            address = ("127.0.0.1", self.public_server.port)
        return real_connect(sock, address)


@override_settings(FETCH_ALLOW_PRIVATE_HOSTS=False)
class PinnedAddressTests(SimpleTestCase):
    """Each request connects to the address its host was vetted at, never to a second lookup."""

    def setUp(self):
        # `loopback` is what a rebinding host aims at; `public` answers for PUBLIC_ADDRESS. URLs
        # carry the loopback server's port, so a connection to 127.0.0.1 would reach it.
        self.loopback = self.enterContext(LocalServer())
        self.loopback.serve("/feed.xml", b"loopback only")
        self.public = self.enterContext(LocalServer())
        self.public.serve("/feed.xml", FEED)

    def url(self, host, path="/feed.xml"):
        return self.loopback.url(path, host=host)

    def test_a_host_rebinding_to_loopback_after_the_check_is_fetched_from_its_vetted_address(self):
        answers = {"rebind.example": [PUBLIC_ADDRESS, "127.0.0.1"]}
        network = self.enterContext(FakeNetwork(answers, public_server=self.public))
        fetched = fetch(self.url("rebind.example"))
        assert fetched.content == FEED
        assert self.loopback.requests == []
        assert network.lookups == ["rebind.example"]
        assert network.connections == [PUBLIC_ADDRESS]
        assert self.public.requests[0].headers["Host"] == f"rebind.example:{self.loopback.port}"

    def test_a_rebinding_host_whose_vetted_address_is_down_is_not_tried_elsewhere(self):
        network = self.enterContext(FakeNetwork({"rebind.example": [PUBLIC_ADDRESS, "127.0.0.1"]}))
        with pytest.raises(FetchError, match="cannot connect"):
            fetch(self.url("rebind.example"))
        assert self.loopback.requests == []
        assert network.connections == [PUBLIC_ADDRESS]

    def test_a_host_with_one_private_address_among_public_ones_is_refused(self):
        answers = {"mixed.example": [(PUBLIC_ADDRESS, "127.0.0.1")]}
        network = self.enterContext(FakeNetwork(answers, public_server=self.public))
        with pytest.raises(FetchError, match=r"non-public address \(127.0.0.1\)"):
            fetch(self.url("mixed.example"))
        assert network.connections == []

    def test_a_redirect_to_a_private_host_is_refused_before_connecting(self):
        targets = [
            self.url("intranet.example"),
            self.url("[::ffff:127.0.0.1]"),
            "http://169.254.169.254/latest/meta-data/",
        ]
        for target in targets:
            with self.subTest(target=target):
                self.public.serve("/moved", status=302, headers={"Location": target})
                answers = {"feeds.example": [PUBLIC_ADDRESS], "intranet.example": ["127.0.0.1"]}
                network = FakeNetwork(answers, public_server=self.public)
                with network, pytest.raises(FetchError, match="non-public address"):
                    fetch(self.url("feeds.example", "/moved"))
                assert network.connections == [PUBLIC_ADDRESS]
                assert self.loopback.requests == []

    def test_each_redirect_hop_connects_to_the_address_it_was_vetted_at(self):
        self.public.serve("/moved", status=301, headers={"Location": self.url("rebind.example")})
        answers = {"feeds.example": [PUBLIC_ADDRESS], "rebind.example": [PUBLIC_ADDRESS, "::1"]}
        network = self.enterContext(FakeNetwork(answers, public_server=self.public))
        fetched = fetch(self.url("feeds.example", "/moved"))
        assert fetched.url == self.url("rebind.example")
        assert fetched.content == FEED
        assert network.lookups == ["feeds.example", "rebind.example"]
        assert network.connections == [PUBLIC_ADDRESS, PUBLIC_ADDRESS]
        assert self.public.paths_requested() == ["/moved", "/feed.xml"]
        assert self.loopback.requests == []

    @override_settings(FETCH_ALLOW_PRIVATE_HOSTS=True)
    def test_private_hosts_when_allowed_are_fetched_from_the_address_looked_up(self):
        network = self.enterContext(FakeNetwork({"partner.lan": ["127.0.0.1", PUBLIC_ADDRESS]}))
        fetched = fetch(self.url("partner.lan"))
        assert fetched.content == b"loopback only"
        assert network.lookups == ["partner.lan"]
        assert network.connections == ["127.0.0.1"]


@override_settings(FETCH_ALLOW_PRIVATE_HOSTS=False)
class CheckUrlTests(SimpleTestCase):
    def test_refuses_private_ipv6_addresses_and_ipv6_addresses_carrying_private_ipv4_ones(self):
        hosts = [
            "[::1]",
            "[fe80::1]",
            "[fd00::1]",
            "[::ffff:127.0.0.1]",  # IPv4-mapped
            "[::ffff:a9fe:a9fe]",  # IPv4-mapped 169.254.169.254, written in hex
            "[::10.0.0.1]",  # IPv4-compatible
            "[2002:a9fe:a9fe::1]",  # 6to4 of 169.254.169.254
            "[64:ff9b::7f00:1]",  # NAT64 of 127.0.0.1
            "[64:ff9b:1::1]",  # NAT64 local use
        ]
        for host in hosts:
            with self.subTest(host=host), pytest.raises(FetchError, match="non-public address"):
                check_url(f"http://{host}/latest/meta-data/")

    def test_refuses_a_name_resolving_to_an_ipv4_mapped_private_address(self):
        self.enterContext(FakeNetwork({"mapped.example": ["::ffff:10.1.2.3"]}))
        with pytest.raises(FetchError, match=r"non-public address \(::ffff:10.1.2.3\)"):
            check_url("https://mapped.example/feed.xml")

    def test_returns_the_public_addresses_to_connect_to(self):
        hosts = {
            "93.184.216.34": "93.184.216.34",
            "[2606:4700:4700::1111]": "2606:4700:4700::1111",
            "[::ffff:93.184.216.34]": "::ffff:93.184.216.34",
            "[64:ff9b::5db8:d822]": "64:ff9b::5db8:d822",  # NAT64 of 93.184.216.34
        }
        for host, address in hosts.items():
            with self.subTest(host=host):
                addresses = check_url(f"https://{host}/feed.xml")
                assert [(sockaddr[0], sockaddr[1]) for *_, sockaddr in addresses] == [
                    (address, 443)
                ]


@override_settings(FETCH_ALLOW_PRIVATE_HOSTS=True)
class PinnedHttpsTests(SimpleTestCase):
    """HTTPS connects to the address looked up but verifies the certificate for the hostname."""

    def setUp(self):
        self.server = self.enterContext(LocalServer(certfile=TLS / "feeds-example.pem"))
        self.server.serve("/feed.xml", FEED)
        # The default context loads its trusted certificates from here (OpenSSL reads it).
        self.enterContext(mock.patch.dict(os.environ, {"SSL_CERT_FILE": str(TLS / "ca.pem")}))
        answers = {"feeds.example": ["127.0.0.1"], "other.example": ["127.0.0.1"]}
        self.network = self.enterContext(FakeNetwork(answers))

    def test_verifies_the_certificate_for_the_hostname_while_connecting_to_the_address(self):
        fetched = fetch(self.server.url("/feed.xml", host="feeds.example"))
        assert fetched.content == FEED
        assert self.network.connections == ["127.0.0.1"]
        assert self.server.requests[0].headers["Host"] == f"feeds.example:{self.server.port}"

    def test_refuses_a_certificate_for_another_hostname(self):
        with pytest.raises(FetchError, match="Hostname mismatch"):
            fetch(self.server.url("/feed.xml", host="other.example"))
        assert self.network.connections == ["127.0.0.1"]
        assert self.server.requests == []

    def test_refuses_a_certificate_from_an_untrusted_issuer(self):
        self.enterContext(mock.patch.dict(os.environ, {"SSL_CERT_FILE": os.devnull}))
        with pytest.raises(FetchError, match="certificate verify failed"):
            fetch(self.server.url("/feed.xml", host="feeds.example"))
        assert self.server.requests == []
