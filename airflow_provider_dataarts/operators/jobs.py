"""Operators for DataArts Factory jobs: run a job once now (v1 ``run-immediate``), start or stop its schedule."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from airflow_provider_dataarts import validation
from airflow_provider_dataarts.api.phases import Phase
from airflow_provider_dataarts.links import DataArtsInstanceLink, DataArtsJobLink
from airflow_provider_dataarts.operators import _factory_args as args
from airflow_provider_dataarts.operators.base import ActThenWaitOperator
from airflow_provider_dataarts.operators.records import Plan
from airflow_provider_dataarts.runs import job_instance, job_schedule

if TYPE_CHECKING:
    from airflow_provider_dataarts.hooks.dataarts import DataArtsHook
    from airflow_provider_dataarts.runs.job_instance import JobInstanceWatch
    from airflow_provider_dataarts.runs.job_schedule import JobScheduleWatch, Wanted


class DataArtsRunJobOperator(ActThenWaitOperator):
    """Run a DataArts Factory job once, now, and wait for that run's outcome (v1 ``run-immediate``).

    The answer names the new instance, which is then waited for like a restarted one (failed nodes
    and their log paths in the error, the instance in the XCom summary, stopped on kill or deadline).
    **Never run twice**: before acting the operator notes the job's instances listed in the window a
    new run will show up in; if the answer is lost, the run the request created is the job's first
    new instance in that window, and only when none shows up within ``start_timeout`` is the run
    requested again. A retry of the task reconnects to the run its earlier try started: on Airflow 3.3+
    through the task's stored record; before 3.3, a retry waits for a run of the job in progress that
    started in the last hour instead of starting another. On every version a manual run of the job
    already in progress (instance type 2) is waited for instead of starting another one.

    :param job_name: the job's name. (templated)
    :param job_params: job parameters for this run: ``{name: value}`` or ``[{"name", "value",
        "paramType"}]``, values as strings or numbers. (templated)
    :param kwargs: the common arguments of :class:`~airflow_provider_dataarts.operators.base.ActThenWaitOperator`.
    """

    kind = job_instance.KIND
    template_fields: tuple[str, ...] = (*ActThenWaitOperator.template_fields, "job_name", "job_params")
    operator_extra_links = (DataArtsInstanceLink(),)

    def __init__(self, *, job_name: str, job_params: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job_name = job_name
        self.job_params = job_params
        self.validate_arguments(rendered=False)

    def validate_arguments(self, rendered: bool) -> None:
        super().validate_arguments(rendered)
        self.checked("job_name", validation.path_segment, rendered=rendered, required=True)
        if rendered or not validation.is_unresolved(self.job_params):
            self.api_job_params = args.job_params(self.job_params)

    def identity(self) -> dict[str, Any]:
        return {"job_name": self.job_name}

    def execute(self, context: Any) -> Any:
        # a retry without a stored record (before Airflow 3.3) takes any run of the job in progress for its own
        self._retrying = int(getattr(context["ti"], "try_number", 1) or 1) > 1
        return super().execute(context)

    def prepare(self, hook: DataArtsHook) -> Plan:
        """Wait for a run of the job in progress that is ours or may be (a manual run; on a retry, any);
        otherwise note the job's recent instances, so the new run is told apart even when the answer is
        lost."""
        snapshot = hook.job_run_snapshot(self.job_name, workspace=self.workspace)
        watch: JobInstanceWatch = {
            "job_name": self.job_name,
            "instance_id": None,
            "workspace": self.workspace,
            "baseline": None,
            "since": snapshot.since,
            "known": snapshot.known,
        }
        retrying = getattr(self, "_retrying", False)
        running = [
            row
            for row in snapshot.recent
            if row.phase is Phase.IN_PROGRESS and (retrying or row.instance_type == job_instance.MANUAL_INSTANCE_TYPE)
        ]
        if running:
            newest = max(running, key=lambda row: (row.start_time or 0, row.instance_id))
            attached: JobInstanceWatch = {**watch, "instance_id": newest.instance_id}
            return Plan(
                attached, True, f"Instance {newest.instance_id} (type {newest.instance_type}) is {newest.status}."
            )
        return Plan(watch)

    def act(self, hook: DataArtsHook, watch: JobInstanceWatch) -> JobInstanceWatch:
        instance_id = hook.run_job_once(self.job_name, self.api_job_params, workspace=self.workspace)
        if not instance_id:
            self.log.warning(
                "Job %r: the run was accepted without an instance id; the new run is looked for among the job's "
                "instances started since",
                self.job_name,
            )
            return watch
        self.log.info("Job %r runs as instance %s", self.job_name, instance_id)
        return {**watch, "instance_id": instance_id}

    def link_target(self, watch: Any) -> dict[str, Any]:
        return {"job_name": self.job_name, "instance_id": watch.get("instance_id")}


class _JobScheduleOperator(ActThenWaitOperator):
    """Bring a job's schedule to the ``wanted`` state, doing nothing when it is there already."""

    kind = job_schedule.KIND
    wanted: ClassVar[Wanted]
    template_fields: tuple[str, ...] = (*ActThenWaitOperator.template_fields, "job_name")
    operator_extra_links = (DataArtsJobLink(),)

    def __init__(self, *, job_name: str, **kwargs: Any) -> None:
        kwargs.setdefault("poll_interval", 10.0)
        kwargs.setdefault("start_timeout", 300.0)
        super().__init__(**kwargs)
        self.job_name = job_name

    def validate_arguments(self, rendered: bool) -> None:
        super().validate_arguments(rendered)
        self.checked("job_name", validation.path_segment, rendered=rendered, required=True)

    def identity(self) -> dict[str, Any]:
        return {"job_name": self.job_name}

    def prepare(self, hook: DataArtsHook) -> Plan:
        watch: JobScheduleWatch = {
            "job_name": self.job_name,
            "workspace": self.workspace,
            "wanted": self.wanted,
            "baseline": None,
        }
        job = hook.run(job_schedule.read_job(watch))
        phase = job_schedule.phase_of(job, self.wanted)
        if phase is Phase.SUCCEEDED:
            return Plan(watch, True, f"Its schedule is already {self.wanted} (status {job.status}): nothing to do.")
        if job.status == job_schedule.TOWARDS[self.wanted]:
            return Plan(watch, True, f"It is {job.status}.")
        return Plan({**watch, "baseline": job.status})

    def link_target(self, watch: Any) -> dict[str, Any]:
        return {"job_name": self.job_name}


