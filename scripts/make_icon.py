"""Draw the application icon (a map pin on a blue square) into
resources/icons/: PNG for Linux and the window, ICO for Windows. Run once; output committed."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "resources" / "icons"
BLUE = (0, 0, 145, 255)  # the French public service blue
RED = (225, 0, 15, 255)
WHITE = (255, 255, 255, 255)


def draw(size: int = 1024) -> Image.Image:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    s = size / 1024
    d.rounded_rectangle((40 * s, 40 * s, 984 * s, 984 * s), radius=200 * s, fill=BLUE)
    # Map pin: a disc and a triangle pointing down, white with a red centre.
    cx, cy, r = 512 * s, 420 * s, 250 * s
    d.polygon(
        [(cx - r * 0.86, cy + r * 0.5), (cx + r * 0.86, cy + r * 0.5), (cx, 880 * s)], fill=WHITE
    )
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=WHITE)
    d.ellipse((cx - r * 0.45, cy - r * 0.45, cx + r * 0.45, cy + r * 0.45), fill=RED)
    return img


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    big = draw()
    big.resize((512, 512), Image.Resampling.LANCZOS).save(OUT / "lba-desktop.png")
    big.resize((256, 256), Image.Resampling.LANCZOS).save(
        OUT / "lba-desktop.ico",
        sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)],
    )
    print(f"Icônes écrites dans {OUT}")


if __name__ == "__main__":
    main()
