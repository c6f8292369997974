"""What the window, its map and the browser tests need from a Debian or Ubuntu system, which of
it is missing, the French message that names it, and the installer the README runs first:
`python3 -m lba_desktop.system_packages [--tests]` installs what is missing (as root, or
through sudo) and says what it installs.

Standard library only: it runs before the virtual environment and before Qt exist."""

from __future__ import annotations

import ctypes
import glob
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

WINDOW = "window"  # Qt's xcb platform plugin: without these, Qt aborts at start
MAP = "map"  # QtWebEngine: without these, the window opens with no map
TESTS = "tests"  # the widget's browser tests drive Debian's Chromium through its WebDriver


@dataclass(frozen=True)
class Requirement:
    """One thing the system must provide, and the packages that provide it.

    `names` are alternatives (a shared library's soname, a command, or an absolute file path);
    `packages` too, in order of preference: Debian's name, then Ubuntu's when it differs."""

    need: str
    names: tuple[str, ...]
    packages: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.names[0]


def _libs(need: str, rows: Iterable[tuple[str, str]]) -> list[Requirement]:
    return [Requirement(need, (soname,), tuple(p.split("|"))) for soname, p in rows]


# Read off the dynamic sections of PySide6 6.11's xcb plugin, libQt6XcbQpa, QtGui and
# QtWebEngine (readelf -d), minus what every Debian system has (libc, libstdc++, zlib…).
# "a|b": Ubuntu 24.04 renamed some libraries with a t64 suffix.
REQUIREMENTS: tuple[Requirement, ...] = (
    *_libs(
        WINDOW,
        (
            ("libxcb.so.1", "libxcb1"),
            ("libX11.so.6", "libx11-6"),
            ("libX11-xcb.so.1", "libx11-xcb1"),
            ("libxcb-cursor.so.0", "libxcb-cursor0"),
            ("libxcb-icccm.so.4", "libxcb-icccm4"),
            ("libxcb-image.so.0", "libxcb-image0"),
            ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
            ("libxcb-randr.so.0", "libxcb-randr0"),
            ("libxcb-render.so.0", "libxcb-render0"),
            ("libxcb-render-util.so.0", "libxcb-render-util0"),
            ("libxcb-shape.so.0", "libxcb-shape0"),
            ("libxcb-shm.so.0", "libxcb-shm0"),
            ("libxcb-sync.so.1", "libxcb-sync1"),
            ("libxcb-util.so.1", "libxcb-util1"),
            ("libxcb-xfixes.so.0", "libxcb-xfixes0"),
            ("libxcb-xkb.so.1", "libxcb-xkb1"),
            ("libxkbcommon.so.0", "libxkbcommon0"),
            ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
            ("libGL.so.1", "libgl1"),
            ("libEGL.so.1", "libegl1"),
            ("libfontconfig.so.1", "libfontconfig1"),
            ("libfreetype.so.6", "libfreetype6"),
            ("libglib-2.0.so.0", "libglib2.0-0|libglib2.0-0t64"),
            ("libdbus-1.so.3", "libdbus-1-3"),
        ),
    ),
    # Qt draws no text at all without a font.
    Requirement(
        WINDOW,
        (
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
            "/usr/share/fonts/opentype/noto/NotoSans-Regular.ttf",
        ),
        ("fonts-dejavu-core",),
    ),
    *_libs(
        MAP,
        (
            ("libnss3.so", "libnss3"),
            ("libnspr4.so", "libnspr4"),
            ("libasound.so.2", "libasound2|libasound2t64"),
            ("libXcomposite.so.1", "libxcomposite1"),
            ("libXdamage.so.1", "libxdamage1"),
            ("libXext.so.6", "libxext6"),
            ("libXfixes.so.3", "libxfixes3"),
            ("libXrandr.so.2", "libxrandr2"),
            ("libXtst.so.6", "libxtst6"),
            ("libxkbfile.so.1", "libxkbfile1"),
            ("libgbm.so.1", "libgbm1"),
            ("libxcb-dri3.so.0", "libxcb-dri3-0"),
            ("libxcb-glx.so.0", "libxcb-glx0"),
        ),
    ),
    Requirement(TESTS, ("chromium", "chromium-browser"), ("chromium", "chromium-browser")),
    Requirement(TESTS, ("chromedriver",), ("chromium-driver", "chromium-chromedriver")),
    # The shared store's tests start a throwaway server (Debian keeps initdb out of the PATH).
    Requirement(TESTS, ("/usr/lib/postgresql/*/bin/initdb", "initdb"), ("postgresql",)),
)


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def present(requirement: Requirement, *, load: Callable[[str], bool] = _loads) -> bool:
    """True when one of the requirement's names is on this system (what the dynamic loader,
    the PATH or the file system finds, not what a package manager believes)."""
    for name in requirement.names:
        if name.startswith("/"):
            if glob.glob(name) if "*" in name else Path(name).exists():
                return True
        elif ".so" in name:
            if load(name):
                return True
        elif shutil.which(name):
            return True
    return False


