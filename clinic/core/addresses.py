"""Which address a request came from: one answer for the audit (RecordView, auditlog's LogEntry), the
rate limits' count per address and the sign-in lockout (django-axes, AXES_CLIENT_IP_CALLABLE).

REMOTE_ADDR, unless settings.TRUSTED_PROXY_COUNT says how many proxies of ours (the load balancer,
...) stand in front of the web processes: then the hop the outermost of them saw, the Nth entry
from the right of X-Forwarded-For (each proxy appends the address it was reached from; anything to
the left of that was written by the client and is not believed). One function, so that a lock, a
limit and an audit row of one request never name different people.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address in its normal spelling (an IPv4-mapped IPv6 address as IPv4), or
    None when the address to believe is not an IP address."""
    address = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if hops:
            address = hops[-proxies] if len(hops) >= proxies else hops[0]
    try:
        # A zone ("fe80::1%eth0") names the proxy's interface, not the client.
        ip = ipaddress.ip_address(address.strip().split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)
