"""Fetching an image named in a post without letting the post aim the server at itself (SSRF).

`fetch_image(url, client=...)`:
- http and https only, no user name or password in the URL;
- the host is resolved once (an injectable resolver, the system's by default) and refused if any
  address is not public — loopback, private, CGNAT, link-local, multicast, reserved, unspecified,
  documentation, and the IPv4-mapped, NAT64, 6to4 and Teredo forms of those; numeric hosts in the
  legacy forms browsers accept (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`) are read as the
  addresses they are;
- the request goes to the vetted address itself, with the original `Host` header and TLS server
  name (certificates are checked against the name), so a second DNS answer cannot rebind it;
- redirects are followed here, at most `max_redirects`, each target checked like the first;
- the body is capped at `max_bytes`, the whole exchange at `timeout` seconds, and the bytes must
  start like an allowed image format (`sniff_format`); the declared Content-Type is ignored.

Refusals by this policy raise `FetchRefused`; the network failing raises `FetchFailed`. Both carry
a short `reason` code and a `detail`. Give it a client of its own (`fetch_client()`): no
keep-alive, no proxies from the environment, no credentials.
"""

from __future__ import annotations

import asyncio
import re
import socket
import ssl
from collections.abc import Awaitable, Callable, Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from typing import Final

import httpx

from sotong.media.process import MAX_BYTES, sniff_format

IPAddress = IPv4Address | IPv6Address
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
"""(host, port) -> the addresses it resolves to, as text."""
AddressPolicy = Callable[[IPAddress], bool]
"""Whether a connection to this address is allowed."""

TIMEOUT: Final = 10.0
MAX_REDIRECTS: Final = 3
USER_AGENT: Final = "Sotong media fetcher"

_REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}

_DENIED_V4: Final = tuple(
    IPv4Network(network)
    for network in (
        "0.0.0.0/8",  # "this network", unspecified
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local, cloud metadata services
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast (deprecated)
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, broadcast
    )
)
_GLOBAL_UNICAST_V6: Final = IPv6Network("2000::/3")
_DENIED_V6: Final = tuple(
    IPv6Network(network)
    for network in (
        "2001::/23",  # IETF protocol assignments (Teredo, 2001::/32, is judged by what it embeds)
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation
    )
)
_NAT64: Final = IPv6Network("64:ff9b::/96")

_DECIMAL = re.compile(r"[0-9]+")
_OCTAL = re.compile(r"0[0-7]+")
_HEX = re.compile(r"0[xX][0-9a-fA-F]*")


class FetchError(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}" if self.detail else self.reason


class FetchRefused(FetchError):
    """The URL, an address it leads to, or what came back is not allowed: `scheme`, `bad_url`,
    `address`, `redirects`, `too_large`, `encoding`, `not_an_image`."""


class FetchFailed(FetchError):
    """The network did not deliver: `dns`, `connect`, `timeout`, `status`, `network`."""


def is_public_address(address: IPAddress) -> bool:
    """Whether `address` is a public unicast address (the default policy of `fetch_image`)."""
    if isinstance(address, IPv4Address):
        return not any(address in network for network in _DENIED_V4) and address.is_global
    embedded = address.ipv4_mapped
    if embedded is None:
        embedded = address.sixtofour
    if embedded is None and address in _NAT64:
        embedded = IPv4Address(int(address) & 0xFFFF_FFFF)
    if embedded is not None:
        return is_public_address(embedded)
    if address.teredo is not None:
        server, client = address.teredo
        return is_public_address(server) and is_public_address(client)
    if address not in _GLOBAL_UNICAST_V6 or any(address in network for network in _DENIED_V6):
        return False
    return address.is_global and not address.is_multicast


async def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the operating system resolves `host` to (`loop.getaddrinfo`)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def fetch_client(
    *, timeout: float = TIMEOUT, verify: ssl.SSLContext | bool = True
) -> httpx.AsyncClient:
    """A client suited to `fetch_image`: every connection used once (a pooled connection
    authenticated for one host must not carry another's request), no environment proxies."""
    return httpx.AsyncClient(
        timeout=timeout,
        verify=verify,
        trust_env=False,
        follow_redirects=False,
        limits=httpx.Limits(max_keepalive_connections=0),
        headers={"User-Agent": USER_AGENT},
    )


async def fetch_image(
    url: str,
    *,
    client: httpx.AsyncClient,
    resolver: Resolver = system_resolver,
    allow: AddressPolicy = is_public_address,
    max_bytes: int = MAX_BYTES,
    timeout: float = TIMEOUT,
    max_redirects: int = MAX_REDIRECTS,
) -> bytes:
    """The bytes of the image at `url`, fetched through the guard described in the module."""
    try:
        async with asyncio.timeout(timeout):
            return await _fetch(url, client, resolver, allow, max_bytes, timeout, max_redirects)
    except TimeoutError as exc:
        raise FetchFailed("timeout", f"no image from {url} within {timeout:g} s") from exc


