"""Who is asking: the client's address, trusting ``X-Forwarded-For`` only from our proxies.

Every part of the project that counts requests per address (the login lockout of
django-axes through ``AXES_CLIENT_IP_CALLABLE``, the API's rate limits through
:class:`ClientRateThrottle`) asks :func:`client_ip`, so none of them believes a header
the client wrote itself.

``settings.TRUSTED_PROXIES`` (``PACESETTER_TRUSTED_PROXIES``: addresses or networks,
comma-separated) lists the reverse proxies in front of the server. The peer of the
connection (``REMOTE_ADDR``) is the client unless it is one of them; only then is
``X-Forwarded-For`` read, from its right end (the hop the proxy itself added) leftwards,
skipping further trusted proxies: the first address that is not one is the client.
Empty (the default): ``REMOTE_ADDR`` only, the header is ignored.

django-ipware's own ``proxy_trusted_ips`` is not used for this: it compares the trusted
list with the trailing entries of the header, not with the peer, so a client that writes
a proxy's address at the end of its own header passes as that proxy.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from ninja.throttling import AnonRateThrottle

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(entries: list[str] | tuple[str, ...]) -> tuple[Network, ...]:
    """The trusted proxies as networks (a bare address is a /32 or /128); a wrong entry
    stops start-up with its text, rather than trusting too much or nothing."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"PACESETTER_TRUSTED_PROXIES: {entry!r} is not an IP address or network."
            ) from exc
    return tuple(networks)


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(entries)


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's address (see the module's text); ``REMOTE_ADDR`` when in doubt."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    peer = _address(remote)
    if peer is None or not networks or not _trusted(peer, networks):
        return str(peer) if peer is not None else remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    client = peer
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        address = _address(hop)
        if address is None:
            break  # a garbled entry: nothing to its left can be believed
        client = address
        if not _trusted(address, networks):
            break
    return str(client)


class ClientRateThrottle(AnonRateThrottle):
    """django-ninja's per-address rate limit, with the address from :func:`client_ip`
    (ninja's own reads the whole ``X-Forwarded-For`` a client sends)."""

    def get_ident(self, request: HttpRequest) -> str | None:
        return client_ip(request)
