"""Scenarios from JSON/YAML files, dicts and the admin API; validation; the virtual clock."""

from __future__ import annotations

import json

import pytest

from airflow_provider_dataarts.emulator import Emulator
from airflow_provider_dataarts.emulator.admin_client import EmulatorAdminError
from airflow_provider_dataarts.emulator.scenario import DEFAULT_PATH, ScenarioError, normalise, read_source

from ._helpers import Api, detail_path

YAML_SCENARIO = """
clock: {start: "2026-01-01T00:00:00Z", speed: 0}
project_id: 0123456789abcdef0123456789abcdef
workspaces: [ws-default]
defaults: {lag: 1, wait: 1, duration: 5}
factory_jobs:
  - name: yaml job
    nodes: [{name: only, type: Shell}]
    instances:
      - {instance_id: 7, plan_time: 2025-12-31T23:00:00Z, status: success}
"""


def test_default_scenario_file_is_json_and_complete():
    raw = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    scenario = normalise(raw, 0)
    names = [job["name"] for job in scenario["factory_jobs"]]
    assert any(" " in n and not n.isascii() for n in names)
    statuses = {i["status"] for job in scenario["factory_jobs"] for i in job["instances"]}
    assert {"fail", "success"} <= statuses
    assert {job["rule_type"] for job in scenario["quality_jobs"]} == {1, 2}
    assert {job["status"] for job in scenario["visualization_jobs"]} == {12, 8}


def test_yaml_file(tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text(YAML_SCENARIO, encoding="utf-8")
    with Emulator(scenario=str(path)) as emu:
        api = Api(emu.url)
        body = api.get(detail_path("yaml job", 7)).json()
        assert (body["status"], body["planTime"]) == ("success", 1767222000000)
        assert emu.admin.clock()["now"] == 1767225600000
        assert emu.admin.clock()["speed"] == 0


def test_json_file_and_dict(tmp_path):
    scenario = {"factory_jobs": [{"name": "j", "instances": [{"instance_id": 1, "plan_time": 5}]}]}
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    for source in (path, scenario):
        with Emulator(scenario=source, speed=0) as emu:
            assert Api(emu.url).get(detail_path("j", 1)).json()["planTime"] == 5


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"factory_job": []}, "unknown key"),
        ({"factory_jobs": [{"name": "j", "instances": [{"plan_time": 1, "status": "done"}]}]}, "status"),
        ({"factory_jobs": [{"name": "j", "instances": [{"plan_time": 1, "failed_node": "x"}]}]}, "failed_node"),
        ({"factory_jobs": [{"name": "j", "instances": [{"status": "fail"}]}]}, "plan_time"),
        ({"factory_jobs": [{"name": "j", "workspace": "ws-x"}]}, "workspace"),
        ({"factory_jobs": [{"name": "j"}, {"name": "j"}]}, "twice"),
        ({"quality_jobs": [{"id": "1", "name": "q", "rule_type": 3}]}, "rule_type"),
        ({"quality_jobs": [{"id": "1", "name": "q", "runs": [{"run_status": "RUNNING"}]}]}, "run_status"),
        ({"clock": {"start": "yesterday"}}, "clock.start"),
        ({"config": {"field_form": "xml"}}, "field_form"),
    ],
)
def test_validation_errors_name_the_field(raw, fragment):
    with pytest.raises(ScenarioError, match=fragment):
        Emulator(scenario=raw)


def test_unreadable_file():
    with pytest.raises(ScenarioError, match="cannot read"):
        read_source("/nonexistent/scenario.json")