async def _fetch(
    url: str,
    client: httpx.AsyncClient,
    resolver: Resolver,
    allow: AddressPolicy,
    max_bytes: int,
    timeout: float,
    max_redirects: int,
) -> bytes:
    try:
        current = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchRefused("bad_url", str(exc)) from exc
    for hop in range(max_redirects + 1):
        addresses = await _vetted_addresses(current, resolver, allow)
        response = await _connect(client, current, addresses, timeout)
        try:
            if response.status_code in _REDIRECTS:
                location = response.headers.get("location")
                if not location:
                    raise FetchFailed("status", f"{response.status_code} without a Location")
                try:
                    current = current.join(location)
                except (httpx.InvalidURL, ValueError) as exc:
                    raise FetchRefused("bad_url", f"redirect to {location!r}: {exc}") from exc
                if hop == max_redirects:
                    raise FetchRefused("redirects", f"more than {max_redirects} redirects")
                continue
            if response.status_code != 200:
                raise FetchFailed("status", f"HTTP {response.status_code} from {current}")
            body = await _read_capped(response, max_bytes)
        finally:
            await response.aclose()
        if sniff_format(body) is None:
            raise FetchRefused("not_an_image", f"{current} did not answer with an image")
        return body
    raise AssertionError("unreachable")  # pragma: no cover


async def _vetted_addresses(
    url: httpx.URL, resolver: Resolver, allow: AddressPolicy
) -> list[IPAddress]:
    if url.scheme not in _DEFAULT_PORTS:
        raise FetchRefused("scheme", f"{url.scheme or 'no'} scheme; only http and https")
    if url.userinfo:
        raise FetchRefused("bad_url", "user names and passwords are not allowed in image URLs")
    host = url.raw_host.decode("ascii")
    if not host:
        raise FetchRefused("bad_url", "no host")
    literal = _literal_address(host)
    if literal is not None:
        addresses = [literal]
    else:
        port = url.port or _DEFAULT_PORTS[url.scheme]
        try:
            resolved = await resolver(host, port)
        except OSError as exc:
            raise FetchFailed("dns", f"{host}: {exc}") from exc
        if not resolved:
            raise FetchFailed("dns", f"{host} has no address")
        addresses = []
        for text in resolved:
            try:
                address = ip_address(text)
            except ValueError as exc:
                raise FetchRefused("address", f"{host} resolved to {text!r}") from exc
            if address not in addresses:
                addresses.append(address)
    for address in addresses:
        if not allow(address):
            raise FetchRefused("address", f"{host} is {address}, not a public address")
    return addresses


def _literal_address(host: str) -> IPAddress | None:
    """The address a host written as an IP literal stands for; None for a name."""
    if ":" in host:
        try:
            return IPv6Address(host.replace("%25", "%"))
        except ValueError as exc:
            raise FetchRefused("bad_url", f"{host!r} is not an IPv6 address") from exc
    labels = host.split(".")
    if len(labels) > 1 and labels[-1] == "":
        labels.pop()
    if not (_DECIMAL.fullmatch(labels[-1]) or _HEX.fullmatch(labels[-1])):
        return None
    return _legacy_ipv4(host, labels)


def _legacy_ipv4(host: str, labels: list[str]) -> IPv4Address:
    """An IPv4 host in any form `inet_aton` and the URL standard accept (1 to 4 parts, each
    decimal, octal with a leading 0, or hexadecimal with 0x)."""
    numbers: list[int] = []
    for label in labels:
        if _HEX.fullmatch(label):
            numbers.append(int(label[2:] or "0", 16))
        elif _OCTAL.fullmatch(label):
            numbers.append(int(label, 8))
        elif _DECIMAL.fullmatch(label):
            numbers.append(int(label))
        else:
            raise FetchRefused("bad_url", f"{host!r} is neither a name nor an IPv4 address")
    if len(numbers) > 4 or any(number > 255 for number in numbers[:-1]):
        raise FetchRefused("bad_url", f"{host!r} is not an IPv4 address")
    if numbers[-1] >= 256 ** (5 - len(numbers)):
        raise FetchRefused("bad_url", f"{host!r} is not an IPv4 address")
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number << (8 * (3 - index))
    return IPv4Address(value)


async def _connect(
    client: httpx.AsyncClient, url: httpx.URL, addresses: list[IPAddress], timeout: float
) -> httpx.Response:
    host = url.raw_host.decode("ascii")
    is_name = _literal_address(host) is None
    headers = {
        "Host": url.netloc.decode("ascii"),
        "Accept": "image/*",
        "Accept-Encoding": "identity",
        "Connection": "close",
    }
    extensions = {"sni_hostname": host.rstrip(".")} if is_name and url.scheme == "https" else {}
    failure: Exception | None = None
    for address in addresses:
        request = client.build_request(
            "GET",
            url.copy_with(host=str(address)),
            headers=headers,
            extensions=extensions,
            timeout=httpx.Timeout(timeout),
        )
        try:
            return await client.send(request, stream=True, follow_redirects=False, auth=None)
        except httpx.ConnectError as exc:
            failure = exc
        except httpx.TimeoutException as exc:
            raise FetchFailed("timeout", f"{url}: {exc}") from exc
        except httpx.TransportError as exc:
            raise FetchFailed("network", f"{url}: {exc}") from exc
    raise FetchFailed("connect", f"{url}: {failure}") from failure


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """The body as sent (any Content-Encoding is refused first, so nothing is decompressed)."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise FetchRefused("encoding", f"the image came {encoding}-encoded")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchRefused("too_large", f"{int(declared):,} bytes; the limit is {max_bytes:,}")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise FetchRefused("too_large", f"more than {max_bytes:,} bytes")
            chunks.append(chunk)
    except httpx.TimeoutException as exc:
        raise FetchFailed("timeout", str(exc)) from exc
    except httpx.TransportError as exc:
        raise FetchFailed("network", str(exc)) from exc
    return b"".join(chunks)
