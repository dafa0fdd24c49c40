"""Console links on the task page, built from XCom only (the web server makes no API call).

Each operator pushes ``dataarts_target`` (region, workspace and the run's ids) when it acts. The
console's deep-link paths are not documented publicly: the links open the right service, region
and workspace with the ids in the query, which the console ignores if it cannot use them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from airflow.providers.common.compat.sdk import BaseOperatorLink

from airflow_provider_dataarts.operators.base import LINK_XCOM_KEY

CONSOLE = "https://console.huaweicloud.com"


class _ConsoleLink(BaseOperatorLink):
    service_path = ""

    def get_link(self, operator: Any, *, ti_key: Any) -> str:
        from airflow.providers.common.compat.sdk import XCom

        target = XCom.get_value(ti_key=ti_key, key=LINK_XCOM_KEY)
        if not isinstance(target, dict) or not target.get("region"):
            return ""
        query = {key: value for key, value in target.items() if value not in (None, "") and key != "region"}
        return f"{CONSOLE}/{self.service_path}/?region={target['region']}" + (f"&{urlencode(query)}" if query else "")


class DataArtsInstanceLink(_ConsoleLink):
    """DataArts Factory job instance(s) in the DataArts Studio console."""

    name = "DataArts Factory instance"
    service_path = "dataartsstudio"


class DataArtsQualityInstanceLink(_ConsoleLink):
    """DataArts Quality instance in the DataArts Studio console."""

    name = "DataArts Quality instance"
    service_path = "dataartsstudio"


class ModelArtsVisualizationJobLink(_ConsoleLink):
    """ModelArts visualization job in the ModelArts console."""

    name = "ModelArts visualization job"
    service_path = "modelarts"


class DataArtsJobLink(_ConsoleLink):
    """DataArts Factory job in the DataArts Studio console."""

    name = "DataArts Factory job"
    service_path = "dataartsstudio"
