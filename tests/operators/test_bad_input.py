"""The bad-input catalogue: every parameter of every operator, sensor and the connection.

Each row is (what is built, its arguments, the parameter the error must name). Static values fail
when the DAG is parsed, before any request; templated values fail after rendering, still before
any request. ``tests/conftest.py`` prints the number of cases at the end of the run.
"""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from airflow_provider_dataarts.api import errors
from airflow_provider_dataarts.api.settings import from_connection
from airflow_provider_dataarts.operators.factory import DataArtsRestartInstanceOperator, DataArtsRetryInstancesOperator
from airflow_provider_dataarts.operators.jobs import (
    DataArtsRunJobOperator,
    DataArtsStartJobOperator,
    DataArtsStopJobOperator,
)
from airflow_provider_dataarts.operators.modelarts import ModelArtsRestartVisualizationOperator
from airflow_provider_dataarts.operators.quality import DataArtsRerunQualityOperator
from airflow_provider_dataarts.sensors.base import DataArtsRunSensor
from airflow_provider_dataarts.sensors.factory import DataArtsFactoryInstancesSensor, DataArtsJobInstanceSensor
from airflow_provider_dataarts.sensors.modelarts import ModelArtsVisualizationJobSensor
from airflow_provider_dataarts.sensors.quality import DataArtsQualityInstanceSensor
from airflow_provider_dataarts.validation import InvalidParameterError, epoch_ms
from tests.conftest import routes

V1 = DataArtsRestartInstanceOperator
V2 = DataArtsRetryInstancesOperator
QUALITY = DataArtsRerunQualityOperator
MODELARTS = ModelArtsRestartVisualizationOperator
RUN, START, STOP = DataArtsRunJobOperator, DataArtsStartJobOperator, DataArtsStopJobOperator
RUN_OK = {"job_name": "nightly_sales"}
V1_OK = {"job_name": "nightly_sales", "instance_id": 34765}
RETRY = {"job_id": 917567, "plan_time": 1732601580000, "submit_time": 1732239754684}
V2_OK = {"job_name": "nightly_sales", "retry_location": "errorNode", "retry_task_version": "original_version"}
MODE_1 = {**V2_OK, "task_retrys": [RETRY]}
MODE_2 = {**V2_OK, "begin_time": 1732608520000, "end_time": 1732612120000, "jobs": []}
COMMON = [  # the arguments every operator shares
    ("poll_interval", 0),
    ("poll_interval", -1),
    ("poll_interval", "fast"),
    ("poll_interval", True),
    ("timeout", 0),
    ("timeout", "a day"),
    ("start_timeout", -5),
    ("wait_for_completion", "maybe"),
    ("deferrable", "sometimes"),
    ("cancel_on_kill", 2),
    ("workspace", "ws 1"),
    ("workspace", ""),
    ("workspace", "ws/1"),
    ("project_id", "p 1"),
    ("project_id", 42),
]

