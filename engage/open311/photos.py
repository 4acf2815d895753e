"""Photos a FixMyStreet site posts as files, and photo addresses it names.

A file is taken only if Pillow reads it as an image of a kind cameras and phones make
(by its content; the name and the declared type are not trusted), within the size
limits; it is then drawn afresh as a JPEG, turned upright, at most 2048 pixels a side,
so nothing from the original file travels on: not its EXIF (GPS position, camera,
owner), not anything hidden after the image data. A `media_url` is kept as text and
never fetched: engage sits on a police network.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from engage.open311.models import ConcernMedia

MAX_BYTES = 10 * 1024 * 1024
# Bigger than any phone camera; a small file that would open to more is a trap
# (a "decompression bomb"), not a photo.
MAX_PIXELS = 60_000_000
LONGEST_SIDE = 2048
FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF"}  # MPO: the JPEG some phones write
# The multipart fields a photo may come in: `media` (one or several), and FixMyStreet's
# own `photo1`, `photo2`, ... Other files (FixMyStreet's `file_*` enquiry documents)
# are not photos and are not taken.
MAX_URL = 2000


class PhotoRefused(ValueError):
    """What is wrong with one file, said for the person who sent it."""


@dataclass(frozen=True)
class Photo:
    data: bytes
    width: int
    height: int

    def media(self) -> ConcernMedia:
        return ConcernMedia(
            kind="photo", data=self.data, content_type="image/jpeg", width=self.width, height=self.height
        )


def is_photo_field(name: str) -> bool:
    return name in ("media", "media[]", "photo") or (name.startswith("photo") and name[5:].isdigit())


def reencode(raw: bytes, name: str = "") -> Photo:
    # Pillow loads only when a photo comes: no worker pays for it at start (issue #20).
    from PIL import Image, ImageOps, UnidentifiedImageError

    label = f"'{name}'" if name else "the file"
    if len(raw) > MAX_BYTES:
        raise PhotoRefused(f"{label} is {len(raw) / 1048576:.1f} MB; a photo may be at most 10 MB")
    if not raw:
        raise PhotoRefused(f"{label} is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
            if image.format not in FORMATS:
                raise PhotoRefused(f"{label} is a {image.format} image; send a JPEG, PNG, WebP or GIF photo")
            if image.width * image.height > MAX_PIXELS:
                raise PhotoRefused(f"{label} is {image.width} × {image.height} pixels, more than a photo can be")
            image.load()
    except PhotoRefused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused(f"{label} is not an image engage can read; send a JPEG, PNG, WebP or GIF photo") from None
    except (OSError, SyntaxError, ValueError):
        raise PhotoRefused(f"{label} is a damaged or incomplete image") from None
    # Upright by its EXIF orientation, before the EXIF is left behind.
    upright = ImageOps.exif_transpose(image)
    if upright.mode in ("RGBA", "LA", "P", "PA"):
        upright = upright.convert("RGBA")
        flat = Image.new("RGB", upright.size, "white")
        flat.paste(upright, mask=upright.getchannel("A"))
        upright = flat
    else:
        upright = upright.convert("RGB")
    upright.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    out = io.BytesIO()
    # No exif=, no icc_profile=: a new file with only the pixels.
    upright.save(out, "JPEG", quality=85, optimize=True)
    return Photo(out.getvalue(), upright.width, upright.height)


def photos_from(files) -> list[Photo]:
    """Every photo in a request's files (werkzeug's MultiDict of FileStorage), checked
    and re-encoded; the first one refused raises PhotoRefused, naming it."""
    photos = []
    for field_name, storage in files.items(multi=True):
        if not is_photo_field(field_name):
            continue
        raw = storage.stream.read(MAX_BYTES + 1)
        photos.append(reencode(raw, storage.filename or field_name))
    return photos


def link_problem(url: str) -> str | None:
    if len(url) > MAX_URL:
        return f"is {len(url)} characters long; an address may be at most {MAX_URL}"
    if not url.lower().startswith(("https://", "http://")) or any(c.isspace() for c in url):
        return "must be an http or https address with no spaces"
    return None
