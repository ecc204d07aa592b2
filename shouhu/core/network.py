"""Where a request comes from: the client's address, behind a reverse proxy too.

Behind the proxy every request arrives from the proxy's own address; the client's address is in
the `X-Forwarded-For` header the proxy adds. That header is believed only when the request
came from an address in SHOUHU_TRUSTED_PROXIES: anyone else could write any address into it.
The header is read from the right (the entry the last proxy added) past every trusted proxy;
the first address that is not a trusted proxy is the client. What a client wrote further left
is never read, so it cannot choose its own address.

Used by the login throttle (django-axes' AXES_CLIENT_IP_CALLABLE) and by the access log.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(address in network for network in settings.SHOUHU_TRUSTED_PROXIES)


def _parsed(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_address(request: HttpRequest | None) -> str | None:
    """The client's IP address, or None when the request has none."""
    if request is None:
        return None
    remote = _parsed(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    if not _trusted(remote):
        return str(remote)
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = remote
    for hop in reversed(hops):
        address = _parsed(hop)
        if address is None:
            break  # a trusted proxy passed on garbage: go no further left
        client = address
        if not _trusted(address):
            break
    return str(client)