OPERATOR_CASES: list[tuple[type, dict, str]] = [
    # DataArtsRestartInstanceOperator
    (V1, {**V1_OK, "job_name": ""}, "job_name"),
    (V1, {**V1_OK, "job_name": "   "}, "job_name"),
    (V1, {**V1_OK, "job_name": 123}, "job_name"),
    (V1, {**V1_OK, "job_name": "line\nbreak"}, "job_name"),
    (V1, {**V1_OK, "job_name": " padded"}, "job_name"),
    (V1, {**V1_OK, "job_name": "x" * 300}, "job_name"),
    (V1, {**V1_OK, "instance_id": "abc"}, "instance_id"),
    (V1, {**V1_OK, "instance_id": ""}, "instance_id"),
    (V1, {**V1_OK, "instance_id": "-1"}, "instance_id"),
    (V1, {**V1_OK, "instance_id": 1.5}, "instance_id"),
    (V1, {**V1_OK, "instance_id": True}, "instance_id"),
    (V1, {**V1_OK, "instance_id": "\uff13\uff14"}, "instance_id"),  # full-width digits
    (V1, {**V1_OK, "retry_location": "middle"}, "retry_location"),
    (V1, {**V1_OK, "retry_location": ""}, "retry_location"),
    (V1, {**V1_OK, "retry_location": 1}, "retry_location"),
    (V1, {**V1_OK, "retry_location": "specified_node"}, "node_name"),
    (V1, {**V1_OK, "retry_location": "error_node", "node_name": "load"}, "node_name"),
    (V1, {**V1_OK, "node_name": "load"}, "node_name"),
    (V1, {**V1_OK, "retry_location": "specified_node", "node_name": ""}, "node_name"),
    (V1, {**V1_OK, "job_param_version": "newest"}, "job_param_version"),
    (V1, {**V1_OK, "job_param_version": "current_version"}, "job_param_version"),
    (V1, {**V1_OK, "ignore_obs_monitor": "yes"}, "ignore_obs_monitor"),
    (V1, {**V1_OK, "ignore_obs_monitor": 1}, "ignore_obs_monitor"),
    *[(V1, {**V1_OK, name: value}, name) for name, value in COMMON],
    # DataArtsRetryInstancesOperator
    (V2, {**MODE_1, "job_name": ""}, "job_name"),
    (V2, {**MODE_1, "retry_location": None}, "retry_location"),
    (V2, {**MODE_1, "retry_location": "errornode"}, "retry_location"),
    (V2, {**MODE_1, "retry_task_version": None}, "retry_task_version"),
    (V2, {**MODE_1, "retry_task_version": "latest_version"}, "retry_task_version"),
    (V2, {**MODE_1, "retry_location": "specifiedNode"}, "node_name"),
    (V2, {**MODE_1, "node_name": "load"}, "node_name"),
    (V2, {**MODE_1, "ignore_obs_monitor": "true-ish"}, "ignore_obs_monitor"),
    (V2, {**MODE_1, "task_retrys": []}, "task_retrys"),
    (V2, {**MODE_1, "task_retrys": "34765"}, "task_retrys"),
    (V2, {**MODE_1, "task_retrys": [34765]}, "task_retrys[0]"),
    (V2, {**MODE_1, "task_retrys": [{"job_id": 917567}]}, "task_retrys[0]"),
    (V2, {**MODE_1, "task_retrys": [{**RETRY, "job_id": "abc"}]}, "task_retrys[0].job_id"),
    (V2, {**MODE_1, "task_retrys": [{**RETRY, "plan_time": 1732601580}]}, "task_retrys[0].plan_time"),
    (V2, {**MODE_1, "task_retrys": [{**RETRY, "plan_time": "yesterday"}]}, "task_retrys[0].plan_time"),
    (
        V2,
        {**MODE_1, "task_retrys": [RETRY, {**RETRY, "submit_time": "2024-13-45T00:00:00"}]},
        "task_retrys[1].submit_time",
    ),
    (V2, {**MODE_1, "begin_time": 1732608520000}, "task_retrys"),  # mode 1 mixed with mode 2
    (V2, {**MODE_1, "jobs": ["daily_report"]}, "task_retrys"),
    (V2, {**MODE_1, "concurrent": 2}, "task_retrys"),
    (V2, V2_OK, "begin_time"),  # neither mode
    (V2, {**V2_OK, "begin_time": 1732608520000}, "end_time"),
    (V2, {**V2_OK, "end_time": 1732608520000}, "begin_time"),
    (V2, {**MODE_2, "end_time": 1732608510000}, "end_time"),  # before begin_time
    (V2, {**MODE_2, "begin_time": "2024-13-45"}, "begin_time"),
    (V2, {**MODE_2, "begin_time": dt.date(2024, 11, 26)}, "begin_time"),
    (V2, {**MODE_2, "jobs": "daily_report"}, "jobs"),
    (V2, {**MODE_2, "jobs": [{"workspace_id": "ws-1"}]}, "jobs[0]"),
    (V2, {**MODE_2, "jobs": [{"job_name": "daily_report"}]}, "jobs[0].workspace_id"),
    (V2, {**MODE_2, "jobs": [{"job_name": "", "workspace_id": "ws-1"}]}, "jobs[0].job_name"),
    (V2, {**MODE_2, "jobs": [{"job_name": "r", "workspace_id": "ws 1"}]}, "jobs[0].workspace_id"),
    (V2, {**V2_OK, "begin_time": 1732608520000, "end_time": 1732612120000}, "jobs"),  # the API needs it
    (V2, {**MODE_2, "concurrent": 0}, "concurrent"),
    (V2, {**MODE_2, "concurrent": 129}, "concurrent"),
    (V2, {**MODE_2, "concurrent": "many"}, "concurrent"),
    (V2, {**MODE_2, "concurrent": 1.5}, "concurrent"),
    *[(V2, {**MODE_2, name: value}, name) for name, value in COMMON],
    # DataArtsRerunQualityOperator
    (QUALITY, {"rule_id": "abc"}, "rule_id"),
    (QUALITY, {"rule_id": ""}, "rule_id"),
    (QUALITY, {"rule_id": 12.5}, "rule_id"),
    (QUALITY, {"rule_id": "1440764172232392705", "rule_type": 3}, "rule_type"),
    (QUALITY, {"rule_id": "1440764172232392705", "rule_type": "quality_job"}, "rule_type"),
    (QUALITY, {"rule_id": "1440764172232392705", "rule_type": True}, "rule_type"),
    (QUALITY, {"rule_id": "1440764172232392705", "fail_on_alarm": "no"}, "fail_on_alarm"),
    *[(QUALITY, {"rule_id": "1440764172232392705", name: value}, name) for name, value in COMMON],
    # ModelArtsRestartVisualizationOperator
    (MODELARTS, {"job_id": ""}, "job_id"),
    (MODELARTS, {"job_id": " 10"}, "job_id"),
    (MODELARTS, {"job_id": "a" * 200}, "job_id"),
    *[(MODELARTS, {"job_id": "10", name: value}, name) for name, value in COMMON],
    # DataArtsRunJobOperator, DataArtsStartJobOperator, DataArtsStopJobOperator
    (RUN, {"job_name": ""}, "job_name"),
    (RUN, {"job_name": ".."}, "job_name"),
    (RUN, {"job_name": None}, "job_name"),
    (RUN, {**RUN_OK, "job_params": "day=1"}, "job_params"),
    (RUN, {**RUN_OK, "job_params": 5}, "job_params"),
    (RUN, {**RUN_OK, "job_params": ["day"]}, "job_params[0]"),
    (RUN, {**RUN_OK, "job_params": {"day": None}}, "job_params[0].value"),
    (RUN, {**RUN_OK, "job_params": {"day": ["1"]}}, "job_params[0].value"),
    (RUN, {**RUN_OK, "job_params": {"day": True}}, "job_params[0].value"),
    (RUN, {**RUN_OK, "job_params": {"day": float("nan")}}, "job_params[0].value"),
    (RUN, {**RUN_OK, "job_params": {"day": "x" * 1025}}, "job_params[0].value"),
    (RUN, {**RUN_OK, "job_params": {"": "1"}}, "job_params[0].name"),
    (RUN, {**RUN_OK, "job_params": {"d" * 65: "1"}}, "job_params[0].name"),
    (RUN, {**RUN_OK, "job_params": {"run date": "1"}}, "job_params[0].name"),
    (RUN, {**RUN_OK, "job_params": [{"name": "day"}]}, "job_params[0].value"),
    (RUN, {**RUN_OK, "job_params": [{"value": "1"}]}, "job_params[0].name"),
    (RUN, {**RUN_OK, "job_params": [{"name": "day", "value": "1", "kind": "x"}]}, "job_params[0]"),
    (
        RUN,
        {**RUN_OK, "job_params": [{"name": "day", "value": "1", "paramType": "constant"}]},
        "job_params[0].paramType",
    ),
    (
        RUN,
        {**RUN_OK, "job_params": [{"name": "d", "value": "1", "type": "variable", "paramType": "variable"}]},
        "job_params[0]",
    ),
    (RUN, {**RUN_OK, "job_params": [{"name": "d", "value": "1"}, {"name": "d", "value": "2"}]}, "job_params"),
    *[(RUN, {**RUN_OK, name: value}, name) for name, value in COMMON],
    (START, {"job_name": ""}, "job_name"),
    (START, {**RUN_OK, "job_params": {"day": object()}}, "job_params[0].value"),
    (START, {**RUN_OK, "poll_interval": 0}, "poll_interval"),
    (STOP, {"job_name": "a\nb"}, "job_name"),
    (STOP, {"job_name": ".."}, "job_name"),
    (STOP, {**RUN_OK, "start_timeout": 0}, "start_timeout"),
    (STOP, {**RUN_OK, "workspace": "w s"}, "workspace"),
    # Sensors
    (DataArtsJobInstanceSensor, {"job_name": "", "instance_id": 1}, "job_name"),
    (DataArtsJobInstanceSensor, {"job_name": "j", "instance_id": "x"}, "instance_id"),
    (DataArtsJobInstanceSensor, {"job_name": "j", "instance_id": 1, "workspace": "w s"}, "workspace"),
    (DataArtsJobInstanceSensor, {"job_name": "j", "instance_id": 1, "deferrable": "x"}, "deferrable"),
    (DataArtsFactoryInstancesSensor, {"job_name": "j"}, "plan_time"),
    (DataArtsFactoryInstancesSensor, {"job_name": "j", "plan_time": "soon"}, "plan_time"),
    (DataArtsFactoryInstancesSensor, {"job_name": "j", "plan_time": 1, "min_plan_time": 2}, "plan_time"),
    (DataArtsFactoryInstancesSensor, {"job_name": "j", "min_plan_time": 1732608520000}, "plan_time"),
    (
        DataArtsFactoryInstancesSensor,
        {"job_name": "j", "min_plan_time": "x", "max_plan_time": 1732608520000},
        "min_plan_time",
    ),
    (DataArtsFactoryInstancesSensor, {"job_name": "", "plan_time": 1732608520000}, "job_name"),
    (DataArtsQualityInstanceSensor, {"instance_id": "x"}, "instance_id"),
    (DataArtsQualityInstanceSensor, {"instance_id": "1", "fail_on_alarm": "x"}, "fail_on_alarm"),
    (ModelArtsVisualizationJobSensor, {"job_id": ""}, "job_id"),
]

