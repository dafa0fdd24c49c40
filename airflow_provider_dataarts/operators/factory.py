"""Operators for DataArts Factory: restart one job instance (v1), rerun instances (v2, both modes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import AirflowException

from airflow_provider_dataarts import validation
from airflow_provider_dataarts.api.phases import FACTORY_STATUS_NOTES, RESTARTABLE_FACTORY_STATUSES, Phase
from airflow_provider_dataarts.links import DataArtsInstanceLink
from airflow_provider_dataarts.operators import _factory_args as args
from airflow_provider_dataarts.operators.base import ActThenWaitOperator
from airflow_provider_dataarts.operators.records import Plan
from airflow_provider_dataarts.runs import factory_instances, job_instance

if TYPE_CHECKING:
    from airflow_provider_dataarts.hooks.dataarts import DataArtsHook
    from airflow_provider_dataarts.runs.factory_instances import FactoryInstancesWatch, FactoryTarget
    from airflow_provider_dataarts.runs.job_instance import JobInstanceWatch

#: phases in which a run cannot be restarted: it is waited for instead
_NOT_FINISHED = (Phase.IN_PROGRESS, Phase.STALLED)


class DataArtsNotRestartableError(AirflowException):
    """The instance is in a status the restart API does not accept, and nothing is running to wait for."""


def check_restartable(what: str, status: str | None) -> None:
    """Refuse, before acting, an instance the API would refuse: only success, fail and manual-stop restart."""
    if status in RESTARTABLE_FACTORY_STATUSES:
        return
    note = FACTORY_STATUS_NOTES.get(status or "")
    raise DataArtsNotRestartableError(
        f"{what} is {status or 'in an unknown status'}"
        + (f" ({note})" if note else "")
        + f": the API restarts only instances in status {', '.join(RESTARTABLE_FACTORY_STATUSES)}; nothing was sent"
    )


class DataArtsRestartInstanceOperator(ActThenWaitOperator):
    """Restart a finished DataArts Factory job instance (v1 API) and wait for the new run's outcome.

    Only instances in a finished state (success, fail, manual-stop) can be restarted; an instance
    still waiting or running (for example from an earlier try of this task), or paused, is waited for
    instead. Any other status (``running-exception``, ``skip-by-depend``...) fails the task before
    anything is sent, naming the status and what the API accepts.

    :param job_name: the job's name (spaces, '/' and non-ASCII letters are fine). (templated)
    :param instance_id: the job instance id. (templated)
    :param retry_location: where to rerun from: ``error_node``, ``first_node`` or ``specified_node``
        (newer API; none of the four options given sends no body, as the original API). (templated)
    :param node_name: the node to rerun from, required with ``specified_node``. (templated)
    :param job_param_version: ``original_version`` or ``latest_version`` of the job parameters. (templated)
    :param ignore_obs_monitor: skip the OBS listener nodes on rerun.
    :param kwargs: the common arguments of :class:`~airflow_provider_dataarts.operators.base.ActThenWaitOperator`
        (``dataarts_conn_id``, ``workspace``, ``wait_for_completion``, ``deferrable``, ``poll_interval``,
        ``timeout``, ``start_timeout``, ``cancel_on_kill``...).
    """

    kind = job_instance.KIND
    template_fields: tuple[str, ...] = (
        *ActThenWaitOperator.template_fields,
        "job_name",
        "instance_id",
        "retry_location",
        "node_name",
        "job_param_version",
    )
    operator_extra_links = (DataArtsInstanceLink(),)

    def __init__(
        self,
        *,
        job_name: str,
        instance_id: int | str,
        retry_location: str | None = None,
        node_name: str | None = None,
        job_param_version: str | None = None,
        ignore_obs_monitor: bool | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.job_name = job_name
        self.instance_id = instance_id
        self.retry_location = retry_location
        self.node_name = node_name
        self.job_param_version = job_param_version
        self.ignore_obs_monitor = ignore_obs_monitor
        self.validate_arguments(rendered=False)

    def validate_arguments(self, rendered: bool) -> None:
        super().validate_arguments(rendered)
        self.checked("job_name", validation.path_segment, rendered=rendered, required=True)
        self.checked("instance_id", validation.identifier, rendered=rendered, required=True)
        options = (self.retry_location, self.node_name, self.job_param_version)
        if rendered or not any(validation.is_unresolved(value) for value in options):
            self.request_body = args.restart_body(*options, self.ignore_obs_monitor)

    def identity(self) -> dict[str, Any]:
        return {"job_name": self.job_name, "instance_id": str(self.instance_id)}

    def prepare(self, hook: DataArtsHook) -> Plan:
        instance = hook.get_job_instance(self.job_name, self.instance_id, workspace=self.workspace)
        watch: JobInstanceWatch = {
            "job_name": self.job_name,
            "instance_id": str(self.instance_id),
            "workspace": self.workspace,
            "baseline": instance.fingerprint(),
        }
        if instance.phase in _NOT_FINISHED:
            attached: JobInstanceWatch = {**watch, "baseline": None}
            return Plan(attached, True, f"Its status is {instance.status}.")
        check_restartable(self.kind.describe(watch), instance.status)
        return Plan(watch)

    def act(self, hook: DataArtsHook, watch: JobInstanceWatch) -> JobInstanceWatch:
        hook.restart_job_instance(self.job_name, self.instance_id, workspace=self.workspace, body=self.request_body)
        return watch

    def link_target(self, watch: Any) -> dict[str, Any]:
        return {"job_name": self.job_name, "instance_id": str(self.instance_id)}


class DataArtsRetryInstancesOperator(ActThenWaitOperator):
    """Rerun DataArts Factory job instances (v2 API) and wait until every one has run again and finished.

    Two modes, as the API: **mode 1** reruns given instances of this job (``task_retrys``, items of
    the v2 instance list); **mode 2** reruns this job and the listed upstream/downstream ``jobs``
    for every instance planned between ``begin_time`` and ``end_time``. The v2 rerun API is
    invitation-only: an account without it gets an error saying so.

    :param job_name: the job whose instances are rerun. (templated)
    :param retry_location: ``errorNode``, ``firstNode`` or ``specifiedNode`` (the v1 spellings
        ``error_node``... are accepted too). (templated)
    :param retry_task_version: ``original_version`` or ``current_version`` of the job. (templated)
    :param task_retrys: mode 1: a list of ``{"job_id", "plan_time", "submit_time"}``; times as 13-digit
        epoch ms, datetimes or ISO strings. (templated; an XComArg of instance-list items works)
    :param begin_time: mode 2: start of the plan-time window. (templated)
    :param end_time: mode 2: end of the plan-time window. (templated)
    :param jobs: mode 2 (required there, as the API needs it): the upstream/downstream jobs to rerun with this
        one, as names or ``{"job_name", "workspace_id"}``; ``[]`` reruns this job's instances only. (templated)
    :param concurrent: mode 2: instances rerun at the same time, 1..128 (API default 1). (templated)
    :param node_name: the node to rerun from, required with ``specifiedNode``. (templated)
    :param ignore_obs_monitor: skip the OBS listener nodes (API default true).
    :param kwargs: the common arguments of :class:`~airflow_provider_dataarts.operators.base.ActThenWaitOperator`.
    """

    kind = factory_instances.KIND
    template_fields: tuple[str, ...] = (
        *ActThenWaitOperator.template_fields,
        "job_name",
        "retry_location",
        "retry_task_version",
        "task_retrys",
        "begin_time",
        "end_time",
        "jobs",
        "concurrent",
        "node_name",
    )
    template_fields_renderers = {"task_retrys": "json", "jobs": "json"}
    operator_extra_links = (DataArtsInstanceLink(),)

    def __init__(
        self,
        *,
        job_name: str,
        retry_location: str,
        retry_task_version: str,
        task_retrys: Any = None,
        begin_time: Any = None,
        end_time: Any = None,
        jobs: Any = None,
        concurrent: int | str | None = None,
        node_name: str | None = None,
        ignore_obs_monitor: bool | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.job_name = job_name
        self.retry_location = retry_location
        self.retry_task_version = retry_task_version
        self.task_retrys = task_retrys
        self.begin_time = begin_time
        self.end_time = end_time
        self.jobs = jobs
        self.concurrent = concurrent
        self.node_name = node_name
        self.ignore_obs_monitor = ignore_obs_monitor
        self.validate_arguments(rendered=False)

    def _body_arguments(self) -> dict[str, Any]:
        names: tuple[str, ...] = (
            "retry_location",
            "retry_task_version",
            "node_name",
            "ignore_obs_monitor",
            "task_retrys",
        )
        names += ("begin_time", "end_time", "jobs", "concurrent")
        return {name: getattr(self, name) for name in names}

    def validate_arguments(self, rendered: bool) -> None:
        super().validate_arguments(rendered)
        self.checked("job_name", validation.path_segment, rendered=rendered, required=True)
        arguments = self._body_arguments()
        if rendered or not any(validation.is_unresolved(value) for value in arguments.values()):
            self.request_body = args.rerun_body(**arguments, workspace=self.workspace)

    def identity(self) -> dict[str, Any]:
        return {"job_name": self.job_name}

    def _windows(self) -> list[tuple[str, str | None, int, int]]:
        """``(job, workspace, min plan time, max plan time)`` of every job the rerun touches."""
        body = self.request_body
        if "task_retrys" in body:
            plan_times = [item["plan_time"] for item in body["task_retrys"]]
            return [(self.job_name, self.workspace, min(plan_times), max(plan_times))]
        window = (body["begin_time"], body["end_time"])
        others = [(job["job_name"], job["workspace_id"], *window) for job in body.get("jobs", ())]
        return [(self.job_name, self.workspace, *window), *others]

    def prepare(self, hook: DataArtsHook) -> Plan:
        from airflow_provider_dataarts.api import scans

        wanted = {item["plan_time"] for item in self.request_body.get("task_retrys", ())}
        targets: list[FactoryTarget] = []
        running, refused = [], []
        for job_name, workspace, first, last in self._windows():
            found = hook.list_all_factory_instances(
                job_name, min_plan_time=first, max_plan_time=last, workspace=workspace
            )
            for _, instance in sorted(scans.newest_runs(found).items()):
                if wanted and (job_name != self.job_name or instance.plan_time not in wanted):
                    continue
                targets.append(
                    {
                        "job_name": job_name,
                        "workspace": workspace,
                        "plan_time": instance.plan_time,
                        "baseline": instance.fingerprint(),
                    }
                )
                if instance.phase in _NOT_FINISHED:
                    running.append(instance)
                elif instance.status not in RESTARTABLE_FACTORY_STATUSES:
                    refused.append((f"instance {instance.instance_id} of job {job_name!r}", instance.status))
        missing = wanted - {target["plan_time"] for target in targets}
        if missing or not targets:
            what = f"plan times {sorted(missing)}" if missing else "the plan-time window"
            raise validation.InvalidParameterError(
                "task_retrys" if wanted else "begin_time", f"no instance of job {self.job_name!r} found for {what}"
            )
        watch: FactoryInstancesWatch = {
            "job_name": self.job_name,
            "workspace": self.workspace,
            "targets": targets,
            "window": None,
        }
        if running:
            unbased: list[FactoryTarget] = [{**target, "baseline": None} for target in targets]
            note = f"{len(running)} of {len(targets)} instance(s) are still running."
            attached: FactoryInstancesWatch = {**watch, "targets": unbased}
            return Plan(attached, True, note)
        for what, status in refused:
            check_restartable(what, status)
        return Plan(watch)

    def act(self, hook: DataArtsHook, watch: FactoryInstancesWatch) -> FactoryInstancesWatch:
        hook.retry_factory_instances(self.job_name, self.request_body, workspace=self.workspace)
        return watch

    def link_target(self, watch: Any) -> dict[str, Any]:
        return {"job_name": self.job_name}
