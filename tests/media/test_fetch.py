"""The SSRF guard and the remote image fetcher.

Most tests run against a small HTTP(S) server on 127.0.0.1. The default policy refuses loopback, so
those tests pass `allow=loopback_only` and a resolver that names the fake server; the default policy
is checked separately against the same server (it must refuse it) and, for public addresses,
through `httpx.MockTransport`.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, ip_address
from pathlib import Path

import httpx
import pytest

from sotong.media.fetch import (
    FetchFailed,
    FetchRefused,
    IPAddress,
    fetch_client,
    fetch_image,
    is_public_address,
)
from tests.media import corpus

IMAGE = corpus.jpeg(64, 48)
PUBLIC_IP = "93.184.216.34"


def loopback_only(address: IPAddress) -> bool:
    """The test policy: only the fake server's address."""
    return address == IPv4Address("127.0.0.1")


def resolver_for(table: dict[str, Sequence[str]]) -> Callable[[str, int], Awaitable[list[str]]]:
    async def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(table[host])

    return resolve


async def never_resolve(host: str, port: int) -> list[str]:
    raise AssertionError(f"{host} should not have been resolved")


def response(
    status: int = 200, body: bytes = IMAGE, headers: dict[str, str] | None = None
) -> bytes:
    head = [f"HTTP/1.1 {status} X", "Connection: close"]
    fields = {"Content-Length": str(len(body)), **(headers or {})}
    head += [f"{name}: {value}" for name, value in fields.items() if value]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


Route = bytes | Callable[[asyncio.StreamWriter], Awaitable[None]]


@dataclass
class FakeServer:
    """HTTP/1.1, one request per connection; routes answer with raw bytes or a coroutine."""

    routes: dict[str, Route]
    ssl_context: ssl.SSLContext | None = None
    requests: list[Seen] = field(default_factory=list)
    port: int = 0
    _server: asyncio.Server | None = None
    _handlers: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._handle, "127.0.0.1", 0, ssl=self.ssl_context
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, *lines = head.decode("latin-1").split("\r\n")
            _method, path, _version = request_line.split(" ")
            headers = {}
            for line in lines:
                name, _, value = line.partition(":")
                if name:
                    headers[name.strip().lower()] = value.strip()
            self.requests.append(Seen(path, headers))
            route = self.routes.get(path, response(404, b"not here"))
            if isinstance(route, bytes):
                writer.write(route)
                await writer.drain()
            else:
                await route(writer)
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            pass
        finally:
            self._handlers.discard(task)
            writer.close()


async def hang(writer: asyncio.StreamWriter) -> None:
    await asyncio.Event().wait()


async def headers_then_hang(writer: asyncio.StreamWriter) -> None:
    writer.write(response(body=b"")[:-4].replace(b"Content-Length: 0", b"Content-Length: 9999"))
    writer.write(b"\r\n\r\n" + IMAGE[:100])
    await writer.drain()
    await asyncio.Event().wait()