def test_admin_reset_with_a_new_scenario_then_back(dataarts_emulator, api, admin):
    admin.reset({"factory_jobs": [{"name": "fresh", "instances": [{"instance_id": 3, "plan_time": 0}]}]})
    assert api.get(detail_path("fresh", 3)).status_code == 200
    assert api.get(detail_path("nightly_sales", 34765)).json()["error_code"] == "DLF.0100"
    admin.reset()  # back to the scenario loaded last
    assert api.get(detail_path("fresh", 3)).status_code == 200
    with pytest.raises(EmulatorAdminError, match="unknown key"):
        admin.reset({"bogus": 1})
    assert api.get(detail_path("fresh", 3)).status_code == 200  # an invalid scenario changes nothing


def test_reset_clears_faults_log_rate_limit_config_and_state(api, admin):
    api.post(f"{detail_path('nightly_sales', 34765)}/restart")
    admin.add_fault("throttle", path="/v1/")
    admin.rate_limit(1, 10)
    admin.config(field_form="sdk")
    admin.advance(100)
    admin.reset()
    state = admin.state()
    assert state["faults"] == [] and state["rate_limit"] is None and state["config"]["field_form"] == "docs"
    assert state["clock"]["now"] == 1795327200000
    assert admin.requests() == []
    assert api.get(detail_path("nightly_sales", 34765)).json()["status"] == "fail"


def test_scenario_config_section(tmp_path):
    with Emulator(
        {
            "config": {"field_form": "sdk"},
            "factory_jobs": [{"name": "j", "instances": [{"instance_id": 1, "plan_time": 0}]}],
        }
    ) as emu:
        assert "instancesId" in Api(emu.url).get(detail_path("j", 1)).json()


def test_initial_running_instance_with_duration_and_outcome(admin, api):
    admin.reset(
        {
            "clock": {"start": 1_000_000},
            "factory_jobs": [
                {
                    "name": "j",
                    "nodes": ["a", "b"],
                    "instances": [
                        {
                            "instance_id": 1,
                            "plan_time": 0,
                            "status": "running",
                            "start_time": 1_000_000,
                            "duration": 10,
                            "outcome": "fail",
                            "failed_node": "b",
                        },
                        {"instance_id": 2, "plan_time": 0, "status": "waiting"},
                        {"instance_id": 3, "plan_time": 0, "status": "pause", "failed_node": "b"},
                    ],
                }
            ],
        }
    )
    assert api.get(detail_path("j", 1)).json()["status"] == "running"
    admin.advance(10)
    body = api.get(detail_path("j", 1)).json()
    assert (body["status"], [n["status"] for n in body["nodes"]]) == ("fail", ["success", "fail"])
    assert api.get(detail_path("j", 2)).json()["status"] == "waiting"
    assert [n["status"] for n in api.get(detail_path("j", 3)).json()["nodes"]] == ["success", "pause"]
    assert api.post(f"{detail_path('j', 3)}/restart").json()["error_code"] == "DLF.3051"


def test_clock_admin(admin):
    assert admin.clock()["speed"] == 0
    start = admin.clock()["now"]
    assert admin.advance(1.5)["now"] == start + 1500
    assert admin.set_time("2027-01-01T00:00:00Z")["now"] == 1798761600000
    assert admin.set_time(5)["now"] == 5
    admin.set_speed(1000)
    first = admin.clock()["now"]
    assert admin.clock()["now"] > first
    with pytest.raises(EmulatorAdminError):
        admin.advance(-1)
    with pytest.raises(EmulatorAdminError):
        admin.config(field_form="xml")
    with pytest.raises(EmulatorAdminError, match="unknown config key"):
        admin.config(nope=1)


def test_state_dump(admin):
    state = admin.state()
    assert set(state) >= {"clock", "factory_jobs", "quality_jobs", "visualization_jobs", "config", "faults"}
    job = state["factory_jobs"][0]
    assert job["name"] == "nightly_sales" and job["instances"][0]["nodes"][0]["name"] == "extract"


def test_unknown_admin_call(dataarts_emulator):
    import requests

    response = requests.get(f"{dataarts_emulator.url}/_emulator/nothing", timeout=10)
    assert response.status_code == 404
    assert "error" in response.json()
