"""One hook method per API call, written once for the sync and the async hook.

Each method runs the call's steps (:mod:`.calls`) through the hook's own ``run``: on
:class:`~airflow_provider_dataarts.hooks.dataarts.DataArtsHook` it returns the result, on
:class:`~airflow_provider_dataarts.hooks.dataarts_async.DataArtsAsyncHook` an awaitable of it.

The methods are :class:`Operation` descriptors typed from their steps function, so a type checker and an
IDE show each one's real signature: ``DataArtsHook().get_job_instance`` is
``(job_name: str, instance_id: str | int, *, workspace: str | None = None) -> JobInstance``, and the same
method of the async hook returns ``Awaitable[JobInstance]``.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar, overload

from airflow_provider_dataarts.api import calls, scans
from airflow_provider_dataarts.api.calls import Steps

if TYPE_CHECKING:
    from airflow_provider_dataarts.hooks.dataarts import DataArtsHook
    from airflow_provider_dataarts.hooks.dataarts_async import DataArtsAsyncHook

P = ParamSpec("P")
T = TypeVar("T")


class Operation(Generic[P, T]):
    """A hook method that runs ``steps(*args, **kwargs)`` with the hook's ``run``.

    Read from a :class:`DataArtsHook` it is ``Callable[P, T]``; from a :class:`DataArtsAsyncHook`,
    ``Callable[P, Awaitable[T]]``; ``P`` and ``T`` are those of the steps function.
    """

    def __init__(self, steps: Callable[P, Steps[T]]) -> None:
        self.steps = steps
        self.__doc__ = steps.__doc__

    @overload
    def __get__(self, hook: None, owner: type[Any]) -> Operation[P, T]: ...
    @overload
    def __get__(self, hook: DataArtsAsyncHook, owner: type[Any]) -> Callable[P, Awaitable[T]]: ...
    @overload
    def __get__(self, hook: DataArtsHook, owner: type[Any]) -> Callable[P, T]: ...
    @overload
    def __get__(self, hook: DataArtsOperations, owner: type[Any]) -> Callable[P, Any]: ...
    def __get__(self, hook: DataArtsOperations | None, owner: type[Any]) -> Any:
        if hook is None:
            return self
        steps = self.steps

        @functools.wraps(steps)
        def method(*args: P.args, **kwargs: P.kwargs) -> Any:
            return hook.run(steps(*args, **kwargs))

        return method


class DataArtsOperations:
    """The API surface shared by both hooks; subclasses provide :meth:`run`."""

    def run(self, steps: Steps[Any]) -> Any:
        """Send every call the steps yield and return their result (or an awaitable of it)."""
        raise NotImplementedError

    # DataArts Factory v1
    restart_job_instance = Operation(calls.restart_job_instance)
    stop_job_instance = Operation(calls.stop_job_instance)
    get_job_instance = Operation(calls.get_job_instance)
    list_job_instances = Operation(calls.list_job_instances)
    job_instances_since = Operation(scans.job_instances_since)
    run_job_once = Operation(calls.run_job_once)
    job_run_snapshot = Operation(scans.job_run_snapshot)
    start_job = Operation(calls.start_job)
    stop_job = Operation(calls.stop_job)
    list_jobs = Operation(calls.list_jobs)
    find_job = Operation(scans.find_job)
    # DataArts Factory v2
    retry_factory_instances = Operation(calls.retry_factory_instances)
    list_factory_instances = Operation(calls.list_factory_instances)
    list_all_factory_instances = Operation(scans.list_all_factory_instances)
    # DataArts Quality
    rerun_quality_job = Operation(calls.rerun_quality_job)
    list_quality_instances = Operation(calls.list_quality_instances)
    find_quality_instance = Operation(scans.find_quality_instance)
    quality_runs_of = Operation(scans.quality_runs_of)
    quality_snapshot = Operation(scans.quality_snapshot)
    get_quality_results = Operation(scans.get_quality_results)
    # ModelArts visualization jobs
    restart_visualization_job = Operation(calls.restart_visualization_job)
    stop_visualization_job = Operation(calls.stop_visualization_job)
    get_visualization_job = Operation(calls.get_visualization_job)
    list_visualization_jobs = Operation(calls.list_visualization_jobs)