#: (what is built, good arguments, the parameter sent as a path segment - or, for rule_id, in the body)
PATH_PARAMETERS: list[tuple[type, dict, str]] = [
    (V1, V1_OK, "job_name"),
    (V1, V1_OK, "instance_id"),
    (V2, MODE_1, "job_name"),
    (QUALITY, {"rule_id": "1"}, "rule_id"),  # no rerun of rule "None"
    (MODELARTS, {"job_id": "10"}, "job_id"),
    (DataArtsJobInstanceSensor, {"job_name": "j", "instance_id": 1}, "job_name"),
    (DataArtsJobInstanceSensor, {"job_name": "j", "instance_id": 1}, "instance_id"),
    (DataArtsFactoryInstancesSensor, {"job_name": "j", "plan_time": 1732608520000}, "job_name"),
    (DataArtsQualityInstanceSensor, {"instance_id": "1"}, "instance_id"),
    (ModelArtsVisualizationJobSensor, {"job_id": "10"}, "job_id"),
]
#: names the transports would normalise (``/jobs/../instances/1`` is another path) or a template's nothing
UNSENDABLE_NAMES = [".", "..", "None", ""]
OPERATOR_CASES += [
    row
    for cls, kwargs, name in PATH_PARAMETERS
    for value in UNSENDABLE_NAMES
    if (row := (cls, {**kwargs, name: value}, name)) not in OPERATOR_CASES
]

