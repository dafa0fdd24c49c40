"""Console links on the task page, built from XCom only (the web server makes no API call).

Each operator pushes ``dataarts_target`` (region, workspace and the run's ids) when it acts. Where each
link leads, and how sure that is (docs/operators/index.md, "Console links"):

- *ModelArts visualization job*: once the task has succeeded, the job's own TensorBoard page - the
  ``service_url`` the ModelArts API answers (documented by the API) - if it is an https address on a
  Huawei Cloud domain; until then the ModelArts console of the region.
- *DataArts Factory instance / job*: the DataArts Factory module of the DataArts Studio console,
  ``/dayu/dlf/``, with the region and the workspace. Huawei's help pages document ``workspace`` in the
  address of a module page; the module path is the one real console addresses show, not documented:
  best effort.
- *DataArts Quality instance*: the DataArts Studio console, ``/dayu/``, with the region and the
  workspace: best effort (no route into DataArts Quality is published).

No link carries the run's ids: the console has no documented route that reads them. The task's XCom
summary has them.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode, urlsplit

from airflow.providers.common.compat.sdk import BaseOperatorLink

from airflow_provider_dataarts.operators.base import LINK_XCOM_KEY

CONSOLE = "https://console.huaweicloud.com"
#: the domains a link taken from an API answer may point into
HUAWEI_DOMAINS = ("huaweicloud.com", "myhuaweicloud.com", "huaweicloud.cn", "myhuaweicloud.cn")
_MAX_URL = 2048
_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")


def huawei_page(value: Any) -> str | None:
    """``value`` if it is an https address on a Huawei Cloud domain (an answer from the wire becomes a
    link only then: never another scheme, host, or an address with credentials); else None."""
    if not isinstance(value, str) or len(value) > _MAX_URL or not value.isprintable() or " " in value:
        return None
    try:
        parts = urlsplit(value)
        host, port = parts.hostname or "", parts.port
    except ValueError:  # a malformed address or port
        return None
    if parts.scheme != "https" or "@" in parts.netloc or port not in (None, 443) or not _HOST.fullmatch(host):
        return None
    return value if any(host == domain or host.endswith("." + domain) for domain in HUAWEI_DOMAINS) else None


class _ConsoleLink(BaseOperatorLink):
    #: the console page, after the host
    service_path = ""
    #: whether the page takes the workspace (DataArts Studio's pages do)
    with_workspace = True

    def get_link(self, operator: Any, *, ti_key: Any) -> str:
        from airflow.providers.common.compat.sdk import XCom

        target = XCom.get_value(ti_key=ti_key, key=LINK_XCOM_KEY)
        if not isinstance(target, dict) or not isinstance(target.get("region"), str) or not target["region"]:
            return ""
        query = {"region": target["region"]}
        if self.with_workspace and isinstance(target.get("workspace"), str) and target["workspace"]:
            query["workspace"] = target["workspace"]
        return f"{CONSOLE}/{self.service_path}?{urlencode(query)}"


class DataArtsInstanceLink(_ConsoleLink):
    """The DataArts Factory module (its instances are under *Monitor Instance*), region and workspace."""

    name = "DataArts Factory instance"
    service_path = "dayu/dlf/"


class DataArtsJobLink(_ConsoleLink):
    """The DataArts Factory module (its jobs are under *Monitor Job*), region and workspace."""

    name = "DataArts Factory job"
    service_path = "dayu/dlf/"


class DataArtsQualityInstanceLink(_ConsoleLink):
    """The DataArts Studio console (DataArts Quality is a module of it), region and workspace."""

    name = "DataArts Quality instance"
    service_path = "dayu/"


class ModelArtsVisualizationJobLink(_ConsoleLink):
    """The job's TensorBoard page once the task succeeded (the API's ``service_url``); else the console."""

    name = "ModelArts visualization job"
    service_path = "modelarts/"
    with_workspace = False

    def get_link(self, operator: Any, *, ti_key: Any) -> str:
        from airflow.providers.common.compat.sdk import XCom

        summary = XCom.get_value(ti_key=ti_key, key="return_value")
        page = huawei_page(summary.get("service_url")) if isinstance(summary, dict) else None
        return page or super().get_link(operator, ti_key=ti_key)
