"""The worked example of ``docs/architecture.md`` ("Adding an API"): a sensor for a new status API.

Everything a read-only sensor for a ModelArts training job needs is declared below, in four parts - each
the content of one provider file - and nothing else in the provider changes: the generic read step,
the sensor base, the trigger base and the registry of triggers do the rest. The sensor then runs like
the shipped ones, poked in the worker and deferred to its trigger, over HTTP against a scripted server.

The status API: ``GET /v2/{project_id}/training-jobs/{training_job_id}`` (ModelArts "Querying the Details
About a Training Job"); the job's ``status.phase`` is one of ``Creating``, ``Pending``, ``Running``,
``Completed``, ``Failed``, ``Terminating``, ``Terminated``, ``Abnormal``.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, TypedDict

import pytest

from airflow_provider_dataarts import validation
from airflow_provider_dataarts.api import fields
from airflow_provider_dataarts.api.catalogue import Endpoint, Service
from airflow_provider_dataarts.api.errors import DataArtsResponseError
from airflow_provider_dataarts.api.phases import Phase
from airflow_provider_dataarts.outcomes import DataArtsRunFailedError
from airflow_provider_dataarts.runs.base import Kind, Observation
from airflow_provider_dataarts.sensors.base import DataArtsRunSensor
from airflow_provider_dataarts.triggers.base import DataArtsRunTrigger
from airflow_provider_dataarts.triggers.status import trigger_for
from tests.hostile import Answer, connection, hostile
from tests.operators.harness import make_context, run_task

# --- 1. api/catalogue.py: the endpoint ------------------------------------------------------------

MODELARTS_TRAINING_JOB = Endpoint(
    "modelarts.training_job", Service.MODELARTS, "GET", "/v2/{project_id}/training-jobs/{training_job_id}"
)

# --- 2. runs/modelarts_training_job.py (new): the answer's model, the watch, how to observe, KIND -----

TRAINING_PHASES = {
    "Creating": Phase.IN_PROGRESS,
    "Pending": Phase.IN_PROGRESS,
    "Running": Phase.IN_PROGRESS,
    "Completed": Phase.SUCCEEDED,
    "Failed": Phase.FAILED,
    "Terminating": Phase.FAILED,
    "Terminated": Phase.FAILED,
    "Abnormal": Phase.FAILED,
}


@dataclasses.dataclass(frozen=True)
class TrainingJob:
    """A training job's id and phase (``metadata.id``, ``status.phase``; the phase is required)."""

    job_id: str
    name: str | None
    status: str

    @classmethod
    def from_api(cls, data: Any) -> TrainingJob:
        data = fields.obj(data)
        metadata = fields.obj(data.get("metadata"), "metadata")
        status = fields.obj(data.get("status"), "status")
        return cls(fields.word(metadata, "id") or "", fields.text(metadata, "name"), fields.status(status, "phase"))

    @property
    def phase(self) -> Phase:
        return TRAINING_PHASES.get(self.status, Phase.UNKNOWN)


class TrainingJobWatch(TypedDict):
    job_id: str
    baseline: None


def describe(watch: TrainingJobWatch) -> str:
    return f"ModelArts training job {watch['job_id']}"


def observe(watch: TrainingJobWatch):  # -> Steps[Observation]
    from airflow_provider_dataarts.api import calls

    params = {"training_job_id": watch["job_id"]}
    job = yield from calls.read(
        MODELARTS_TRAINING_JOB, params, TrainingJob.from_api, asked_for=("job_id", "training_job_id")
    )
    failure = f"the training job ended {job.status}" if job.phase is Phase.FAILED else None
    return Observation(
        True, job.phase, job.status, {"job_id": job.job_id, "name": job.name, "status": job.status}, failure
    )


KIND: Kind[TrainingJobWatch] = Kind("modelarts_training_job", describe, observe, watch=TrainingJobWatch)

# --- 3. triggers/status.py: its trigger ----------------------------------------------------------


class ModelArtsTrainingJobTrigger(DataArtsRunTrigger):
    """Waits for a ModelArts training job to end."""

    kind = KIND


