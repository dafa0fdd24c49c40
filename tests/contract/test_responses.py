"""The independent oracle for answers: every emulator answer of an SDK-modelled call reads through the
official SDK's response model (3.1.219), with a value for every field the provider reads and no field
that neither the SDK models nor the documented pages have.

The DataArts Factory v1 answers come in two documented forms (the pages' and the ``huaweicloudsdkdlf``
model's); ``huaweicloudsdkdgc`` (the same service under its older name) models the pages' form, so each
v1 answer is held to the union of both models.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from tests.emulator._helpers import V1, V2, Api, detail_path

DLF = ("huaweicloudsdkdlf.v1.model", "huaweicloudsdkdgc.v1.model")
STUDIO = ("huaweicloudsdkdataartsstudio.v1.model",)
IAM = ("huaweicloudsdkiam.v3.model",)
WEEK = [("min_plan_time", 1795053600000), ("max_plan_time", 1795600000000)]


def _model(packages: tuple[str, ...], name: str) -> list[type]:
    found = []
    for package in packages:
        module = importlib.import_module(package)
        if hasattr(module, name):
            found.append(getattr(module, name))
    assert found, name
    return found


def _undocumented(data: Any, packages: tuple[str, ...], names: list[str], where: str = "") -> Iterator[str]:
    """Paths of keys in ``data`` that no model named ``names`` (in any of ``packages``) declares."""
    if not isinstance(data, dict):
        return
    models = [model for name in names for model in _model(packages, name)]
    for key, value in data.items():
        types = [
            model.openapi_types[attr] for model in models for attr, wire in model.attribute_map.items() if wire == key
        ]
        if not types:
            yield f"{where}{key}"
            continue
        inner = [kind[5:-1] if kind.startswith("list[") else kind for kind in types]
        nested = [kind for kind in inner if kind[:1].isupper()]
        for item in value if isinstance(value, list) else [value]:
            if nested:
                yield from _undocumented(item, packages, nested, f"{where}{key}.")


def _read(packages: tuple[str, ...], data: Any, response: str) -> Any:
    """The answer as the SDK's model reads it; a type the model cannot take is an error."""
    from huaweicloudsdkcore.client import Client

    client = Client()
    client.model_package = importlib.import_module(packages[0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return client._deserialize(data, response)


def _check(packages: tuple[str, ...], data: Any, response: str) -> Any:
    assert list(_undocumented(data, packages, [response])) == []
    return _read(packages, data, response)


@pytest.fixture
def api(dataarts_emulator) -> Iterator[Api]:
    client = Api(dataarts_emulator.url)
    yield client
    client.session.close()


def _get(api: Api, path: str, **kwargs: Any) -> Any:
    response = api.get(path, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("form", ["docs", "sdk"])
@pytest.mark.parametrize(("job", "instance"), [("nightly_sales", 34765), ("hourly_ingest", 34781)])
def test_v1_detail(api, dataarts_emulator, form, job, instance) -> None:
    dataarts_emulator.admin.config(field_form=form)
    data = _get(api, detail_path(job, instance))
    assert list(_undocumented(data, DLF, ["ShowJobInstanceResponse"])) == []
    read = _read((DLF[0],) if form == "sdk" else (DLF[1],), data, "ShowJobInstanceResponse")
    assert read.status and read.plan_time and read.start_time
    assert (read.instances_id if form == "sdk" else read.instance_id) is not None
    assert all(node.node_name and node.status for node in read.nodes)
    failed = [node for node in read.nodes if node.status in ("fail", "manual-stop")]
    assert all(node.log_path for node in failed)


@pytest.mark.parametrize("form", ["docs", "sdk"])
def test_v1_list(api, dataarts_emulator, form) -> None:
    dataarts_emulator.admin.config(field_form=form)
    data = _get(
        api, f"{V1}/jobs/instances/detail", query=[("minPlanTime", 1795053600000), ("maxPlanTime", 1795600000000)]
    )
    assert list(_undocumented(data, DLF, ["ListJobInstancesResponse"])) == []
    read = _read((DLF[0],) if form == "sdk" else (DLF[1],), data, "ListJobInstancesResponse")
    assert read.total == len(read.instances) > 0
    for item in read.instances:
        assert item.status and item.plan_time and (item.instances_id if form == "sdk" else item.instance_id)


def test_v2_list(api, dataarts_emulator) -> None:
    data = _get(api, f"{V2}/factory/jobs/nightly_sales/instances/detail", query=WEEK)
    read = _check(STUDIO, data, "ListFactoryJobInstancesByNameResponse")
    assert read.total == len(read.instances) == 3
    for item in read.instances:
        assert item.job_name and item.job_id and item.instance_id and item.status and item.plan_time
        assert item.submit_time and item.version is not None and item.start_time


def test_quality_list_and_results(api, dataarts_emulator) -> None:
    restart = api.post(f"{V2}/quality/instances/restart", body={"rule_type": 1, "rule_id": "1440764172232392705"})
    dataarts_emulator.admin.advance(30)
    read = _check(STUDIO, _get(api, f"{V2}/quality/instances"), "ListInstancesResponse")
    assert read.count == len(read.resources) >= 2
    for item in read.resources:
        assert item.id and item.task_id and item.task_type and item.run_status and item.start_time
    result = _get(api, f"{V2}/quality/instances/{restart.json()['instance_id']}/result")
    read = _check(STUDIO, result, "ShowInstanceResultResponse")
    assert read.count == len(read.resources) == 2
    for item in read.resources:
        assert item.sub_rule_id and item.sub_instance_instance_id and item.abnormal_table_status
        assert isinstance(item.results, list)


@pytest.mark.parametrize("form", ["docs", "sdk"])
def test_v1_run_once_and_its_instance(api, dataarts_emulator, form) -> None:
    """The pages' Long (huaweicloudsdkdgc: int) or huaweicloudsdkdlf's string; the new instance's detail too."""
    dataarts_emulator.admin.config(field_form=form)
    response = api.post(f"{V1}/jobs/ad_hoc_export/run-immediate", body={"jobParams": [{"name": "a", "value": "1"}]})
    assert response.status_code == 200, response.text
    package = (DLF[0],) if form == "sdk" else (DLF[1],)
    assert list(_undocumented(response.json(), DLF, ["RunOnceResponse"])) == []
    instance_id = _read(package, response.json(), "RunOnceResponse").instance_id
    assert instance_id
    for seconds in (0, 3, 20):  # waiting, running, failed at a node
        dataarts_emulator.admin.advance(seconds)
        data = _get(api, detail_path("ad_hoc_export", instance_id))
        assert list(_undocumented(data, DLF, ["ShowJobInstanceResponse"])) == []
        read = _read(package, data, "ShowJobInstanceResponse")
        assert read.status and read.plan_time and all(node.node_name and node.status for node in read.nodes)


@pytest.mark.parametrize("job_type", ["BATCH", "REAL_TIME"])
def test_v1_job_list(api, dataarts_emulator, job_type) -> None:
    """Held to huaweicloudsdkdgc's ``JobResult`` only: huaweicloudsdkdlf models the list's items as job
    definitions (``JobInfo``: no ``status``), which no page shows there."""
    dgc = (DLF[1],)
    api.post(f"{V1}/jobs/weekly_archive/start")
    api.post(f"{V1}/jobs/clickstream_realtime/stop")
    data = _get(api, f"{V1}/jobs", query=[("jobType", job_type), ("limit", 100)])
    read = _check(dgc, data, "ListJobsResponse")
    assert read.total == len(read.jobs) >= 2
    for job in read.jobs:  # what the provider reads: name, status, jobType, lastUpdateTime (lastInstanceStatus)
        assert job.name and job.status and job.job_type == job_type and job.last_update_time
        assert job.owner and job.create_time and job.priority is not None
    with_instances = [job for job in read.jobs if job.name in ("nightly_sales", "hourly_ingest")]
    assert len(with_instances) == (2 if job_type == "BATCH" else 0)
    assert all(job.last_instance_status for job in with_instances)


@pytest.mark.parametrize("action", ["start", "stop"])
def test_v1_start_stop_answer_nothing(api, action) -> None:
    response = api.post(f"{V1}/jobs/weekly_archive/{action}")
    assert (response.status_code, response.content) == (204, b"")


def test_iam_token(dataarts_emulator) -> None:
    import requests

    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {
                        "name": "emulator-user",
                        "password": "emulator-password",
                        "domain": {"name": "emulator-domain"},
                    }
                },
            },
            "scope": {"project": {"id": dataarts_emulator.scenario["project_id"]}},
        }
    }
    response = requests.post(f"{dataarts_emulator.url}/v3/auth/tokens?nocatalog=true", json=body, timeout=10)
    assert response.status_code == 201 and response.headers["X-Subject-Token"]
    read = _check(IAM, response.json(), "KeystoneCreateUserTokenByPasswordResponse")
    assert read.token.expires_at and read.token.project.id == dataarts_emulator.scenario["project_id"]


def test_the_check_can_fail() -> None:
    """An answer with a field no model has, or of a type the model cannot take, is caught."""
    assert list(
        _undocumented(
            {"total": 1, "instances": [{"job_name": "j", "verdict": "x"}]},
            STUDIO,
            ["ListFactoryJobInstancesByNameResponse"],
        )
    ) == ["instances.verdict"]
    with pytest.raises(ValueError, match="invalid literal for int"):
        _read(
            STUDIO,
            {"total": 1, "instances": [{"instance_id": "not a number"}]},
            "ListFactoryJobInstancesByNameResponse",
        )