async def endless_chunks(writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = IMAGE[:4096]
    for _ in range(100):
        writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        await writer.drain()
    writer.write(b"0\r\n\r\n")
    await writer.drain()


def redirect(location: str, status: int = 302) -> bytes:
    return response(status, b"", {"Location": location})


ROUTES: dict[str, Route] = {
    "/photo.jpg": response(headers={"Content-Type": "image/jpeg"}),
    "/mislabelled": response(headers={"Content-Type": "text/html"}),
    "/html-as-jpeg": response(
        body=corpus.html_renamed_jpg(), headers={"Content-Type": "image/jpeg"}
    ),
    "/svg": response(body=corpus.svg_with_script(), headers={"Content-Type": "image/svg+xml"}),
    "/r1": redirect("/photo.jpg"),
    "/r2": redirect("/r1", 301),
    "/r3": redirect("/r2", 307),
    "/r4": redirect("/r3", 308),
    "/to-metadata": redirect("http://169.254.169.254/latest/meta-data/"),
    "/to-internal-name": redirect("http://intranet.example/"),
    "/to-file": redirect("file:///etc/passwd"),
    "/no-location": response(302, b""),
    "/missing": response(404, b"gone"),
    "/error": response(500, b"oops"),
    "/huge-declared": response(body=IMAGE, headers={"Content-Length": str(10**9)}),
    "/endless": endless_chunks,
    "/gzip": response(headers={"Content-Encoding": "gzip"}),
    "/hang": hang,
    "/drip": headers_then_hang,
}


@pytest.fixture
async def server() -> AsyncIterator[FakeServer]:
    fake = FakeServer(ROUTES)
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with fetch_client() as fetcher:
        yield fetcher


async def fetch_from(
    server: FakeServer, client: httpx.AsyncClient, path: str, **options: object
) -> bytes:
    resolver = resolver_for({"images.example": ["127.0.0.1"], "intranet.example": ["10.0.0.7"]})
    settings: dict[str, object] = {"resolver": resolver, "allow": loopback_only, **options}
    return await fetch_image(
        f"http://images.example:{server.port}{path}",
        client=client,
        **settings,  # type: ignore[arg-type]
    )


# --- the address policy ---------------------------------------------------------------------------

PUBLIC = [
    "93.184.216.34",
    "8.8.8.8",
    "1.1.1.1",
    "2606:4700:4700::1111",
    "2001:4860:4860::8888",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
]
NOT_PUBLIC = [
    "127.0.0.1",
    "127.255.255.254",
    "169.254.169.254",
    "0.0.0.0",
    "0.1.2.3",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "100.64.0.1",
    "100.127.255.254",
    "192.0.0.8",
    "192.0.2.1",
    "192.88.99.1",
    "198.18.0.1",
    "198.51.100.1",
    "203.0.113.1",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::ffff:0.0.0.0",
    "2002::",
    "::127.0.0.1",
    "fc00::1",
    "fd00:ec2::254",
    "fe80::1",
    "fec0::1",
    "ff02::1",
    "ff0e::1",
    "2002:7f00:1::",
    "2002:a00:1::1",
    "2002:a9fe:a9fe::",
    "64:ff9b::7f00:1",
    "64:ff9b::a9fe:a9fe",
    "64:ff9b:1::1",
    "2001:db8::1",
    "3fff::1",
    "2001:0:4136:e378:8000:63bf:80ff:fffe",
    "2001:2::1",
    "100::1",
    "5f00::1",
]


@pytest.mark.parametrize("text", PUBLIC)
def test_public_addresses_are_allowed(text: str) -> None:
    assert is_public_address(ip_address(text))


@pytest.mark.parametrize("text", NOT_PUBLIC)
def test_internal_addresses_are_refused(text: str) -> None:
    assert not is_public_address(ip_address(text))


# --- URLs refused before any connection -----------------------------------------------------------


def unreachable_client() -> httpx.AsyncClient:
    def fail(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"no request should be sent, got {request.url}")

    return httpx.AsyncClient(transport=httpx.MockTransport(fail))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.0.0.1:8080/a.jpg",
        "http://169.254.169.254/latest/meta-data/",
        "https://169.254.169.254/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "http://0.0.0.0/",
        "http://0/",
        "http://10.0.0.1/",
        "http://172.16.0.1/",
        "http://192.168.0.1/",
        "http://100.64.0.1/",
        "http://[fc00::1]/",
        "http://[fd00:ec2::254]/",
        "http://[fe80::1]/",
        "http://[2002:7f00:1::]/",
        "http://[64:ff9b::7f00:1]/",
        "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://0x7f.1/",
        "http://0177.0.0.1/",
        "http://017700000001/",
        "http://127.1/",
        "http://127.0.0.1./",
        "http://0xa9.0xfe.0xa9.0xfe/",
        "http://example.com@127.0.0.1/",
    ],
)
async def test_internal_literals_are_refused_without_dns(url: str) -> None:
    async with unreachable_client() as client:
        with pytest.raises(FetchRefused) as caught:
            await fetch_image(url, client=client, resolver=never_resolve)
    assert caught.value.reason in {"address", "bad_url"}


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://images.example/a.jpg", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("gopher://127.0.0.1:6379/_INFO", "scheme"),
        ("data:image/png;base64,iVBORw0KGgo=", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("/relative.jpg", "scheme"),
        ("http://user:secret@images.example/a.jpg", "bad_url"),
        ("http://256.0.0.1/", "bad_url"),
        ("http://1.2.3.4.5/", "bad_url"),
        ("http://0x100000000/", "bad_url"),
        ("http://10.0.0.0x/", "address"),
        ("http://images.0x1g/", None),
        ("http://example.123/", "bad_url"),
        ("http://[::1/", "bad_url"),
        ("http:///a.jpg", "bad_url"),
    ],
)
async def test_malformed_and_foreign_urls_are_refused(url: str, reason: str | None) -> None:
    async with unreachable_client() as client:
        with pytest.raises((FetchRefused, FetchFailed)) as caught:
            await fetch_image(url, client=client, resolver=resolver_for({}))
    if reason is not None:
        assert isinstance(caught.value, FetchRefused)
        assert caught.value.reason == reason, caught.value


