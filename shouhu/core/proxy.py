"""The reverse proxy's word on the scheme, believed only from the proxy.

Behind nginx every request reaches gunicorn as plain HTTP; nginx says the browser used HTTPS in
`X-Forwarded-Proto`, and SECURE_PROXY_SSL_HEADER lets Django believe it (no redirect loop, HSTS
sent, the CSRF check compares like with like). Anyone who reaches the server directly could
send the same header: from an address outside SHOUHU_TRUSTED_PROXIES it is removed before
Django reads it, as `shouhu.core.network` ignores such a sender's `X-Forwarded-For`.
"""

import ipaddress

from django.conf import settings


def from_trusted_proxy(remote_addr: str) -> bool:
    try:
        address = ipaddress.ip_address(remote_addr.strip())
    except ValueError:
        return False
    return any(address in network for network in settings.SHOUHU_TRUSTED_PROXIES)


class TrustedProxyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "HTTP_X_FORWARDED_PROTO" in request.META and not from_trusted_proxy(
            request.META.get("REMOTE_ADDR") or ""
        ):
            del request.META["HTTP_X_FORWARDED_PROTO"]
        return self.get_response(request)
