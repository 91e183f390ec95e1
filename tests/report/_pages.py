"""Reading generated pages in tests: sections, images and table cells, with the stdlib parser."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from html.parser import HTMLParser

import numpy as np
from matplotlib.image import imread


@dataclass
class Page(HTMLParser):
    sections: list[str] = field(default_factory=list)
    images: list[dict[str, str]] = field(default_factory=list)
    scripts: int = 0

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "section" and "id" in values:
            self.sections.append(values["id"])
        elif tag == "img":
            self.images.append(values)
        elif tag == "script":
            self.scripts += 1


def read_page(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def png_pixels(data: bytes) -> np.ndarray:
    return imread(io.BytesIO(data), format="png")


def embedded_png(src: str) -> bytes:
    prefix = "data:image/png;base64,"
    assert src.startswith(prefix), src[:40]
    return base64.b64decode(src[len(prefix) :])


def is_drawn(pixels: np.ndarray) -> bool:
    """Not blank: some pixels are far from white and the image is not one flat colour."""
    rgb = pixels[..., :3]
    dark = (rgb < 0.8).any(axis=-1).mean()
    return bool(0.005 < dark < 0.9 and rgb.std() > 0.02)
