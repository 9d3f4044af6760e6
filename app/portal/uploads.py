"""Files applicants upload: PDF, JPEG or PNG, judged by their content (not their name), kept outside the web
root under their SHA-256 (the same file stored once), never served except through a route that checks who asks.

Config: UPLOAD_DIR (default instance/uploads), UPLOAD_MAX_BYTES (default 5 MB).
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from app.config import ROOT
from app.core.errors import ValidationFailed

# Content types Anju accepts, by their first bytes.
_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    content_type: str
    size: int
    filename: str

    def as_dict(self) -> dict:
        return {"sha256": self.sha256, "content_type": self.content_type, "size": self.size, "filename": self.filename}


def upload_dir() -> Path:
    configured = current_app.config.get("UPLOAD_DIR")
    return Path(configured) if configured else ROOT / "instance" / "uploads"


def max_bytes() -> int:
    return int(current_app.config.get("UPLOAD_MAX_BYTES") or DEFAULT_MAX_BYTES)


def max_request_mb() -> float:
    """What one request may carry in all (MAX_CONTENT_LENGTH), in MB: a page with several files can exceed it."""
    return round(int(current_app.config.get("MAX_CONTENT_LENGTH") or 0) / 1024 / 1024, 1)


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are, or None; images must also decode, a PDF must look whole."""
    kind = next((ctype for magic, ctype in _MAGIC if data.startswith(magic)), None)
    if kind == "application/pdf":
        return kind if b"%%EOF" in data[-1024:] else None
    if kind in IMAGE_TYPES:
        from PIL import Image  # Pillow comes with WeasyPrint

        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                fmt = image.format
        except Exception:  # a truncated or disguised file: Pillow says why, the applicant just needs "not valid"
            return None
        return kind if (fmt, kind) in (("JPEG", "image/jpeg"), ("PNG", "image/png")) else None
    return None


def check_and_store(upload: FileStorage | None, *, field: str, label: str) -> StoredFile | None:
    """Stores the file if it is an acceptable document; None if no file was chosen.

    Raises ValidationFailed on `field`, naming `label` and saying why (size, type)."""
    if upload is None or not upload.filename:
        return None
    limit = max_bytes()
    data = upload.stream.read(limit + 1)
    if not data:
        raise ValidationFailed({field: [_("%(label)s: the file is empty", label=label)]})
    if len(data) > limit:
        raise ValidationFailed(
            {field: [_("%(label)s: the file is larger than %(mb)s MB", label=label, mb=round(limit / 1024 / 1024, 1))]}
        )
    content_type = sniff(data)
    if content_type is None:
        raise ValidationFailed(
            {
                field: [
                    _(
                        "%(label)s: the file must be a PDF, JPG or PNG. This one is not, whatever its name says.",
                        label=label,
                    )
                ]
            }
        )
    digest = hashlib.sha256(data).hexdigest()
    path = path_of(digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written to a temporary name first: a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    name = os.path.basename(upload.filename.replace("\\", "/"))[:200]
    return StoredFile(sha256=digest, content_type=content_type, size=len(data), filename=name)


def path_of(sha256: str) -> Path:
    if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
        raise ValueError("not a SHA-256 digest")
    return upload_dir() / sha256[:2] / sha256


def read(sha256: str) -> bytes:
    return path_of(sha256).read_bytes()
