"""Plain helpers of the lab's tests (HTTP against the live server, who listens where)."""

from __future__ import annotations

import ipaddress
import json
import socket
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answer(req, timeout: float):
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            body, status = r.read(), r.status
    except urllib.error.HTTPError as e:
        body, status = e.read(), e.code
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body.decode("utf-8", "replace")


def get(url: str, timeout: float = 120.0):
    """(status, parsed JSON or text) of a GET; HTTP errors are answers too."""
    return _answer(url, timeout)


def post(url: str, data: bytes, timeout: float = 120.0):
    return _answer(urllib.request.Request(url, data=data, method="POST",
                                          headers={"Content-Type": "application/json"}), timeout)


def listening_addresses(port: int) -> list[str]:
    """Every local address with a TCP socket in LISTEN state on ``port``, read from /proc/net/tcp{,6}."""
    out = []
    for table, width in (("/proc/net/tcp", 4), ("/proc/net/tcp6", 16)):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            local, state = fields[1], fields[3]
            addr_hex, port_hex = local.split(":")
            if state != "0A" or int(port_hex, 16) != port:  # 0A = TCP_LISTEN
                continue
            raw = bytes.fromhex(addr_hex)
            # the kernel prints each 32-bit word in host (little-endian) order
            raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
            out.append(str(ipaddress.ip_address(raw)))
    return out
