"""The command line: `main` parses and dispatches; each module here owns its sub-commands."""

from lba_desktop.cli.main import main

__all__ = ["main"]
