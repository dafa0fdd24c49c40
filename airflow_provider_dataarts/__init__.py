"""Apache Airflow provider for Huawei Cloud DataArts Studio and ModelArts.

Kept import-light on purpose: DAG files import operators from here at parse time, so this module
pulls in nothing beyond the version string.
"""

from __future__ import annotations

__version__ = "0.1.0"
