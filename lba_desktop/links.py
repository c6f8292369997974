"""The one link policy: what text from the upstream (or typed) may become a link that is shown,
opened, exported or encoded in a QR code. Only http, https, mailto and tel; anything else
(`javascript:`, `file:`, `data:`, a `\\\\host\\share` path, a relative path) stays plain text."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SCHEMES: tuple[str, ...] = ("http", "https", "mailto", "tel")
WEB_SCHEMES: tuple[str, ...] = ("http", "https")
MAX_LINK_LENGTH = 2000  # what browsers, spreadsheets and a QR code all take

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# Inside a link: no whitespace or control character (browsers drop tabs and newlines, which is
# how « java\tscript: » gets through), no backslash (« http:\\host » and UNC paths), no quote
# or angle bracket (nothing legitimate needs them unescaped).
_FORBIDDEN = re.compile(
    "[\x00-\x20\x7f-\x9f\\\\\"'<>`\u00a0\u2028\u2029\u200b-\u200f\u202a-\u202e]"
)
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&*+/=?^_{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")
_PHONE = re.compile(r"^\+?[0-9][0-9.\- ()]{2,30}$")


def safe_link(text: str | None) -> str | None:
    """`text` as a link that may be shown, opened or encoded, or None when it must stay text."""
    link = (text or "").strip()
    if not link or len(link) > MAX_LINK_LENGTH or _FORBIDDEN.search(link):
        return None
    match = _SCHEME.match(link)
    if match is None:
        return None
    scheme = match.group(1).lower()
    rest = link[match.end() :]
    if scheme in WEB_SCHEMES:
        return _web(scheme, rest)
    if scheme == "mailto":
        return f"mailto:{rest}" if _ADDRESS.match(rest) else None
    if scheme == "tel":
        return f"tel:{rest}" if _PHONE.match(rest) else None
    return None


def web_link(text: str | None) -> str | None:
    """An http(s) link only (a website field, « Postuler », a QR code), else None."""
    link = safe_link(text)
    return link if link is not None and link.split(":", 1)[0] in WEB_SCHEMES else None


def mailto_link(address: str | None) -> str | None:
    """`mailto:` for a plain e-mail address (no header, no attachment), else None."""
    text = (address or "").strip()
    return safe_link(f"mailto:{text}") if text and ":" not in text else None


def tel_link(phone: str | None) -> str | None:
    """`tel:` for a phone number written with digits, spaces, dots, dashes or a leading +."""
    text = (phone or "").strip()
    return safe_link(f"tel:{text.replace(' ', '')}") if text else None


def is_email_address(text: str | None) -> bool:
    """An address that can go in an e-mail header as it is (no line break, no second one)."""
    return mailto_link(text) is not None


def _web(scheme: str, rest: str) -> str | None:
    if not rest.startswith("//"):
        return None  # « http:evil » or « https:/x »: browsers guess, we do not
    try:
        parts = urlsplit(f"{scheme}:{rest}")
        host = parts.hostname
        port = parts.port  # raises ValueError on a port that is not a number
    except ValueError:
        return None
    if not host or parts.username is not None or parts.password is not None:
        # No host (« http:///etc/passwd ») or credentials, which hide the real host
        # (« https://service-public.fr@evil.example »).
        return None
    if port == 0:
        return None
    return f"{scheme}:{rest}"