# --- 4. sensors/modelarts.py: the sensor ---------------------------------------------------------


class ModelArtsTrainingJobSensor(DataArtsRunSensor):
    """Wait until a ModelArts training job has completed; fail if it ends otherwise.

    :param job_id: the training job id. (templated)
    """

    kind = KIND
    identity_keys = ("job_id",)
    template_fields: tuple[str, ...] = (*DataArtsRunSensor.template_fields, "job_id")

    def __init__(self, *, job_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job_id = job_id
        self.validate_arguments(rendered=False)

    def validate_arguments(self, rendered: bool) -> None:
        super().validate_arguments(rendered)
        self.checked("job_id", validation.name_id, rendered=rendered, required=True)

    def watch(self) -> TrainingJobWatch:
        return {"job_id": str(self.job_id), "baseline": None}


# --- the example at work --------------------------------------------------------------------------

PATH = r"^GET /v2/p1/training-jobs/job-7$"


def training_job(phase: str, job_id: str = "job-7") -> Answer:
    return Answer(200, json.dumps({"metadata": {"id": job_id, "name": "resnet"}, "status": {"phase": phase}}))


def answers(*phases: str):
    """Answer the status reads with ``phases`` in turn, the last one from then on."""
    seen: list[int] = []

    def answer(_: Any) -> Answer:
        seen.append(1)
        return training_job(phases[min(len(seen), len(phases)) - 1])

    return answer


def sensor(deferrable: bool) -> ModelArtsTrainingJobSensor:
    return ModelArtsTrainingJobSensor(
        task_id="train",
        dataarts_conn_id="hostile",
        job_id="job-7",
        deferrable=deferrable,
        poke_interval=0.1,
        timeout=30,
    )


@pytest.mark.parametrize("deferrable", [False, True], ids=["poke", "deferred"])
def test_the_new_sensor_waits_for_its_job_to_complete(monkeypatch, deferrable: bool) -> None:
    with hostile() as server:
        monkeypatch.setenv("AIRFLOW_CONN_HOSTILE", connection(server.url))
        server.script(PATH, answers("Pending", "Running", "Running", "Completed"))
        result = run_task(sensor(deferrable), make_context())
        assert {key: result[key] for key in ("kind", "outcome", "acted", "job_id", "name", "status")} == {
            "kind": "modelarts_training_job",
            "outcome": "success",
            "acted": False,
            "job_id": "job-7",
            "name": "resnet",
            "status": "Completed",
        }
        assert server.count(PATH) == 4


@pytest.mark.parametrize("deferrable", [False, True], ids=["poke", "deferred"])
def test_the_new_sensor_fails_with_the_phase_its_job_ended_in(monkeypatch, deferrable: bool) -> None:
    with hostile() as server:
        monkeypatch.setenv("AIRFLOW_CONN_HOSTILE", connection(server.url))
        server.script(PATH, answers("Running", "Abnormal"))
        with pytest.raises(DataArtsRunFailedError, match="the training job ended Abnormal"):
            run_task(sensor(deferrable), make_context())


def test_an_answer_about_another_job_is_not_taken(monkeypatch) -> None:
    """The read checks that the answer names the job asked for; a poke takes that error as transient."""
    from airflow_provider_dataarts.hooks.dataarts import DataArtsHook

    with hostile() as server:
        monkeypatch.setenv("AIRFLOW_CONN_HOSTILE", connection(server.url, retry_limit=0))
        server.script(PATH, training_job("Completed", job_id="job-8"))
        with pytest.raises(DataArtsResponseError, match="job_id 'job-8', not the 'job-7' asked for"):
            DataArtsHook("hostile").run(KIND.observe({"job_id": "job-7", "baseline": None}))
        assert sensor(False).poke(make_context()) is False


def test_the_trigger_is_found_by_the_kind_and_found_again_by_its_class_path() -> None:
    assert trigger_for(KIND) is ModelArtsTrainingJobTrigger
    assert ModelArtsTrainingJobTrigger.__module__ == __name__
