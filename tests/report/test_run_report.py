"""The run report: a section and a chart for every decision, numbers as the records hold them."""

from __future__ import annotations

import json
import re

import matplotlib
import numpy as np
import pandas as pd
from _pages import embedded_png, is_drawn, png_pixels, read_page
from _project import MODEL, Project
from sklearn.metrics import confusion_matrix, precision_recall_curve

import mlplan
from mlplan.io.report.charts import ladder_chart
from mlplan.io.report.diagnostic_charts import confusion_chart, curves_chart
from mlplan.records.evaluation import Evaluation


def test_the_run_report_has_a_section_and_a_chart_for_every_decision(project: Project) -> None:
    html = (project.out / "report.html").read_text()
    page = read_page(html)
    for section in ("summary", "ladder", "operating-point", "confusion", "calibration", "advice"):
        assert section in page.sections
    names = [re.sub(r".*/|\.png$", "", p) for p in project.second.outputs if p.startswith("png_")]
    assert {"png_ladder", "png_curves", "png_confusion", "png_calibration"} <= set(
        project.second.outputs
    ), names
    assert len(page.images) >= 4
    for image in page.images:
        assert image["alt"].strip()
        pixels = png_pixels(embedded_png(image["src"]))
        assert pixels.shape[0] > 100 and pixels.shape[1] > 300
        assert is_drawn(pixels)
    assert page.scripts == 0  # self-contained and inert: no script at all
    assert not re.search(r"""(src|href)=["']https?:""", html)  # nothing to fetch


def test_the_markdown_report_links_its_charts_beside_it(project: Project) -> None:
    markdown = (project.out / "report.md").read_text()
    links = re.findall(r"!\[[^\]]+\]\(([^)]+\.png)\)", markdown)
    assert "charts/ladder.png" in links and "charts/curves.png" in links
    for link in links:
        assert is_drawn(png_pixels((project.out / link).read_bytes()))


def test_counts_read_as_integers_and_intervals_stay_on_one_line(project: Project) -> None:
    html = (project.out / "report.html").read_text()
    metrics = html[html.index('id="metrics"') :]
    rows = metrics[: metrics.index("</table>")].split("</tr>")
    header = re.findall(r"<th>([^<]+)</th>", rows[0])
    counted = 0
    for row in rows[1:-1]:
        cells = dict(zip(header, re.findall(r"<td[^>]*>([^<]*)</td>", row), strict=True))
        if cells["tp"] == "–":  # a declared reference states no counts
            continue
        counted += 1
        for count in ("tp", "fp", "tn", "fn", "n"):
            assert re.fullmatch(r"\d{1,3}(,\d{3})*", cells[count]), (count, cells[count])
        assert re.fullmatch(r"[01]\.\d{3}", cells["precision"])
    assert counted >= 3
    assert re.search(r'<td class="interval">\[0\.\d{3}, [01]\.\d{3}\]</td>', html)
    assert ".mlplan .nowrap, .mlplan .interval { white-space: nowrap; }" in html
    assert "overflow-x: auto" in html and "@media print" in html


def test_the_diagnostics_are_scikit_learns_numbers_on_the_stored_predictions(
    project: Project,
) -> None:
    diagnostics = json.loads((project.out / "diagnostics.json").read_text())
    team = next(m for m in diagnostics["models"] if m["name"] == MODEL)
    table = pd.read_parquet(project.folder / "flights.parquet").set_index("flight_id")
    scores = pd.read_parquet(project.folder / "preds" / "team.parquet").set_index("flight_id")
    y = table.loc[scores.index, "late"].to_numpy()
    evaluation = next(e for e in project.second.evaluations if e.name == MODEL)
    assert team["threshold"] == evaluation.threshold
    predicted = scores["score"].to_numpy() >= evaluation.threshold
    assert team["confusion"] == confusion_matrix(y, predicted).tolist()
    precision, recall, _ = precision_recall_curve(y, scores["score"])
    exact = set(zip(recall.tolist(), precision.tolist(), strict=True))
    assert set(zip(team["pr"]["recall"], team["pr"]["precision"], strict=True)) <= exact
    assert team["mark"]["precision"] == evaluation.metrics["precision"]
    assert team["mark"]["recall"] == evaluation.metrics["recall"]
    (line,) = diagnostics["constraints"]
    assert line["text"] == "precision >= 0.3" and line["pr"] == [[0.0, 0.3], [1.0, 0.3]]


