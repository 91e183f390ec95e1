"""Write the README's picture of the report: the top of the demo's report in headless Chromium.

Run after ``make demo`` (needs Debian's ``chromium`` and the ``playwright`` package
of the test extra; no browser is downloaded)::

    python examples/flights/screenshot.py            # -> docs/images/report.png

The page is drawn at 1,100 px, cut after the ladder and the operating point, and
stored with a 256-colour palette so the file stays small.
"""

from __future__ import annotations

import io
import shutil
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def main(report: Path, out: Path, height: int = 2300) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium is not installed: apt-get install chromium")
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            profile, executable_path=chromium, headless=True, args=FLAGS,
            viewport={"width": 1100, "height": height},
        )  # fmt: skip
        page = browser.new_page()
        page.goto(report.resolve().as_uri(), wait_until="load")
        png = page.screenshot(clip={"x": 0, "y": 0, "width": 1100, "height": height})
        browser.close()
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.resize((image.width * 4 // 5, image.height * 4 // 5), Image.LANCZOS)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(out, optimize=True)
    print(f"wrote {out}: {image.width}x{image.height}, {out.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(
        Path(args[0]) if args else HERE / "mlplan-out" / "report.html",
        Path(args[1]) if len(args) > 1 else HERE.parents[1] / "docs" / "images" / "report.png",
    )
