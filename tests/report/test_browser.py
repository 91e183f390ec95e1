"""The pages in a real browser: headless Chromium (Debian's ``chromium``), driven by Playwright.

Each page must show every section, draw every chart (loaded, non-zero size, not
blank), log no console error, request nothing from the network, keep names from
the data inert, scroll wide tables inside their box, and hide navigation when
printed. A full-page screenshot of each goes to ``tests/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from _project import Project

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (apt-get install chromium; .ci/run installs it)",
)

#: Every image: loaded, its size, and how much of it is drawn (share of non-white pixels).
IMAGES = """() => [...document.images].map(img => {
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const g = canvas.getContext('2d'); g.drawImage(img, 0, 0);
  const data = img.naturalWidth ? g.getImageData(0, 0, canvas.width, canvas.height).data : [];
  let inked = 0; const colours = new Set();
  for (let i = 0; i < data.length; i += 4 * 37) {
    if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) inked++;
    colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  }
  const box = img.getBoundingClientRect();
  return {alt: img.alt, complete: img.complete, natural: img.naturalWidth * img.naturalHeight,
          shown: box.width * box.height, inked: inked / Math.max(1, data.length / (4 * 37)),
          colours: colours.size};
})"""


#: How many lines each interval cell's text takes.
LINES = """() => [...document.querySelectorAll('td.interval')].filter(c => c.textContent.trim())
  .map(c => { const r = document.createRange(); r.selectNodeContents(c);
              return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; })"""


@dataclass
class Visit:
    page: Any
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        yield context
        context.close()


def _visit(browser: Any, path: Path, name: str, width: int = 1280) -> Visit:
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    visit = Visit(page=page)
    page.on("console", lambda m: visit.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: visit.errors.append(str(e)))
    page.on("request", lambda r: visit.requests.append(r.url))
    page.goto(path.resolve().as_uri(), wait_until="load")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    return visit


def _check(visit: Visit, path: Path, sections: tuple[str, ...], images: int) -> None:
    page = visit.page
    assert visit.errors == []
    assert set(visit.requests) <= {path.resolve().as_uri()} | {
        u for u in visit.requests if u.startswith("data:")
    }, visit.requests
    for section in sections:
        assert page.locator(f"section#{section}").is_visible(), section
    drawn = page.evaluate(IMAGES)
    assert len(drawn) >= images
    for image in drawn:
        assert image["alt"].strip() and image["complete"]
        assert image["natural"] > 0 and image["shown"] > 0
        assert 0.005 < image["inked"] < 0.95 and image["colours"] > 3, image
    assert page.evaluate("window.__pwned === undefined && document.scripts.length === 0")


@pytest.fixture(scope="module")
def pages(project: Project, reported) -> Project:
    """The project with the reports of both runs and the index written."""
    return project


def test_the_run_report_in_a_browser(browser, pages: Project) -> None:
    path = pages.out / "report.html"
    visit = _visit(browser, path, "report")
    sections = ("summary", "ladder", "operating-point", "confusion", "calibration", "advice")
    _check(visit, path, (*sections, "metrics", "columns"), images=4)
    page = visit.page
    assert "<script>window.__pwned = 1</script>" in page.locator("h1").inner_text()
    narrow = _visit(browser, path, "report-narrow", width=760).page
    assert narrow.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    box = narrow.locator("#metrics .table-box")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # it scrolls inside its box
    lines = narrow.evaluate(LINES)  # line boxes of each interval's text
    assert lines and set(lines) == {1}
    narrow.emulate_media(media="print")
    assert not narrow.locator("nav").is_visible()


def test_an_earlier_run_with_its_gates_in_a_browser(browser, pages: Project) -> None:
    path = pages.out / "run-1" / "report.html"
    visit = _visit(browser, path, "report-run-1")
    _check(visit, path, ("summary", "ladder", "advice", "gate"), images=6)
    assert visit.page.locator("#gate figure").count() == 2


def test_the_index_in_a_browser(browser, pages: Project) -> None:
    path = pages.out / "index.html"
    visit = _visit(browser, path, "index")
    _check(visit, path, ("over-runs", "runs", "changes"), images=1)
    rows = visit.page.locator("#changes tr")
    assert rows.count() >= 3  # header + what differs
    visit.page.locator("#runs a", has_text="report").first.click()
    visit.page.wait_for_load_state()
    assert visit.page.url.endswith("/report.html")


def test_a_multiclass_report_in_a_browser(browser, multiclass: Path) -> None:
    path = multiclass / "mlplan-out" / "report.html"
    visit = _visit(browser, path, "report-multiclass")
    _check(visit, path, ("summary", "ladder", "confusion", "per-class", "advice"), images=3)
    assert "Gentoo <em>" in visit.page.locator("#per-class table").inner_text()


def test_a_one_pager_in_a_browser(browser, portfolio) -> None:
    path = Path(next(v for k, v in portfolio.outputs.items() if k.startswith("grasp")))
    path = path.with_suffix(".html")
    visit = _visit(browser, path, "onepager")
    _check(visit, path, ("position",), images=1)
    assert "<script>window.__pwned = 2</script>" in visit.page.locator("h1").inner_text()
