"""What the command line prints: JSON and text made safe for a terminal."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any, TypeVar

from lba_desktop.errors import InvalidInput
from lba_desktop.safe_text import terminal_json

Handler = TypeVar("Handler")


def chosen_action(handlers: Mapping[str, Handler], action: str | None) -> Handler:
    """The handler of the action typed after a command, or a French message listing them."""
    if action not in handlers:
        raise InvalidInput(
            "Précisez une action.", hint="Actions : " + ", ".join(handlers) + " (--help)."
        )
    return handlers[action]


def print_json(document: Any) -> None:
    """Indented JSON, French text as is, terminal control characters escaped."""
    print(terminal_json(json.dumps(document, ensure_ascii=False, indent=2)), file=sys.stdout)
