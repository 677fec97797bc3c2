"""Draw a parsed receipt as the paper would look: a PNG the width of the print head."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageOps

from . import escpos_codes as c
from .escpos_parser import Cut, Feed, QrCode, RasterImage, Receipt, TextLine
from .escpos_writer import qr_image
from .fonts import render_line

LINE_GAP = 6  # default ESC 2 line spacing is 30 dots for 24-dot text
MARGIN = 16


def _place(img: Image.Image, width: int, align: str) -> Image.Image:
    if img.width >= width:
        return img.crop((0, 0, width, img.height))
    strip = Image.new("L", (width, img.height), 255)
    x = {"center": (width - img.width) // 2, "right": width - img.width}.get(align, 0)
    strip.paste(img.convert("L"), (x, 0))
    return strip


def render_receipt(receipt: Receipt, dots: int = c.PAPER_DOTS[80]) -> Image.Image:
    parts: list[Image.Image] = []
    for op in receipt.ops:
        if isinstance(op, TextLine):
            height = c.LINE_DOTS * op.height
            line = render_line(
                op.text, width=dots, scale_x=op.width, scale_y=op.height, align=op.align
            ).convert("L")
            if op.reverse and op.text.strip():
                box = ImageOps.invert(line).getbbox()
                if box:
                    region = line.crop((box[0] - 4, 0, box[2] + 4, height))
                    line.paste(ImageOps.invert(region), (box[0] - 4, 0))
            parts.append(line)
            parts.append(Image.new("L", (dots, LINE_GAP), 255))
        elif isinstance(op, QrCode):
            parts.append(qr_image(op.payload, max(1, op.module), dots))
        elif isinstance(op, RasterImage):
            parts.append(_place(op.to_image(), dots, op.align))
        elif isinstance(op, Feed):
            height = op.lines * (c.LINE_DOTS + LINE_GAP) + op.dots
            if height:
                parts.append(Image.new("L", (dots, height), 255))
        elif isinstance(op, Cut):
            cut = Image.new("L", (dots, 9), 255)
            ImageDraw.Draw(cut).line((0, 4, dots, 4), fill=0, width=1)
            parts.append(cut)
    total = sum(p.height for p in parts) + 2 * MARGIN
    page = Image.new("L", (dots + 2 * MARGIN, max(total, 2 * MARGIN + 1)), 255)
    y = MARGIN
    for part in parts:
        page.paste(part.convert("L"), (MARGIN, y))
        y += part.height
    return page