CONNECTION_BASE = {"region": "cn-north-4", "project_id": "0123456789abcdef"}
CONNECTION_CASES: list[tuple[str | None, str | None, dict, str]] = [
    (None, "SK", CONNECTION_BASE, "login (access key)"),
    ("AK", None, CONNECTION_BASE, "password (secret key)"),
    ("", "SK", CONNECTION_BASE, "login (access key)"),
    ("user", None, {**CONNECTION_BASE, "auth_type": "password", "domain": "d"}, "password (IAM password)"),
    ("user", "pw", {**CONNECTION_BASE, "auth_type": "password"}, "domain"),
    (
        "user",
        "pw",
        {**CONNECTION_BASE, "auth_type": "password", "domain": "d", "security_token": "t"},
        "security_token",
    ),
    ("AK", "SK", {**CONNECTION_BASE, "auth_type": "oauth"}, "auth_type"),
    ("AK", "SK", {"project_id": "p"}, "region"),
    ("AK", "SK", {**CONNECTION_BASE, "region": "CN North 4"}, "region"),
    ("AK", "SK", {**CONNECTION_BASE, "region": "cn_north_4"}, "region"),
    ("AK", "SK", {**CONNECTION_BASE, "region": 4}, "region"),
    ("AK", "SK", {"region": "cn-north-4"}, "project_id"),
    ("AK", "SK", {**CONNECTION_BASE, "project_id": "p/1"}, "project_id"),
    ("AK", "SK", {**CONNECTION_BASE, "workspace": "w s"}, "workspace"),
    ("AK", "SK", {**CONNECTION_BASE, "endpoint": "dayu.example.com"}, "endpoint"),
    ("AK", "SK", {**CONNECTION_BASE, "dlf_endpoint": "ftp://dayu.example.com"}, "dlf_endpoint"),
    ("AK", "SK", {**CONNECTION_BASE, "dataarts_endpoint": "https://"}, "dataarts_endpoint"),
    ("AK", "SK", {**CONNECTION_BASE, "modelarts_endpoint": "https://m.example:99999"}, "modelarts_endpoint"),
    ("AK", "SK", {**CONNECTION_BASE, "iam_endpoint": "https://iam.example/?x=1"}, "iam_endpoint"),
    ("AK", "SK", {**CONNECTION_BASE, "verify": 3}, "verify"),
    ("AK", "SK", {**CONNECTION_BASE, "timeout": "-1"}, "timeout"),
    ("AK", "SK", {**CONNECTION_BASE, "timeout": "slow"}, "timeout"),
    ("AK", "SK", {**CONNECTION_BASE, "retry_limit": 99}, "retry_limit"),
    ("AK", "SK", {**CONNECTION_BASE, "retry_delay": 0}, "retry_delay"),
    ("AK", "SK", {**CONNECTION_BASE, "rate_limit": -1}, "rate_limit"),
]
#: (template value, what it renders to, the parameter)
RENDERED_CASES = [
    (V1, V1_OK, "instance_id", "{{ params.instance }}", "abc"),
    (V1, V1_OK, "job_name", "{{ params.job }}", ""),
    (V1, {**V1_OK, "retry_location": "specified_node"}, "node_name", "{{ params.node }}", None),
    (V2, MODE_2, "concurrent", "{{ params.concurrent }}", "500"),
    (V2, MODE_2, "begin_time", "{{ params.begin }}", "not a time"),
    (QUALITY, {"rule_id": "1"}, "rule_type", "{{ params.kind }}", "quality-job"),
    (MODELARTS, {"job_id": "10"}, "workspace", "{{ params.ws }}", "bad workspace"),
    (RUN, RUN_OK, "job_name", "{{ params.job }}", None),
    (RUN, RUN_OK, "job_params", "{{ params.job_params }}", "day=1"),
    (START, RUN_OK, "job_name", "{{ params.job }}", ".."),
]
#: a template that rendered a name the transports would normalise, or nothing (None: a native render)
RENDERED_CASES += [
    (cls, kwargs, name, "{{ params.name }}", value)
    for cls, kwargs, name in PATH_PARAMETERS
    for value in [*UNSENDABLE_NAMES, None]
    if (cls, name, value) not in [(row[0], row[2], row[4]) for row in RENDERED_CASES]
]
CASE_COUNT = len(OPERATOR_CASES) + len(CONNECTION_CASES) + len(RENDERED_CASES)


