"""One hook method per API call, written once for the sync and the async hook.

Each method runs the call's steps (:mod:`.calls`) through the hook's own ``run``: on
:class:`~airflow_provider_dataarts.hooks.dataarts.DataArtsHook` it returns the result, on
:class:`~airflow_provider_dataarts.hooks.dataarts_async.DataArtsAsyncHook` an awaitable of it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from airflow_provider_dataarts.api import calls, scans
from airflow_provider_dataarts.api.calls import Steps


def _operation(steps: Callable[..., Steps[Any]]) -> Callable[..., Any]:
    @functools.wraps(steps)
    def method(self: DataArtsOperations, *args: Any, **kwargs: Any) -> Any:
        return self.run(steps(*args, **kwargs))

    return method


class DataArtsOperations:
    """The API surface shared by both hooks; subclasses provide :meth:`run`."""

    def run(self, steps: Steps[Any]) -> Any:
        """Send every call the steps yield and return their result (or an awaitable of it)."""
        raise NotImplementedError

    # DataArts Factory v1
    restart_job_instance = _operation(calls.restart_job_instance)
    stop_job_instance = _operation(calls.stop_job_instance)
    get_job_instance = _operation(calls.get_job_instance)
    list_job_instances = _operation(calls.list_job_instances)
    # DataArts Factory v2
    retry_factory_instances = _operation(calls.retry_factory_instances)
    list_factory_instances = _operation(calls.list_factory_instances)
    list_all_factory_instances = _operation(scans.list_all_factory_instances)
    # DataArts Quality
    rerun_quality_job = _operation(calls.rerun_quality_job)
    list_quality_instances = _operation(calls.list_quality_instances)
    find_quality_instance = _operation(scans.find_quality_instance)
    quality_runs_of = _operation(scans.quality_runs_of)
    quality_snapshot = _operation(scans.quality_snapshot)
    get_quality_results = _operation(scans.get_quality_results)
    # ModelArts visualization jobs
    restart_visualization_job = _operation(calls.restart_visualization_job)
    stop_visualization_job = _operation(calls.stop_visualization_job)
    get_visualization_job = _operation(calls.get_visualization_job)
    list_visualization_jobs = _operation(calls.list_visualization_jobs)
