"""Every API call the provider makes, declared once as data.

A call's service picks the endpoint, its path template the URL, its workspace policy whether the
``workspace`` header is sent, and its method (or ``side_effect_free``) whether it may be re-sent
after an unknown outcome.
The request builder, the hooks and the error hints all read these declarations; nothing else
spells a path.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Service(enum.StrEnum):
    """The Huawei Cloud services behind the calls, each with its own endpoint."""

    DLF = "dlf"  # DataArts Factory v1: https://dayu-dlf.{region}.myhuaweicloud.com
    DATAARTS = "dataarts"  # DataArts Studio (Factory v2, Quality): https://dayu.{region}...
    MODELARTS = "modelarts"
    IAM = "iam"


class Workspace(enum.Enum):
    """Whether a call carries the DataArts ``workspace`` header."""

    NONE = "none"
    OPTIONAL = "optional"  # sent when known; absent means the default workspace (v1)
    REQUIRED = "required"


@dataclass(frozen=True)
class Endpoint:
    """One API call: where it goes and how it is sent."""

    name: str
    service: Service
    method: str
    path: str
    workspace: Workspace = Workspace.NONE
    project_scoped: bool = True
    #: a POST that changes nothing remote (creating an IAM token), so it is as safe to re-send as a read
    side_effect_free: bool = False
    #: the documented success answer: "object" (a JSON object), "empty" (no body), "is_success"
    #: (``{"is_success": true}``), "token" (an object and an ``X-Subject-Token`` header)
    answer: str = "object"
    #: the ``Content-Type`` of a request without a body, where the SDK declares one with a charset
    bodyless_content_type: str = "application/json"

    @property
    def is_read(self) -> bool:
        """A GET: its answer may be shared with identical reads."""
        return self.method == "GET"

    @property
    def idempotent(self) -> bool:
        """Reads may be re-sent freely; an action may not once the server might have acted on it."""
        return self.is_read or self.side_effect_free


_DLF_INSTANCE = "/v1/{project_id}/jobs/{job_name}/instances/{instance_id}"

DLF_RESTART_INSTANCE = Endpoint(
    "dlf.restart", Service.DLF, "POST", _DLF_INSTANCE + "/restart", Workspace.OPTIONAL, answer="empty"
)
DLF_STOP_INSTANCE = Endpoint(
    "dlf.stop", Service.DLF, "POST", _DLF_INSTANCE + "/stop", Workspace.OPTIONAL, answer="empty"
)
DLF_SHOW_INSTANCE = Endpoint("dlf.show", Service.DLF, "GET", _DLF_INSTANCE, Workspace.OPTIONAL)
DLF_LIST_INSTANCES = Endpoint(
    "dlf.list", Service.DLF, "GET", "/v1/{project_id}/jobs/instances/detail", Workspace.OPTIONAL
)
_DLF_JOB = "/v1/{project_id}/jobs/{job_name}"
#: run-immediate and start declare ``application/json;charset=UTF-8`` even without a body (SDK http_info)
_CHARSET = "application/json;charset=UTF-8"
DLF_RUN_ONCE = Endpoint(
    "dlf.run_once", Service.DLF, "POST", _DLF_JOB + "/run-immediate", Workspace.OPTIONAL, bodyless_content_type=_CHARSET
)
DLF_START_JOB = Endpoint(
    "dlf.start_job",
    Service.DLF,
    "POST",
    _DLF_JOB + "/start",
    Workspace.OPTIONAL,
    answer="empty",
    bodyless_content_type=_CHARSET,
)
DLF_STOP_JOB = Endpoint("dlf.stop_job", Service.DLF, "POST", _DLF_JOB + "/stop", Workspace.OPTIONAL, answer="empty")
DLF_LIST_JOBS = Endpoint("dlf.list_jobs", Service.DLF, "GET", "/v1/{project_id}/jobs", Workspace.OPTIONAL)

FACTORY_RETRY_INSTANCES = Endpoint(
    "factory.retry",
    Service.DATAARTS,
    "POST",
    "/v2/{project_id}/factory/jobs/{job_name}/instances/retry",
    Workspace.REQUIRED,
    answer="empty",
)
FACTORY_LIST_INSTANCES = Endpoint(
    "factory.list",
    Service.DATAARTS,
    "GET",
    "/v2/{project_id}/factory/jobs/{job_name}/instances/detail",
    Workspace.REQUIRED,
)

QUALITY_RERUN = Endpoint(
    "quality.rerun",
    Service.DATAARTS,
    "POST",
    "/v2/{project_id}/quality/instances/restart",
    Workspace.REQUIRED,
)
QUALITY_LIST_INSTANCES = Endpoint(
    "quality.list", Service.DATAARTS, "GET", "/v2/{project_id}/quality/instances", Workspace.REQUIRED
)
QUALITY_INSTANCE_RESULT = Endpoint(
    "quality.result",
    Service.DATAARTS,
    "GET",
    "/v2/{project_id}/quality/instances/{instance_id}/result",
    Workspace.REQUIRED,
)

_VISUALIZATION_JOB = "/v1/{project_id}/visualization-jobs/{job_id}"
MODELARTS_RESTART = Endpoint(
    "modelarts.restart", Service.MODELARTS, "POST", _VISUALIZATION_JOB + "/restart", answer="is_success"
)
MODELARTS_STOP = Endpoint(
    "modelarts.stop", Service.MODELARTS, "POST", _VISUALIZATION_JOB + "/stop", answer="is_success"
)
MODELARTS_SHOW = Endpoint("modelarts.show", Service.MODELARTS, "GET", _VISUALIZATION_JOB)
MODELARTS_LIST = Endpoint("modelarts.list", Service.MODELARTS, "GET", "/v1/{project_id}/visualization-jobs")

IAM_TOKEN = Endpoint(
    "iam.token", Service.IAM, "POST", "/v3/auth/tokens", project_scoped=False, side_effect_free=True, answer="token"
)