def _name(row: tuple) -> str:
    return f"{row[0].__name__}-{row[2]}" if isinstance(row[0], type) else str(row[-1])


@pytest.mark.parametrize(("cls", "kwargs", "parameter"), OPERATOR_CASES, ids=[_name(row) for row in OPERATOR_CASES])
def test_static_bad_input_fails_at_parse_time(cls, kwargs, parameter) -> None:
    with pytest.raises(InvalidParameterError) as raised:
        cls(task_id="t", **kwargs)
    assert raised.value.parameter == parameter
    assert f"{parameter!r}" in str(raised.value)


@pytest.mark.parametrize(("login", "password", "extra", "parameter"), CONNECTION_CASES, ids=lambda v: str(v)[:30])
def test_bad_connection_names_the_field(login, password, extra, parameter) -> None:
    with pytest.raises(InvalidParameterError) as raised:
        from_connection(login, password, extra)
    assert raised.value.parameter == parameter


@pytest.mark.parametrize(
    ("cls", "kwargs", "name", "template", "rendered"),
    RENDERED_CASES,
    ids=[f"{row[0].__name__}-{row[2]}-{row[4]!r}" for row in RENDERED_CASES],
)
def test_templated_bad_input_fails_after_rendering_before_any_request(
    live, cls, kwargs, name, template, rendered
) -> None:
    task = cls(task_id="t", **{**kwargs, name: template})  # a template cannot be checked at parse time
    setattr(task, name, rendered)  # what rendering produced
    context = {"ti": None, "task_state_store": None}
    # a sensor is checked where it starts: its first poke, or its deferrable execute
    starts = [task.execute]
    if isinstance(task, DataArtsRunSensor):
        task.deferrable = True
        starts = [task.poke, task.execute]
    for start in starts:
        with pytest.raises(InvalidParameterError) as raised:
            start(context)
        assert raised.value.parameter == name
    assert routes(live) == []


