"""The emulator's route table: each template reaches its operation, parameters come out decoded and in order."""

from __future__ import annotations

import pytest

from airflow_provider_dataarts.emulator import routes
from airflow_provider_dataarts.emulator.routes import TABLE, match, split_path


@pytest.mark.parametrize(("method", "template", "route"), TABLE, ids=[route.name for _, _, route in TABLE])
def test_every_template_reaches_its_operation(method: str, template: str, route: routes.Route) -> None:
    names = [part for part in template.split("/") if part.startswith("{") and part != "{project_id}"]
    path = template.replace("{project_id}", "p1")
    for index, name in enumerate(names):
        path = path.replace(name, f"value%2F{index}")
    assert match(method, split_path(path)) == (route, tuple(f"value/{index}" for index in range(len(names))))


def test_a_literal_segment_wins_over_a_parameter() -> None:
    assert match("GET", split_path("/v1/p1/jobs/instances/detail")) == (routes.DLF_LIST, ())
    assert match("GET", split_path("/v1/p1/jobs/instances/instances/7")) == (routes.DLF_SHOW, ("instances", "7"))


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/v3/auth/tokens"), ("DELETE", "/v1/p1/visualization-jobs/10"), ("GET", "/v1/p1/jobs/a/b"), ("GET", "v1")],
)
def test_anything_else_matches_nothing(method: str, path: str) -> None:
    assert match(method, split_path(path)) is None