def missing(needs: Iterable[str], *, load: Callable[[str], bool] = _loads) -> list[Requirement]:
    """The requirements of `needs` this system lacks (always none outside Linux)."""
    if not sys.platform.startswith("linux"):
        return []
    wanted = set(needs)
    return [r for r in REQUIREMENTS if r.need in wanted and not present(r, load=load)]


def install_command(requirements: Sequence[Requirement]) -> str:
    """The command a person types to install them (Debian's names)."""
    packages = " ".join(dict.fromkeys(r.packages[0] for r in requirements))
    return f"sudo apt-get install {packages}"


def explain_missing(requirements: Sequence[Requirement], *, what: str) -> str:
    """A French message naming the missing libraries, their packages and the command."""
    lines = [f"{what} : des bibliothèques du système manquent."]
    lines += [f"  - {r.label} (paquet {r.packages[0]})" for r in requirements]
    lines += [
        "Installez-les puis relancez :",
        f"  {install_command(requirements)}",
        "(ou, depuis le dossier du projet : python3 -m lba_desktop.system_packages)",
    ]
    return "\n".join(lines)


# --- the installer -------------------------------------------------------------------------


def _say(text: str) -> None:
    print(text, flush=True)  # before apt-get writes to the same terminal


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _candidate(package: str, run: Callable[..., subprocess.CompletedProcess[str]]) -> bool:
    """True when apt can install `package` (a purely virtual name has no candidate)."""
    answer = run(["apt-cache", "policy", package], capture_output=True, text=True, check=False)
    for line in answer.stdout.splitlines():
        if line.strip().startswith("Candidate:"):
            return line.split(":", 1)[1].strip() not in ("", "(none)")
    return False


def choose_packages(
    requirements: Sequence[Requirement], run: Callable[..., subprocess.CompletedProcess[str]]
) -> list[str]:
    """One package per requirement: the first alternative this system's apt knows."""
    chosen: list[str] = []
    for requirement in requirements:
        options = requirement.packages
        package = options[0]
        if len(options) > 1:
            package = next((p for p in options if _candidate(p, run)), options[0])
        if package not in chosen:
            chosen.append(package)
    return chosen


def install(
    needs: Sequence[str],
    *,
    run: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run,
    is_root: Callable[[], bool] = _is_root,
    which: Callable[[str], str | None] = shutil.which,
    load: Callable[[str], bool] = _loads,
    out: Callable[[str], None] = _say,
) -> int:
    """Install with apt what `needs` lacks; the exit code (0 when nothing is missing after)."""
    lacking = missing(needs, load=load)
    if not lacking:
        out("Bibliothèques du système : rien ne manque.")
        return 0
    if which("apt-get") is None:
        out(explain_missing(lacking, what="Ce système n'a pas apt-get"))
        out("Installez ces bibliothèques avec le gestionnaire de paquets du système.")
        return 1
    if is_root():
        prefix: list[str] = []
    elif which("sudo") is not None:
        prefix = ["sudo"]
    else:
        out(explain_missing(lacking, what="Installation impossible sans root ni sudo"))
        return 1
    apt = [*prefix, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]
    out("Mise à jour de la liste des paquets Debian (apt-get update)…")
    if run([*apt, "update", "-qq"], check=False).returncode != 0:
        out("La liste des paquets n'a pas pu être mise à jour : l'installation est tentée.")
    packages = choose_packages(lacking, run)
    who = "en tant que root" if not prefix else "avec sudo"
    out(f"Installation {who} des paquets manquants : {' '.join(packages)}")
    command = [*apt, "install", "-y", "-qq", "-o", "Dpkg::Use-Pty=0", "--no-install-recommends"]
    command += packages
    if run(command, check=False).returncode != 0:
        out(explain_missing(lacking, what="apt-get n'a pas pu installer les paquets"))
        return 1
    still = missing(needs, load=load)
    if still:
        out(explain_missing(still, what="Après installation, il manque encore"))
        return 1
    out(f"Installé : {' '.join(packages)}.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help"):
        print(
            "utilisation : python3 -m lba_desktop.system_packages [--tests]\n"
            "Installe (apt-get, en root ou avec sudo) les bibliothèques du système dont la "
            "fenêtre et sa carte ont besoin ; --tests ajoute Chromium et son pilote WebDriver "
            "pour les tests du widget, et PostgreSQL pour ceux des données partagées."
        )
        return 0
    unknown = [a for a in args if a != "--tests"]
    if unknown:
        print(f"Erreur : option inconnue : {' '.join(unknown)}", file=sys.stderr)
        return 2
    needs = [WINDOW, MAP, *([TESTS] if "--tests" in args else [])]
    return install(needs)


if __name__ == "__main__":
    sys.exit(main())
