#!/usr/bin/env bash
# Build the one-folder application with PyInstaller (build.spec), then smoke-test the frozen
# program offscreen: --version, and a screenshot of a real search. Prints size and build time.
# Usage: scripts/build_app.sh [PYTHON]   (default: .venv/bin/python, which gets pyinstaller)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${1:-.venv/bin/python}
DIST=dist/lba-desktop
APP=$DIST/lba-desktop
[ -x "$DIST/lba-desktop.exe" ] && APP=$DIST/lba-desktop.exe

if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
  echo "Installation de PyInstaller (extra « package »)…"
  "$PYTHON" -m pip install -q -e ".[package]"
fi

start=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN build.spec
build_s=$(( $(date +%s) - start ))
size=$(du -sh "$DIST" | cut -f1)
echo "Paquet construit en ${build_s} s : $DIST ($size)"

# Smoke test in a throw-away data folder: the frozen app builds the demo catalogue itself.
export QT_QPA_PLATFORM=offscreen
export QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox --disable-gpu"
LBA_DESKTOP_HOME=$(mktemp -d)
export LBA_DESKTOP_HOME
trap 'rm -rf "$LBA_DESKTOP_HOME"' EXIT
shot=${LBA_SMOKE_SCREENSHOT:-/tmp/lba-desktop-frozen.png}
rm -f "$shot"

version=$("$APP" --version)
echo "Version : $version"
[ "$version" = "lba-desktop $("$PYTHON" -c 'import lba_desktop; print(lba_desktop.__version__)')" ] || {
  echo "ÉCHEC du test du paquet : --version a répondu « $version »." >&2; exit 1; }

start=$(date +%s)
out=$LBA_DESKTOP_HOME/smoke.txt
if ! timeout 180 "$APP" --screenshot "$shot" --metier boulanger --lieu Aurillac >"$out" 2>&1; then
  cat "$out" >&2
  echo "ÉCHEC du test du paquet : la capture d'écran n'a pas abouti." >&2
  tail -n 40 "$LBA_DESKTOP_HOME/logs/lba-desktop.log" >&2 2>/dev/null || true
  exit 1
fi
[ -s "$shot" ] || { echo "ÉCHEC du test du paquet : capture vide." >&2; exit 1; }
# A bundle missing the Leaflet files or a template still takes a screenshot, with no map.
if grep -q "Carte indisponible" "$out"; then
  grep "Carte indisponible" "$out" >&2
  echo "ÉCHEC du test du paquet : la carte ne s'affiche pas." >&2
  exit 1
fi
echo "Test du paquet réussi en $(( $(date +%s) - start )) s : capture $shot"
echo "Taille du paquet : $size ; construction : ${build_s} s"
