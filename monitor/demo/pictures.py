"""Synthetic pictures for the demo and the tests: gradients, shapes, noise and text, drawn from a seed.

Never real people: every picture is generated. The same seed always gives the same picture, so a
demo blocklist made from "victim" pictures matches the edited copies the demo site serves.
"""

from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image, ImageDraw, ImageOps


def make_picture(seed: int, size: tuple[int, int] = (800, 600)) -> Image.Image:
    """A photo-like picture: a two-colour gradient, a dozen shapes, some noise and a line of text."""
    rng = random.Random(seed)
    width, height = size
    top = np.array([rng.randrange(256) for _ in range(3)], dtype=np.float32)
    bottom = np.array([rng.randrange(256) for _ in range(3)], dtype=np.float32)
    ramp = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    pixels = np.broadcast_to(top * (1 - ramp) + bottom * ramp, (height, width, 3)).copy()
    noise = np.random.default_rng(seed).normal(0, 6, pixels.shape)
    picture = Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(picture)
    for _ in range(12):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = x0 + rng.randrange(40, width // 2), y0 + rng.randrange(40, height // 2)
        colour = tuple(rng.randrange(256) for _ in range(3))
        shape = rng.choice(("ellipse", "rectangle", "polygon"))
        if shape == "ellipse":
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        elif shape == "rectangle":
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        else:
            draw.polygon([(rng.randrange(width), rng.randrange(height)) for _ in range(5)], fill=colour)
    draw.text((20, height - 40), f"synthetic #{seed}", fill=(255, 255, 255))
    return picture


def encode(picture: Image.Image, fmt: str = "JPEG", quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        picture.save(buffer, fmt, quality=quality)
    else:
        picture.save(buffer, fmt)
    return buffer.getvalue()


def resized(picture: Image.Image, factor: float) -> Image.Image:
    return picture.resize((max(1, int(picture.width * factor)), max(1, int(picture.height * factor))))


def mirrored(picture: Image.Image) -> Image.Image:
    return ImageOps.mirror(picture)


def bordered(picture: Image.Image, share: float = 0.15, colour: str = "white") -> Image.Image:
    return ImageOps.expand(picture, border=int(min(picture.size) * share), fill=colour)
