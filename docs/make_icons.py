"""The site icon: an SVG and the PNG and ICO sizes browsers and home screens ask for.

    .venv/bin/python docs/make_icons.py

Writes static/icons/ (committed): icon.svg, favicon.ico (16, 32, 48), apple-touch-icon.png (180),
icon-192.png, icon-512.png and icon-maskable-512.png (full bleed, the letter inside the safe
zone). One drawing, in a 512-unit square, makes them all: a white "N" on the site's blue.
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "static" / "icons"
BLUE = "#0b5cad"
WHITE = "#ffffff"
UNIT = 512
RADIUS = 96
# The letter N as three shapes: two stems and the diagonal between them.
LETTER = [
    [(136, 128), (196, 128), (196, 384), (136, 384)],
    [(316, 128), (376, 128), (376, 384), (316, 384)],
    [(136, 128), (196, 128), (376, 384), (316, 384)],
]


def svg():
    shapes = "".join(
        f'<path d="M{" L".join(f"{x} {y}" for x, y in shape)} Z"/>' for shape in LETTER
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {UNIT} {UNIT}">'
        f'<rect width="{UNIT}" height="{UNIT}" rx="{RADIUS}" fill="{BLUE}"/>'
        f'<g fill="{WHITE}">{shapes}</g></svg>\n'
    )


def png(size, *, full_bleed=False):
    """The icon at `size` pixels, drawn four times larger and reduced (smooth edges)."""
    scale = size * 4 / UNIT
    big = Image.new("RGBA", (size * 4, size * 4), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    box = [0, 0, size * 4 - 1, size * 4 - 1]
    if full_bleed:
        draw.rectangle(box, fill=BLUE)
    else:
        draw.rounded_rectangle(box, radius=round(RADIUS * scale), fill=BLUE)
    for shape in LETTER:
        draw.polygon([(x * scale, y * scale) for x, y in shape], fill=WHITE)
    return big.resize((size, size), Image.Resampling.LANCZOS)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "icon.svg").write_text(svg())
    png(48).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    png(180, full_bleed=True).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    for size in (192, 512):
        png(size).save(OUT / f"icon-{size}.png", optimize=True)
    png(512, full_bleed=True).convert("RGB").save(OUT / "icon-maskable-512.png", optimize=True)
    for path in sorted(OUT.iterdir()):
        print(f"{path.name}  {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
