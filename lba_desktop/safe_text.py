"""Untrusted text made fit for each output: terminal, spreadsheet, PDF, HTML inside a script;
long fields cut for display (the whole text stays in the data)."""

from __future__ import annotations

import html
import json
import re

# C0 controls but tab and newline, DEL and C1 controls: nothing a reader needs, and ESC / CSI
# start the terminal sequences that recolour, move the cursor or retitle a window.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# For a terminal also: zero-width and bidirectional overrides (a name shown reversed), lone
# surrogates (unprintable), and tab/newline, which would break a table's columns.
_TERMINAL_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# What XML 1.0 (so an XLSX cell) cannot hold at all: openpyxl refuses the whole workbook.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Escaped inside a JSON document shown on a terminal: valid JSON, same decoded value.
_JSON_TERMINAL = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

ELLIPSIS = "…"
XLSX_CELL_MAX = 32_767  # Excel's limit: a longer cell makes it "repair" (empty) the file


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, the cut marked with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)] + ELLIPSIS


def without_controls(text: str) -> str:
    """The text without control characters (tab and newline kept)."""
    return _CONTROLS.sub("", text)


def terminal_text(text: object, limit: int | None = None) -> str:
    """One line for a terminal: no escape sequence, control or direction override."""
    shown = _TERMINAL_UNSAFE.sub("", " ".join(str(text).split()) if text else "")
    return shorten(shown, limit) if limit is not None else shown


def terminal_json(document: str) -> str:
    """A JSON text with the characters a terminal would act on written as \\u escapes (JSON
    already escapes C0 controls; C1 ones and overrides pass through `ensure_ascii=False`)."""
    return _JSON_TERMINAL.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def xlsx_text(text: str) -> str:
    """A cell value Excel opens: XML-legal characters, at most 32,767 of them."""
    return shorten(_XML_ILLEGAL.sub("", text), XLSX_CELL_MAX)


def pdf_text(text: str, limit: int) -> str:
    """A PDF line: no controls, whitespace runs folded to one space, cut at `limit`."""
    return shorten(" ".join(without_controls(text).split()), limit)


_SCRIPT_ENTITIES = str.maketrans(
    {"\\": "&#92;", "`": "&#96;", "$": "&#36;", "{": "&#123;", "}": "&#125;"}
)


def html_in_script(text: str) -> str:
    """HTML-escaped text that may also sit inside a JavaScript template literal (folium
    writes popups and tooltips into `…` strings, where `${…}` runs and a backslash escapes)
    and inside a Jinja template (branca renders page fragments as templates, where « {{ … }} »
    would be evaluated): those characters become entities, shown as they were."""
    return html.escape(without_controls(text), quote=True).translate(_SCRIPT_ENTITIES)


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_SCRIPT = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "{": "\\u007b", "}": "\\u007d",
     "\u2028": "\\u2028", "\u2029": "\\u2029"}
)  # fmt: skip


def json_in_script(value: object) -> str:
    """JSON that may sit inside a <script> element of a page branca renders: in its strings,
    « </script> » or « <!-- » cannot end or hide the element and « {{ … }} » cannot run as
    Jinja (the \\u escapes decode to the same text; outside strings JSON has no < > &, and
    its braces never open a Jinja tag)."""
    document = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _JSON_STRING.sub(lambda m: m.group().translate(_JSON_SCRIPT), document)
