"""Kinds of remote runs (how each is observed and stopped) and the rules every wait shares."""

from __future__ import annotations

from airflow_provider_dataarts.runs.base import Kind


def kind_named(name: str) -> Kind:
    """The kind a trigger or an event names (imported on demand: kinds pull in the API layer)."""
    from airflow_provider_dataarts.runs import factory_instances, job_instance, quality, visualization

    kinds = {kind.name: kind for kind in (job_instance.KIND, factory_instances.KIND, quality.KIND, visualization.KIND)}
    try:
        return kinds[name]
    except KeyError:
        raise ValueError(f"unknown kind of run {name!r}; known: {sorted(kinds)}") from None