async def test_a_name_resolving_to_a_private_address_is_refused() -> None:
    resolver = resolver_for(
        {
            "evil.example": ["10.0.0.5"],
            "mixed.example": [PUBLIC_IP, "127.0.0.1"],
            "ula.example": ["fd12:3456::1"],
            "metadata.example": ["169.254.169.254"],
        }
    )
    async with unreachable_client() as client:
        for host in ("evil.example", "mixed.example", "ula.example", "metadata.example"):
            with pytest.raises(FetchRefused) as caught:
                await fetch_image(f"https://{host}/a.jpg", client=client, resolver=resolver)
            assert caught.value.reason == "address"


async def test_resolver_failures() -> None:
    async def empty(host: str, port: int) -> list[str]:
        return []

    async def garbage(host: str, port: int) -> list[str]:
        return ["not an address"]

    async with unreachable_client() as client:
        with pytest.raises(FetchFailed) as failed:
            await fetch_image("http://nowhere.example/", client=client, resolver=resolver_for({}))
        assert failed.value.reason == "dns"
        with pytest.raises(FetchFailed) as failed:
            await fetch_image("http://nowhere.example/", client=client, resolver=empty)
        assert failed.value.reason == "dns"
        with pytest.raises(FetchRefused) as refused:
            await fetch_image("http://nowhere.example/", client=client, resolver=garbage)
        assert refused.value.reason == "address"


# --- the default policy against the real fake server ----------------------------------------------


async def test_default_policy_refuses_the_local_server(
    server: FakeServer, client: httpx.AsyncClient
) -> None:
    for url in (
        f"http://127.0.0.1:{server.port}/photo.jpg",
        f"http://localhost:{server.port}/photo.jpg",
        f"http://2130706433:{server.port}/photo.jpg",
        f"http://[::ffff:127.0.0.1]:{server.port}/photo.jpg",
    ):
        with pytest.raises(FetchRefused) as caught:
            await fetch_image(url, client=client)
        assert caught.value.reason == "address"
    assert server.requests == []


# --- fetching -------------------------------------------------------------------------------------


async def test_fetches_an_image(server: FakeServer, client: httpx.AsyncClient) -> None:
    assert await fetch_from(server, client, "/photo.jpg") == IMAGE
    (seen,) = server.requests
    assert seen.path == "/photo.jpg"
    assert seen.headers["host"] == f"images.example:{server.port}"
    assert seen.headers["accept-encoding"] == "identity"
    assert seen.headers["connection"] == "close"


async def test_content_is_sniffed_not_trusted(
    server: FakeServer, client: httpx.AsyncClient
) -> None:
    assert await fetch_from(server, client, "/mislabelled") == IMAGE
    for path in ("/html-as-jpeg", "/svg"):
        with pytest.raises(FetchRefused) as caught:
            await fetch_from(server, client, path)
        assert caught.value.reason == "not_an_image"


