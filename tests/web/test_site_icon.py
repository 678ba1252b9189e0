"""The site icon: /favicon.ico answers with a real icon, and every page links it."""
from __future__ import annotations

import re
import struct


def test_favicon_is_a_real_icon_for_everyone(client):
    reply = client.get("/favicon.ico")  # signed out: browsers ask before anyone signs in
    assert reply.status_code == 200
    assert reply.mimetype == "image/vnd.microsoft.icon"
    data = reply.data
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1) and count >= 1  # an ICO directory of icons
    sizes = []
    for n in range(count):
        width, height, _, _, _, _, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * n:22 + 16 * n])
        image = data[offset:offset + length]
        assert image.startswith(b"\x89PNG\r\n\x1a\n") and len(image) == length
        assert struct.unpack(">II", image[16:24]) == (width, height)
        sizes.append(width)
    assert 16 in sizes and 32 in sizes


def test_pages_link_the_icons(client):
    page = client.get("/auth/login").text
    links = re.findall(r'<link rel="icon" href="([^"]+)"', page)
    assert "/favicon.ico" in links
    svg = next(link for link in links if link.partition("?")[0].endswith(".svg"))
    reply = client.get(svg)
    assert reply.status_code == 200 and reply.mimetype == "image/svg+xml"
    assert b"<svg" in reply.data
    reply.close()
