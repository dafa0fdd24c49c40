"""A local, stateful emulator of the Huawei Cloud APIs this provider wraps (DataArts Factory v1/v2,
DataArts Quality, ModelArts visualization jobs, IAM tokens), served over real HTTP on 127.0.0.1.

It is an independent reading of the API documents: nothing here imports the provider's client code
or Airflow. See docs/emulator.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from airflow_provider_dataarts.emulator.admin_client import EmulatorAdmin
    from airflow_provider_dataarts.emulator.server import Emulator

__all__ = ["Emulator", "EmulatorAdmin"]


def __getattr__(name: str) -> Any:
    """Import lazily, so that ``python -m`` and the pytest plugin stay cheap to load."""
    if name == "Emulator":
        from airflow_provider_dataarts.emulator.server import Emulator

        return Emulator
    if name == "EmulatorAdmin":
        from airflow_provider_dataarts.emulator.admin_client import EmulatorAdmin

        return EmulatorAdmin
    raise AttributeError(name)