async def test_redirects_are_followed_up_to_three(
    server: FakeServer, client: httpx.AsyncClient
) -> None:
    assert await fetch_from(server, client, "/r3") == IMAGE
    assert [seen.path for seen in server.requests] == ["/r3", "/r2", "/r1", "/photo.jpg"]
    server.requests.clear()
    with pytest.raises(FetchRefused) as caught:
        await fetch_from(server, client, "/r4")
    assert caught.value.reason == "redirects"
    assert [seen.path for seen in server.requests] == ["/r4", "/r3", "/r2", "/r1"]
    assert await fetch_from(server, client, "/r4", max_redirects=4) == IMAGE


@pytest.mark.parametrize(
    ("path", "reason"),
    [("/to-metadata", "address"), ("/to-internal-name", "address"), ("/to-file", "scheme")],
)
async def test_every_redirect_is_checked(
    server: FakeServer, client: httpx.AsyncClient, path: str, reason: str
) -> None:
    with pytest.raises(FetchRefused) as caught:
        await fetch_from(server, client, path)
    assert caught.value.reason == reason
    assert [seen.path for seen in server.requests] == [path]


async def test_http_errors(server: FakeServer, client: httpx.AsyncClient) -> None:
    for path in ("/missing", "/error", "/no-location"):
        with pytest.raises(FetchFailed) as caught:
            await fetch_from(server, client, path)
        assert caught.value.reason == "status"


async def test_size_is_capped(server: FakeServer, client: httpx.AsyncClient) -> None:
    for path in ("/huge-declared", "/endless"):
        with pytest.raises(FetchRefused) as caught:
            await fetch_from(server, client, path, max_bytes=10_000)
        assert caught.value.reason == "too_large"


async def test_encoded_bodies_are_refused(server: FakeServer, client: httpx.AsyncClient) -> None:
    with pytest.raises(FetchRefused) as caught:
        await fetch_from(server, client, "/gzip")
    assert caught.value.reason == "encoding"


@pytest.mark.parametrize("path", ["/hang", "/drip"])
async def test_time_is_capped(server: FakeServer, client: httpx.AsyncClient, path: str) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(FetchFailed) as caught:
        await fetch_from(server, client, path, timeout=0.3)
    assert caught.value.reason == "timeout"
    assert loop.time() - started < 2


async def test_connection_refused(client: httpx.AsyncClient) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    resolver = resolver_for({"images.example": ["127.0.0.1"]})
    with pytest.raises(FetchFailed) as caught:
        await fetch_image(
            f"http://images.example:{port}/a.jpg",
            client=client,
            resolver=resolver,
            allow=loopback_only,
        )
    assert caught.value.reason == "connect"


async def test_dns_is_asked_once_and_the_vetted_address_is_used(
    server: FakeServer, client: httpx.AsyncClient
) -> None:
    """DNS rebinding: a second lookup would say 10.0.0.1; there must be no second lookup."""
    answers = [["127.0.0.1"]]
    calls: list[str] = []

    async def rebinding(host: str, port: int) -> list[str]:
        calls.append(host)
        return answers.pop() if answers else ["10.0.0.1"]

    data = await fetch_image(
        f"http://rebind.example:{server.port}/photo.jpg",
        client=client,
        resolver=rebinding,
        allow=loopback_only,
    )
    assert data == IMAGE
    assert calls == ["rebind.example"]


# --- the request on the wire, to public addresses (MockTransport) ---------------------------------


def recording_client(
    answer: Callable[[httpx.Request], httpx.Response], seen: list[httpx.Request]
) -> httpx.AsyncClient:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer(request)

    return httpx.AsyncClient(transport=httpx.MockTransport(handler), auth=("admin", "secret"))


