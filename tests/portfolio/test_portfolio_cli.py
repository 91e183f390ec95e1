"""The command line: bad input is one clear line and exit 2; good input ranks and writes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest

from mlplan.app.portfolio import portfolio
from mlplan.io.plan.ideas import load_ideas

EXAMPLE = Path(__file__).parents[2] / "examples" / "portfolio" / "ideas.yaml"


def test_unknown_archetype_is_exit_2_with_line_and_choices(
    cli, write_ideas: Callable[..., Path], make_idea: Callable[..., str]
) -> None:
    """The message names the file, line, key, what is allowed and what was given."""
    path = write_ideas(make_idea("A"), make_idea("B", archetype="robot_overlord"))
    result = cli("portfolio", path)
    assert result.code == 2
    message = result.err.strip()
    assert len(message.splitlines()) == 1, message
    assert f"{path}:15: ideas.1.archetype" in message
    assert "'human_in_the_loop'" in message and "robot_overlord" in message


def test_range_low_above_high_is_exit_2(
    cli, write_ideas: Callable[..., Path], make_idea: Callable[..., str]
) -> None:
    """[4, 2] is rejected where it is written."""
    path = write_ideas(make_idea("A", data="[4, 2]"))
    result = cli("portfolio", path)
    assert result.code == 2
    assert f"{path}:7: ideas.0.feasibility.data.score: range low 4 > high 2" in result.err


def test_link_to_a_folder_without_plan_is_exit_2(
    cli, tmp_path: Path, write_ideas: Callable[..., Path], make_idea: Callable[..., str]
) -> None:
    """A project link must point at an mlplan project; the line of 'path' is given."""
    empty = tmp_path / "not-a-project"
    empty.mkdir()
    extra = f"links:\n  - {{kind: paper, url: 'https://x'}}\n  - {{kind: project, path: {empty}}}\n"
    path = write_ideas(make_idea("A", extra=extra))
    result = cli("portfolio", path)
    assert result.code == 2
    assert f"{path}:15: ideas.0.links.1.path: no mlplan.yaml in {empty}" in result.err


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"data": "6"}, ":7: ideas.0.feasibility.data.score: a score must lie in [1, 5]"),
        (
            {"target": "1.2"},
            ":10: ideas.0.feasibility.accuracy.target: an accuracy must lie in [0, 1)",
        ),
        ({"impact": "score: 3, value_per_year: 10"}, "give exactly one of value_per_year or score"),
        ({"baseline": None}, "feasibility.accuracy.baseline is required"),
        ({"extra": "risk: typo\n"}, "unknown key 'ideas.0.risk' (did you mean 'risks'?)"),
    ],
)
def test_other_bad_input_is_exit_2(
    cli,
    write_ideas: Callable[..., Path],
    make_idea: Callable[..., str],
    change: dict[str, str | None],
    expected: str,
) -> None:
    """Out-of-scale scores, missing baselines and typos: one line, exit 2."""
    path = write_ideas(make_idea("A", **change))  # type: ignore[arg-type]
    result = cli("portfolio", path)
    assert result.code == 2, result.out
    assert expected in result.err
    assert "Traceback" not in result.err


def test_missing_file_and_bad_yaml_are_exit_2(cli, tmp_path: Path) -> None:
    """No file, or not YAML: exit 2 with the path."""
    assert "no ideas file" in cli("portfolio", tmp_path / "nope.yaml").err
    bad = tmp_path / "bad.yaml"
    bad.write_text("ideas: [\n")
    result = cli("portfolio", bad)
    assert result.code == 2 and "not valid YAML" in result.err


def test_init_writes_a_commented_example_that_ranks(cli, tmp_path: Path) -> None:
    """'portfolio init' writes a valid, commented file and refuses to overwrite it."""
    target = tmp_path / "ideas.yaml"
    result = cli("portfolio", "init", target)
    assert result.code == 0, result.err
    text = target.read_text()
    assert text.count("#") > 15
    assert len(load_ideas(target).spec.ideas) >= 2
    again = cli("portfolio", "init", target)
    assert again.code == 2 and "--force" in again.err
    assert cli("portfolio", "init", target, "--force").code == 0


def test_rank_prints_the_table_and_json(
    cli, tmp_path: Path, write_ideas: Callable[..., Path], make_idea: Callable[..., str]
) -> None:
    """The default command ranks; --json is machine-readable; --top-k and --seed apply."""
    path = write_ideas(make_idea("Alpha", impact="score: 5"), make_idea("Beta", impact="score: 1"))
    out = tmp_path / "out"
    table = cli("portfolio", path, "--out", out)
    assert table.code == 0, table.err
    assert "Alpha" in table.out and "P(1st)" in table.out
    assert table.out.index("Alpha") < table.out.index("Beta")
    result = cli("portfolio", path, "--json", "--top-k", "1", "--seed", "7", "--out", out)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["top_k"] == 1 and data["seed"] == 7
    assert [i["name"] for i in data["ideas"]] == ["Alpha", "Beta"]
    assert data["ideas"][0]["drivers"][1]["name"] == "accuracy"
    assert Path(data["outputs"]["json"]).is_file()
    assert cli("portfolio", "rank", path, "--out", out).code == 0


def test_chart_is_a_real_non_blank_image(
    tmp_path: Path, write_ideas: Callable[..., Path], make_idea: Callable[..., str]
) -> None:
    """PNG of sensible size with many colours; SVG too."""
    path = write_ideas(
        make_idea("Alpha", impact="score: [4, 5]", data="[3, 5]"),
        make_idea("Beta", impact="score: [1, 2]", data="[1, 3]"),
    )
    result = portfolio(path, out=tmp_path / "out", n_draws=500)
    png = Path(result.outputs["chart_png"])
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000
    image = mpimg.imread(png)
    height, width = image.shape[:2]
    assert width >= 800 and height >= 600
    pixels = image[..., :3].reshape(-1, 3)
    assert pixels.std() > 0.05  # not a blank canvas
    assert len(np.unique((pixels * 255).astype(int), axis=0)) > 50
    non_white = (pixels < 0.95).any(axis=1).mean()
    assert 0.02 < non_white < 0.9
    svg = Path(result.outputs["chart_svg"]).read_text()
    assert "<svg" in svg and "Alpha" in svg and "do first" in svg


def test_one_pagers_have_every_section(
    tmp_path: Path,
    linked_copy: Path,
    write_ideas: Callable[..., Path],
    make_idea: Callable[..., str],
) -> None:
    """Markdown and HTML one-pagers: all sections, unanswered checklist items, measured marks."""
    extra = (
        "checklist: {need_ml: 'Rules plateaued.'}\n"
        "risks: [labels drift]\n"
        "first_step: Freeze a benchmark set.\n"
        f"links:\n  - {{kind: project, path: {linked_copy}}}\n"
    )
    path = write_ideas(make_idea("Linked <idea>", extra=extra), make_idea("Plain"))
    result = portfolio(path, out=tmp_path / "out", n_draws=300)
    md = Path(result.outputs["linked-idea.md"]).read_text()
    for heading in (
        "## Problem",
        "## Archetype",
        "## Impact",
        "## Feasibility",
        "## Metric",
        "## Baselines to beat",
        "## Feasibility checklist",
        "## Risks",
        "## Proposed first step",
    ):
        assert heading in md, heading
    for driver in ("Data availability", "Accuracy requirement", "Problem difficulty"):
        assert driver in md
    assert "| Do we need ML at all? | Rules plateaued. |" in md
    assert md.count("unanswered") == 6
    assert "measured" in md and "(best)" in md and "gap" in md
    html = Path(result.outputs["linked-idea.html"]).read_text()
    assert "Linked &lt;idea&gt;" in html and "Linked <idea>" not in html
    assert 'class="measured"' in html
    plain = Path(result.outputs["plain.md"]).read_text()
    assert "Proposed first step\n\nunanswered" in plain and "none listed" in plain


def test_the_example_portfolio_ranks(tmp_path: Path) -> None:
    """The shipped warehouse example validates and ranks five ideas."""
    result = portfolio(EXAMPLE, n_draws=500, write=False)
    assert len(result.ideas) == 5
    assert {i.archetype for i in result.ideas} == {
        "autonomous",
        "human_in_the_loop",
        "software_2_0",
    }


def test_a_linked_project_that_has_not_run_leaves_accuracy_unknown(tmp_path: Path) -> None:
    """No judged baseline and no run: the accuracy score spans 1–5 and the page says why."""
    flights = EXAMPLE.parents[1] / "flights" / "mlplan.yaml"
    (tmp_path / "flights").mkdir()
    (tmp_path / "flights" / "mlplan.yaml").write_text(flights.read_text())
    (tmp_path / "portfolio").mkdir()
    text = EXAMPLE.read_text()
    judged = "        baseline: [0.2, 0.4]"
    assert judged in text
    ideas = tmp_path / "portfolio" / "ideas.yaml"
    ideas.write_text("\n".join(line for line in text.splitlines() if not line.startswith(judged)))

    result = portfolio(ideas, n_draws=2000, write=True)

    idea = next(i for i in result.ideas if i.name == "Inbound air-freight delay warning")
    accuracy = next(d for d in idea.drivers if d.name == "accuracy")
    assert accuracy.source == "judged"
    assert accuracy.lo < 1.5 and accuracy.hi > 4.5
    assert any("no baseline accuracy yet" in note for note in idea.notes)
    assert any("has no store yet" in note for note in idea.notes)
    page = next(Path(p) for k, p in result.outputs.items() if k.endswith(".md") and "air" in k)
    assert (
        "Cost model: unknown until a baseline accuracy is judged or measured." in page.read_text()
    )
