"""How many failed log-ins an account may have from an address: the rules, as pure functions.

A school's pupils reach us from one address (the school's router), all at the start of a lesson,
so what is limited is failures of one account from one address, never log-ins per address: a class
is never held back, and a pupil mistyping a classmate's name cannot lock out the whole school. Only
failures count. While an account is held back from an address its right password is refused too,
or guessing could go on. The counting lives in studyflow.login_guard.
"""

from __future__ import annotations

import ipaddress
import math
import re
from dataclasses import dataclass

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400}


@dataclass(frozen=True)
class Rate:
    """So many (failed log-ins, quiz commands) per so many seconds."""

    allowed: int
    seconds: int


def parse_rate(text: str) -> Rate:
    """'10/min' -> Rate(10, 60). The period is read by its first letter, as DRF's throttles read
    it: s(econd), m(inute), h(our), d(ay)."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*([a-zA-Z]+)\s*", text)
    if not match or match.group(2)[0].lower() not in _UNITS or int(match.group(1)) < 1:
        raise ValueError(
            f"a rate looks like 10/min (per second, minute, hour or day), not {text!r}"
        )
    return Rate(int(match.group(1)), _UNITS[match.group(2)[0].lower()])


def client_address(remote_addr: str | None, forwarded_for: str | None, proxies: int) -> str:
    """The address a request came from. Behind `proxies` trusted proxies, each appending the
    address it saw to X-Forwarded-For, it is the one the outermost of them saw; whatever a client
    wrote there itself comes before that and is ignored."""
    hops = [hop.strip() for hop in (forwarded_for or "").split(",") if hop.strip()]
    if proxies > 0 and len(hops) >= proxies:
        return hops[-proxies]
    return remote_addr or "unknown"


def address_group(address: str) -> str:
    """The unit an address counts in: an IPv6 address by its /64 network (one machine may hold
    a whole /64 and pick a new address for every try), anything else as it is."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        if not ip.is_loopback:
            return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def window(now: float, rate: Rate) -> tuple[int, int]:
    """(the number of the fixed window `now` falls in, whole seconds until it ends)."""
    index = math.floor(now / rate.seconds)
    return index, max(1, math.ceil((index + 1) * rate.seconds - now))


def held_back(counted: int, rate: Rate) -> bool:
    """After counting this try: is it one more than the window allows?"""
    return counted > rate.allowed


def wait_text(seconds: int) -> str:
    if seconds < 90:
        return "1 second" if seconds == 1 else f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


def wait_then_try_again(seconds: int | None) -> str:
    """How long to wait, as the pages and the API's 429s say it; without a time, just later."""
    if not seconds:
        return "Try again later."
    return f"Wait {wait_text(seconds)}, then try again."