@pytest.mark.parametrize("job_name", ["a/b", "100%", "with space", "夜间作业", "café report"])
def test_unusual_but_valid_job_names_are_accepted_and_encoded(live, job_name) -> None:
    from tests.operators.harness import run_task

    operator = V1(task_id="t", job_name=job_name, instance_id=1, poll_interval=0.02)
    with pytest.raises(errors.DataArtsNotFoundError, match=r"DLF\.0100"):  # no such job: the API says so
        run_task(operator)
    (request,) = routes(live)
    assert "/" not in request["path"].split("/jobs/")[1].split("/instances/")[0]  # one encoded segment


def test_unknown_regions_are_accepted() -> None:
    assert from_connection("AK", "SK", {**CONNECTION_BASE, "region": "zz-new-region-7"}).region == "zz-new-region-7"


@pytest.mark.parametrize(
    "moment",
    [
        1732601580000,
        "1732601580000",
        "2024-11-26T06:13:00Z",
        "2024-11-26T14:13:00+08:00",
        dt.datetime(2024, 11, 26, 6, 13),  # naive means UTC
        dt.datetime(2024, 11, 26, 6, 13, tzinfo=dt.UTC),
        pendulum.datetime(2024, 11, 26, 14, 13, tz="Asia/Shanghai"),
    ],
)
def test_every_time_form_means_the_same_moment(moment) -> None:
    assert epoch_ms("plan_time", moment) == 1732601580000
