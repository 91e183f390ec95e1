"""Writing a stored run to an MLflow tracking store, idempotently.

One parent run per stored mlplan run and one nested run per evaluated model
(ladder rung, external model, declared baseline). Each carries the tag
``mlplan.key`` (plan, run id, data fingerprint, model); exporting again finds
the runs by that tag and updates them instead of adding new ones (metrics are
logged at step 0 with the run's own timestamp, so the same values are the same
rows). MLflow is an optional extra (``pip install 'mlplan[mlflow]'``), imported
here only.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlplan.errors import ServiceError

__all__ = ["ExportedRun", "MlflowRun", "export_runs", "open_tracking"]

KEY_TAG = "mlplan.key"


@dataclass(frozen=True)
class MlflowRun:
    """What one MLflow run receives."""

    key: str
    name: str
    params: Mapping[str, str] = field(default_factory=dict)
    metrics: Mapping[str, float] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    artifacts: Sequence[Path] = ()


@dataclass(frozen=True)
class ExportedRun:
    """The MLflow ids written: the experiment, the parent run and each nested run by name."""

    experiment_id: str
    run_id: str
    children: dict[str, str]
    updated: bool


@contextmanager
def open_tracking(uri: str) -> Iterator[Any]:
    """An ``MlflowClient`` on ``uri`` that has answered once, or a ServiceError in one line."""
    try:
        logging.getLogger("alembic").setLevel(logging.WARNING)
        logging.getLogger("mlflow").setLevel(logging.WARNING)
        from mlflow.tracking import MlflowClient
    except ImportError:
        raise ServiceError(
            "export --mlflow: MLflow is not installed; pip install 'mlplan[mlflow]'"
        ) from None
    if uri.startswith("sqlite:///"):  # MLflow would retry a bad path for minutes
        path = Path(uri.removeprefix("sqlite:///"))
        if path.is_dir() or not path.parent.is_dir():
            why = "is a folder" if path.is_dir() else "is in a folder that does not exist"
            raise ServiceError(f"cannot open the MLflow tracking store {uri!r}: {path} {why}")
    try:
        with warnings.catch_warnings():  # the libraries' deprecation notices are not ours
            warnings.simplefilter("ignore")
            client = MlflowClient(tracking_uri=uri)
            client.search_experiments(max_results=1)
    except Exception as exc:  # MLflow raises many kinds (MlflowException, SQLAlchemy, OSError)
        text = (str(exc).strip() or type(exc).__name__).splitlines()[0]
        raise ServiceError(f"cannot open the MLflow tracking store {uri!r}: {text}") from None
    yield client


def _experiment(client: Any, uri: str, name: str) -> str:
    found = client.get_experiment_by_name(name)
    if found is not None:
        return str(found.experiment_id)
    location = None
    if uri.startswith("sqlite:///"):  # artifacts beside the database, not in the cwd
        location = (Path(uri.removeprefix("sqlite:///")).parent / "mlartifacts").resolve().as_uri()
    return str(client.create_experiment(name, artifact_location=location))


def _find(client: Any, experiment_id: str, key: str) -> str | None:
    escaped = key.replace("'", "\\'")
    runs = client.search_runs(
        [experiment_id], filter_string=f"tags.`{KEY_TAG}` = '{escaped}'", max_results=1
    )
    return str(runs[0].info.run_id) if runs else None


def _write(
    client: Any, experiment_id: str, run: MlflowRun, at_ms: int, parent: str | None
) -> tuple[str, bool]:
    from mlflow.entities import Metric, Param, RunTag

    run_id = _find(client, experiment_id, run.key)
    updated = run_id is not None
    tags = {KEY_TAG: run.key, "mlflow.runName": run.name, **run.tags}
    if parent is not None:
        tags["mlflow.parentRunId"] = parent
    if run_id is None:
        run_id = str(client.create_run(experiment_id, start_time=at_ms, tags=tags).info.run_id)
    known = client.get_run(run_id).data.params
    params = [Param(k, v) for k, v in run.params.items() if known.get(k) != v]
    metrics = [Metric(k, float(v), at_ms, 0) for k, v in run.metrics.items()]
    client.log_batch(
        run_id, metrics=metrics, params=params, tags=[RunTag(k, v) for k, v in tags.items()]
    )
    for path in run.artifacts:
        client.log_artifact(run_id, os.fspath(path))
    client.set_terminated(run_id, end_time=at_ms)
    return run_id, updated


def export_runs(
    client: Any,
    uri: str,
    experiment: str,
    parent: MlflowRun,
    children: Sequence[MlflowRun],
    at_ms: int,
) -> ExportedRun:
    """Write ``parent`` and its nested ``children`` (creating or updating them)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            experiment_id = _experiment(client, uri, experiment)
            parent_id, updated = _write(client, experiment_id, parent, at_ms, None)
            ids = {c.name: _write(client, experiment_id, c, at_ms, parent_id)[0] for c in children}
    except ServiceError:
        raise
    except Exception as exc:
        text = (str(exc).strip() or type(exc).__name__).splitlines()[0]
        raise ServiceError(f"export to {uri!r} failed: {text}") from None
    return ExportedRun(experiment_id, parent_id, ids, updated)
