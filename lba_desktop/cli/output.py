"""What the command line prints: JSON and text made safe for a terminal."""

from __future__ import annotations

import json
import sys
from typing import Any

from lba_desktop.safe_text import terminal_json


def print_json(document: Any) -> None:
    """Indented JSON, French text as is, terminal control characters escaped."""
    print(terminal_json(json.dumps(document, ensure_ascii=False, indent=2)), file=sys.stdout)
