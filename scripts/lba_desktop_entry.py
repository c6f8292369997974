"""Entry point of the frozen application (PyInstaller): the `lba-desktop` command."""

from __future__ import annotations

import multiprocessing
import sys

from lba_desktop.cli import main

if __name__ == "__main__":
    # `lba-desktop serve --workers N` starts processes: a frozen child must not rerun main().
    multiprocessing.freeze_support()
    sys.exit(main())