def _svg_text(svg: bytes) -> str:
    return svg.decode()


def test_references_are_lines_and_every_rung_keeps_a_row(project: Project) -> None:
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        unstated = Evaluation(
            name="night crew", source="declared", metric=project.second.metric, value=None,
            note="not measured; asked for",
        )  # fmt: skip
        svg = ladder_chart(
            [*project.second.evaluations, unstated],
            project.second.metric,
            kinds={
                "paper <b>bold</b>": "published",
                "dispatcher": "human",
                "evening rule": "scripted",
                "night crew": "human",
            },
            image_format="svg",
        ).decode()
    rows = re.findall(r'<g id="ytick_\d+">.*?<text[^>]*>([^<]*)</text>', svg, re.S)
    assert rows == ["dummy", "linear", "team $model$ &lt;i&gt;v1&lt;/i&gt;"]
    for label in (
        "requirement",
        "paper &lt;b&gt;bold&lt;/b&gt; (published)",
        "dispatcher (human)",
        "evening rule (scripted)",
    ):
        assert label in svg
    assert "night crew (human): no value, not measured" in svg  # a reference without a value
    assert "no value: unreachable" in svg  # the dummy keeps its row, with the reason


def test_a_dollar_in_a_name_is_drawn_as_written() -> None:
    name = "cost $5 $x^2$ model"
    evaluations = [Evaluation(name=name, source="model", metric="f1", value=0.5, lo=0.4, hi=0.6)]
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        svg = ladder_chart(evaluations, "f1 $", image_format="svg").decode()
    assert name in svg and "f1 $ on the test rows" in svg
    rng = np.random.default_rng(0)
    y = rng.random(300) < 0.3
    from mlplan.core.metrics.diagnostics import ModelPredictions, diagnose_run

    run = diagnose_run(
        y.astype(int),
        [
            ModelPredictions(
                name=name, source="model", pred=None, score=rng.random(300), threshold=0.5
            )
        ],
        task="binary",
        labels=["$no", "$yes$"],
        positive="$yes$",
    )
    assert is_drawn(png_pixels(curves_chart(run)))
    assert is_drawn(png_pixels(confusion_chart(run.models)))


def test_a_multiclass_report_shows_per_class_scores_and_the_confusion(multiclass) -> None:
    html = (multiclass / "mlplan-out" / "report.html").read_text()
    page = read_page(html)
    assert {"per-class", "confusion", "ladder"} <= set(page.sections)
    assert "operating-point" not in page.sections and "calibration" not in page.sections
    per_class = html[
        html.index('id="per-class"') : html.index("</section>", html.index('id="per-class"'))
    ]
    assert per_class.count("<tr>") == 4  # header + three species
    assert "Gentoo &lt;em&gt;" in per_class and "Gentoo <em>" not in html
    diagnostics = json.loads((multiclass / "mlplan-out" / "diagnostics.json").read_text())
    linear = next(m for m in diagnostics["models"] if m["name"] == "linear")
    assert (
        len(linear["confusion"]) == 3
        and sum(map(sum, linear["confusion"])) == diagnostics["n_test"]
    )


def test_a_run_without_reports_writes_no_file(tmp_path, project_dir) -> None:
    result = mlplan.run(project_dir, write_reports=False, n_jobs=1)
    assert result.outputs == {}
    assert not (project_dir / "mlplan-out").exists()
