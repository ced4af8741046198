"""Generated demo media: landscape images (Pillow) and small PDF documents (fpdf2).

Both are deterministic for a given title, so a re-seed produces the same files.
"""

from __future__ import annotations

import hashlib
import io
import random
from datetime import UTC, datetime

from fpdf import FPDF
from PIL import Image, ImageDraw


def _rng(title: str) -> random.Random:
    return random.Random(int(hashlib.sha256(title.encode()).hexdigest()[:12], 16))


def landscape_png(title: str, size: tuple[int, int] = (1600, 900), base=None) -> bytes:
    """An abstract landscape: a sky gradient, rolling hills and a sun, seeded by the title."""
    rng = _rng(title)
    width, height = size
    base = base or (rng.randint(30, 180), rng.randint(60, 160), rng.randint(90, 200))
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(c + (255 - c) * (1 - t) * 0.6) for c in base),
        )
    sun_x, sun_y, radius = rng.randint(200, width - 200), rng.randint(80, 300), rng.randint(50, 110)
    draw.ellipse(
        [sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius], fill=(250, 220, 140)
    )
    for layer in range(4):
        shade = tuple(max(0, int(c * (0.75 - layer * 0.15))) for c in base)
        top = int(height * (0.45 + layer * 0.12))
        points = [(0, height)]
        for x in range(0, width + 80, 80):
            points.append((x, top + rng.randint(-60, 60)))
        points.append((width, height))
        draw.polygon(points, fill=shade)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def portrait_png(name: str, colour: tuple[int, int, int]) -> bytes:
    """A simple avatar: the person's initials-free silhouette on their colour."""
    image = Image.new("RGB", (400, 400), colour)
    draw = ImageDraw.Draw(image)
    light = tuple(min(255, c + 90) for c in colour)
    draw.ellipse([130, 70, 270, 210], fill=light)
    draw.ellipse([70, 230, 330, 500], fill=light)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _latin1(text: str) -> str:
    replacements = {"–": "-", "—": "-", "’": "'", "”": '"', "“": '"', "…": "..."}
    for char, plain in replacements.items():
        text = text.replace(char, plain)
    return text.encode("latin-1", "replace").decode("latin-1")


def material_pdf(title: str, program: str, paragraphs: list[str]) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(title))
    pdf.set_author("Utvecklingsenheten")
    pdf.set_creation_date(datetime(2025, 8, 1, tzinfo=UTC))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 10, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(
        0, 7, _latin1(f"Material till programmet {program}"), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 12)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 7, _latin1(paragraph), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())
