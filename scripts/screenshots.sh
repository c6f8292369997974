#!/usr/bin/env bash
# Regenerate the screenshots of docs/ on a real X display (Xvfb or a desktop), each in a
# throw-away data folder: a laptop (1366 × 768), a desktop monitor (1920 × 1080), a 1920 × 1080
# screen at 150 % (1280 × 720 logical pixels), and the presentation mode on the laptop.
# Usage: DISPLAY=:20 scripts/screenshots.sh [APP]   (default: .venv/bin/lba-desktop)
set -euo pipefail
cd "$(dirname "$0")/.."
APP=${1:-.venv/bin/lba-desktop}
export QT_QPA_PLATFORM=xcb
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
shot() {
  LBA_DESKTOP_HOME=$home "$APP" --screenshot "$@" --metier boulanger --lieu Aurillac
}
shot docs/screenshot-1366x768.png --largeur 1366 --hauteur 768
shot docs/screenshot-1920x1080.png --largeur 1920 --hauteur 1080
QT_SCALE_FACTOR=1.5 shot docs/screenshot-150pc.png --largeur 1280 --hauteur 720
shot docs/screenshot-presentation-1366x768.png --presentation --largeur 1366 --hauteur 768
cp docs/screenshot-1366x768.png docs/screenshot.png
