"""Hostile strings an upstream stand-in (or a tired typist) sends, written here for the tests."""

from __future__ import annotations

# Links that must never become a link anywhere (shown as text only).
BAD_LINKS: tuple[str, ...] = (
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "file:///etc/passwd",
    "FILE://C:/Windows/System32/calc.exe",
    "\\\\host\\share\\payload.exe",
    "//host/share/payload.exe",
    "http:\\\\host\\share",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "smb://host/share",
    "ms-msdt:/id PCWDiagnostic",
    "https://service-public.fr@evil.example/",
    "http:///etc/passwd",
    "https:evil.example",
    "/etc/passwd",
    "C:\\Windows\\System32\\calc.exe",
    "mailto:x@y.fr?attach=/etc/passwd",
    "tel:javascript:alert(1)",
    'https://ok.fr/"onmouseover="alert(1)',
    "https://ok.fr/\u202egpj.exe",
)
# Links that are fine and must stay clickable.
GOOD_LINKS: tuple[str, ...] = (
    "https://www.onisep.fr/ressources/univers-formation/formations/cap-boulanger",
    "http://cfa-aurillac.fr/inscription?x=1&y=2",
    "mailto:contact@cfa-aurillac.fr",
    "tel:+33471000000",
)
# Text that breaks outputs: controls, terminal escapes, HTML and script-template payloads.
ANSI = "\x1b[31mROUGE\x1b[0m\x1b]0;titre\x07\x9b2J"
CONTROL = "nom\x00avec\x01des\x08controles\x0b\x0c\x1f\x7f"
HTML = '<img src=x onerror="window.__pwned=1">'
SCRIPT_TEMPLATE = "${window.__pwned=1}`;window.__pwned=1;`\\`"
BIDI = "facture\u202egpj.exe"
MEGABYTE = "é" * 1_000_000