class DataArtsStartJobOperator(_JobScheduleOperator):
    """Start a DataArts Factory job's schedule (a batch job) or the job (a real-time job), and confirm it.

    Idempotent: the job's status is read first, and nothing is sent when it is already started
    (``SCHEDULING`` / ``NORMAL``); after the start the operator waits until the job list shows it
    started (``wait_for_completion``), failing if the job turns ``EXCEPTION``.

    :param job_name: the job's name. (templated)
    :param job_params: parameters to start the job with: ``{name: value}`` or ``[{"name", "value",
        "paramType"}]``. (templated)
    :param kwargs: the common arguments of :class:`~airflow_provider_dataarts.operators.base.ActThenWaitOperator`
        (here ``poll_interval`` defaults to 10 and ``start_timeout`` to 300 seconds).
    """

    wanted = "started"
    template_fields: tuple[str, ...] = (*_JobScheduleOperator.template_fields, "job_params")

    def __init__(self, *, job_name: str, job_params: Any = None, **kwargs: Any) -> None:
        super().__init__(job_name=job_name, **kwargs)
        self.job_params = job_params
        self.validate_arguments(rendered=False)

    def validate_arguments(self, rendered: bool) -> None:
        super().validate_arguments(rendered)
        if rendered or not validation.is_unresolved(self.job_params):
            self.api_job_params = args.job_params(self.job_params)

    def act(self, hook: DataArtsHook, watch: JobScheduleWatch) -> JobScheduleWatch:
        hook.start_job(self.job_name, self.api_job_params, workspace=self.workspace)
        return watch


class DataArtsStopJobOperator(_JobScheduleOperator):
    """Stop a DataArts Factory job's schedule (a batch job) or the job (a real-time job), and confirm it.

    Idempotent: nothing is sent when the job is already ``STOPPED``; after the stop the operator waits
    until the job list shows it stopped. Instances already running are not stopped by this call.

    :param job_name: the job's name. (templated)
    :param kwargs: the common arguments of :class:`~airflow_provider_dataarts.operators.base.ActThenWaitOperator`
        (here ``poll_interval`` defaults to 10 and ``start_timeout`` to 300 seconds).
    """

    wanted = "stopped"

    def __init__(self, *, job_name: str, **kwargs: Any) -> None:
        super().__init__(job_name=job_name, **kwargs)
        self.validate_arguments(rendered=False)

    def act(self, hook: DataArtsHook, watch: JobScheduleWatch) -> JobScheduleWatch:
        hook.stop_job(self.job_name, workspace=self.workspace)
        return watch
