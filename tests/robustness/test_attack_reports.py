"""Names that are markup to matplotlib: ``$`` in a model name used to lose the reports.

Names are drawn literally (``mlplan.io.report.chart_text``), with LaTeX off even when
the user's matplotlibrc turns ``text.usetex`` on.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

from mlplan.io.report.charts import ladder_chart
from mlplan.records.evaluation import Evaluation

NAMES = [
    "budget $100 model",
    "v1 $^$ v2",  # math-text that does not parse: used to raise after the run was stored
    "$x^2$ tuned",  # math-text that parses: now shown as written, not typeset
    r"back\slash $",
    "50% of_the data & more",  # LaTeX specials, with usetex on
]


def test_dollar_signs_in_model_names_keep_the_reports(
    cli, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Models named with ``$``, math and LaTeX specials: the run stores, reports and charts."""
    monkeypatch.setitem(matplotlib.rcParams, "text.usetex", True)  # a user's matplotlibrc
    assert cli("split", "-p", project, "--export", project / "ids").code == 0
    ids = pd.read_csv(project / "ids" / "test_ids.csv", dtype=str)["id"]
    models = []
    for i, name in enumerate(NAMES):
        pd.DataFrame({"flight_id": ids, "score": 0.2 + 0.1 * i}).to_csv(
            project / f"m{i}.csv", index=False
        )
        models.append(f"  - {{name: {json.dumps(name)}, predictions: m{i}.csv}}\n")
    plan = project / "mlplan.yaml"
    plan.write_text(plan.read_text() + "models:\n" + "".join(models))
    result = cli("run", "-p", project)
    assert result.code == 0, result.err
    html = (project / "mlplan-out" / "report.html").read_text()
    assert "data:image/png;base64," in html
    for name in NAMES:
        assert name.replace("&", "&amp;") in html
    assert all(name in (project / "mlplan-out" / "report.md").read_text() for name in NAMES[:3])


@pytest.mark.parametrize("name", ["$", "$$", "$\\frac{$", "\\$", "x" * 500, "line\nbreak $"])
def test_any_name_renders(name: str) -> None:
    """Odd dollar signs, escapes and very long names all give a PNG."""
    rows = [
        Evaluation(name=name, source="model", metric="f1", value=0.5, lo=0.4, hi=0.6),
        Evaluation(name="dummy", source="rung", metric="f1", value=0.3, lo=0.2, hi=0.4),
    ]
    png = ladder_chart(rows, "f1 $ weighted", requirement=0.55)
    assert png.startswith(b"\x89PNG")
    assert base64.b64encode(png)


def test_literal_escapes_and_shortens() -> None:
    """What the label helper promises."""
    from mlplan.io.report.chart_text import literal

    assert literal("cost $5") == r"cost \$5"
    assert literal("y" * 100) == "y" * 59 + "…"


IDEAS = """\
portfolio: {{name: "Q3 $ bets"}}
ideas:
{ideas}"""

IDEA = """\
  - name: '{name}'
    problem: Something worth automating.
    archetype: software_2_0
    impact: {{score: 3}}
    feasibility:
      data: {{score: 3}}
      accuracy: {{metric: accuracy, target: 0.9, baseline: 0.8}}
      difficulty: {{score: 3}}
"""


def test_dollar_signs_in_idea_names_keep_the_portfolio_chart(cli, tmp_path: Path) -> None:
    """The impact × feasibility chart draws idea and portfolio names literally too."""
    ideas = "".join(IDEA.format(name=n) for n in ("Robot $ arm", r"$\frac{$ pricing"))
    path = tmp_path / "ideas.yaml"
    path.write_text(IDEAS.format(ideas=ideas))
    result = cli("portfolio", path)
    assert result.code == 0, result.err
    assert list(tmp_path.rglob("*.png")) or list(tmp_path.rglob("*.svg"))