async def test_request_goes_to_the_vetted_address_with_the_original_name() -> None:
    seen: list[httpx.Request] = []
    resolver = resolver_for({"cdn.example": [PUBLIC_IP]})
    async with recording_client(lambda request: httpx.Response(200, content=IMAGE), seen) as c:
        data = await fetch_image(
            "https://cdn.example:8443/photos/a.jpg?size=large", client=c, resolver=resolver
        )
    assert data == IMAGE
    (request,) = seen
    assert str(request.url) == f"https://{PUBLIC_IP}:8443/photos/a.jpg?size=large"
    assert request.headers["host"] == "cdn.example:8443"
    assert request.extensions["sni_hostname"] == "cdn.example"
    assert "authorization" not in request.headers
    assert request.headers["accept-encoding"] == "identity"


async def test_ipv6_addresses_are_bracketed() -> None:
    seen: list[httpx.Request] = []
    resolver = resolver_for({"cdn.example": ["2606:4700:4700::1111"]})
    async with recording_client(lambda request: httpx.Response(200, content=IMAGE), seen) as c:
        await fetch_image("http://cdn.example/a.jpg", client=c, resolver=resolver)
    assert str(seen[0].url) == "http://[2606:4700:4700::1111]/a.jpg"
    assert seen[0].headers["host"] == "cdn.example"
    assert "sni_hostname" not in seen[0].extensions


async def test_a_public_redirect_to_loopback_is_refused() -> None:
    seen: list[httpx.Request] = []
    resolver = resolver_for({"cdn.example": [PUBLIC_IP]})
    answer = httpx.Response(302, headers={"Location": "http://127.0.0.1/admin"})
    async with recording_client(lambda request: answer, seen) as c:
        with pytest.raises(FetchRefused) as caught:
            await fetch_image("https://cdn.example/a.jpg", client=c, resolver=resolver)
    assert caught.value.reason == "address"
    assert len(seen) == 1


async def test_next_address_is_tried_when_one_does_not_answer() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.host == PUBLIC_IP:
            raise httpx.ConnectError("unreachable", request=request)
        return httpx.Response(200, content=IMAGE)

    resolver = resolver_for({"cdn.example": [PUBLIC_IP, "2606:4700:4700::1111"]})
    async with recording_client(answer, seen) as c:
        assert await fetch_image("https://cdn.example/a.jpg", client=c, resolver=resolver) == IMAGE
    assert [request.url.host for request in seen] == [PUBLIC_IP, "2606:4700:4700::1111"]


def test_fetch_client_settings() -> None:
    client = fetch_client()
    assert client.follow_redirects is False
    assert client.trust_env is False


# --- TLS: the certificate is checked against the name, not the address ----------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "2", "-subj", "/CN=images.example",
            "-addext", "subjectAltName=DNS:images.example",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
async def tls_server(certificate: tuple[Path, Path]) -> AsyncIterator[tuple[FakeServer, list[str]]]:
    names: list[str] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)

    def remember(connection: ssl.SSLObject, name: str | None, _: ssl.SSLContext) -> None:
        names.append(name or "")

    context.sni_callback = remember
    fake = FakeServer(ROUTES, ssl_context=context)
    await fake.start()
    yield fake, names
    await fake.stop()


async def test_https_sends_the_name_and_verifies_it(
    tls_server: tuple[FakeServer, list[str]], certificate: tuple[Path, Path]
) -> None:
    server, names = tls_server
    trust = ssl.create_default_context(cafile=str(certificate[0]))
    resolver = resolver_for({"images.example": ["127.0.0.1"], "other.example": ["127.0.0.1"]})
    async with fetch_client(verify=trust) as client:
        data = await fetch_image(
            f"https://images.example:{server.port}/photo.jpg",
            client=client,
            resolver=resolver,
            allow=loopback_only,
        )
        assert data == IMAGE
        assert names == ["images.example"]
        assert server.requests[0].headers["host"] == f"images.example:{server.port}"

        with pytest.raises(FetchFailed) as caught:
            await fetch_image(
                f"https://other.example:{server.port}/photo.jpg",
                client=client,
                resolver=resolver,
                allow=loopback_only,
            )
        assert caught.value.reason == "connect"
        assert "certificate" in str(caught.value).lower()
    with contextlib.suppress(ValueError):
        names.remove("other.example")
    assert len(server.requests) == 1
