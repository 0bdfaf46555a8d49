"""Where webhooks may go: public addresses only, unless the operator allows private ones.

The subscriber picks the URL, but the request leaves from inside our network: left open, a
webhook could reach the database, a cloud metadata service (169.254.169.254) or an admin
page on loopback (server-side request forgery). So a URL whose host is, or resolves to, a
private, loopback, link-local, multicast, reserved or unspecified address is refused when
subscribing, and again at delivery: there the address the socket actually connected to is
checked, so a DNS answer that changed in between (rebinding) is caught too. Redirects are
never followed, and proxies from the environment are not used (the peer must be the target).

LAUREL_WEBHOOK_ALLOW_PRIVATE_TARGETS turns the check off (an intranet installation, tests
that deliver to loopback).
"""

from __future__ import annotations

import ipaddress
import socket

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


class PrivateTarget(Exception):
    """The webhook URL leads to an address that is not public; str(e) says which."""


def private_targets_allowed() -> bool:
    return bool(getattr(settings, "LAUREL_WEBHOOK_ALLOW_PRIVATE_TARGETS", False))


# IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64, IPv4-compatible).
_EMBEDDING_IPV4 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("::/96"))


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:  # 2002::/16
        return ip.sixtofour
    if any(ip in network for network in _EMBEDDING_IPV4):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address; an IPv6 address that wraps an IPv4
    one (mapped, 6to4, NAT64, IPv4-compatible) is judged by the IPv4 address it wraps."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            ip = embedded
    return ip.is_global and not ip.is_multicast


def _refusal(host: str, address: str) -> PrivateTarget:
    shown = host if host == address else f"{host} ({address})"
    return PrivateTarget(
        f"The webhook URL points at a private or local address, {shown}; "
        "webhooks are delivered only to public addresses."
    )


def refuse_private_host(host: str, port: int | None = None) -> None:
    """Raise PrivateTarget if `host` is, or resolves to, an address that is not public.

    A name that does not resolve (yet) passes: delivery checks again where it connects.
    """
    if private_targets_allowed():
        return
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):  # RFC 6761: always loopback
        raise _refusal(host, "loopback")
    try:
        infos = socket.getaddrinfo(name, port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return
    for info in infos:
        address = str(info[4][0])
        if not is_public_address(address):
            raise _refusal(host, address)


def _check_peer(sock: socket.socket, host: str) -> None:
    address = str(sock.getpeername()[0])
    if not is_public_address(address):
        sock.close()
        raise _refusal(host, address)


class _GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _check_peer(sock, self.host)
        return sock


class _GuardedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _check_peer(sock, self.host)
        return sock


class _GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _PublicOnlyAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _GuardedHTTPConnectionPool,
            "https": _GuardedHTTPSConnectionPool,
        }


def delivery_session() -> requests.Session:
    """A session for one delivery: no proxies from the environment, public peers only
    (unless private targets are allowed). Callers pass allow_redirects=False."""
    session = requests.Session()
    session.trust_env = False
    if not private_targets_allowed():
        adapter = _PublicOnlyAdapter(max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
    return session
