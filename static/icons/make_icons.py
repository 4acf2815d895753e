"""Draws the capture app's icons (a speech bubble on the brand blue) as PNG and SVG.

Plain Python, no imaging library: each pixel is sampled 4x4 and the shapes are
simple distance tests. Run from the repository root to regenerate:

    .venv/bin/python static/icons/make_icons.py
"""

import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
BRAND = (11, 60, 93)
WHITE = (255, 255, 255)


def _rounded_rect(x, y, x0, y0, x1, y1, r):
    cx, cy = min(max(x, x0 + r), x1 - r), min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r and x0 <= x <= x1 and y0 <= y <= y1


def _triangle(x, y, a, b, c):
    def side(p, q):
        return (x - q[0]) * (p[1] - q[1]) - (p[0] - q[0]) * (y - q[1])

    d1, d2, d3 = side(a, b), side(b, c), side(c, a)
    return not ((d1 < 0 or d2 < 0 or d3 < 0) and (d1 > 0 or d2 > 0 or d3 > 0))


def colour_at(x, y, maskable):
    """x, y in 0..1. The bubble sits inside the central 60% so a maskable crop keeps it."""
    if not maskable and not _rounded_rect(x, y, 0, 0, 1, 1, 0.18):
        return None
    s = 0.8 if maskable else 1.0  # maskable icons keep their content in the safe zone
    u, v = 0.5 + (x - 0.5) / s, 0.5 + (y - 0.5) / s
    for cx in (0.36, 0.5, 0.64):
        if (u - cx) ** 2 + (v - 0.45) ** 2 <= 0.05**2:
            return BRAND
    if _rounded_rect(u, v, 0.2, 0.24, 0.8, 0.66, 0.12) or _triangle(u, v, (0.3, 0.6), (0.46, 0.6), (0.28, 0.8)):
        return WHITE
    return BRAND


def png(size, maskable=False) -> bytes:
    n = 4
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(n):
                for sx in range(n):
                    c = colour_at((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size, maskable)
                    if c is not None:
                        acc[0] += c[0]
                        acc[1] += c[1]
                        acc[2] += c[2]
                        acc[3] += 255  # noqa: E702
            covered = acc[3] // 255
            if covered:
                row += bytes([acc[0] // covered, acc[1] // covered, acc[2] // covered, acc[3] // (n * n)])
            else:
                row += bytes(4)
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
<rect width="100" height="100" rx="18" fill="#0b3c5d"/>
<rect x="20" y="24" width="60" height="42" rx="12" fill="#fff"/>
<path d="M30 60h16l-18 20z" fill="#fff"/>
<circle cx="36" cy="45" r="5" fill="#0b3c5d"/><circle cx="50" cy="45" r="5" fill="#0b3c5d"/><circle cx="64" cy="45" r="5" fill="#0b3c5d"/>
</svg>
"""

if __name__ == "__main__":
    (HERE / "capture-192.png").write_bytes(png(192))
    (HERE / "capture-512.png").write_bytes(png(512))
    (HERE / "capture-maskable-512.png").write_bytes(png(512, maskable=True))
    (HERE / "capture.svg").write_text(SVG)
