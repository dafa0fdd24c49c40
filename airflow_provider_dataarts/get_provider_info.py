"""Provider metadata read by Airflow's providers manager (entry point ``apache_airflow_provider``).

The connection form is declared here once: Airflow 3.2+ renders ``conn-fields`` and
``ui-field-behaviour`` straight from this metadata, and :class:`DataArtsHook` builds the widgets of
older UIs from the same :data:`CONNECTION_FIELDS`. Import-light: the providers manager calls it in
every Airflow process.
"""

from __future__ import annotations

from typing import Any

from airflow_provider_dataarts import __version__

CONN_TYPE = "huaweicloud_dataarts"
_PACKAGE = "airflow_provider_dataarts"

#: extra fields of the connection form: name -> (label, description, JSON schema)
CONNECTION_FIELDS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "auth_type": (
        "Authentication",
        "'aksk' (access key / secret key, the default) or 'password' (IAM user name and password).",
        {"type": ["string", "null"], "enum": ["aksk", "password"], "default": "aksk"},
    ),
    "region": ("Region", "Region id, e.g. cn-north-4. Any region is accepted.", {"type": ["string", "null"]}),
    "project_id": (
        "Project ID",
        "Project id of the region (My Credentials > Projects).",
        {"type": ["string", "null"]},
    ),
    "workspace": (
        "Default workspace ID",
        "DataArts Studio workspace id used when a task does not name one.",
        {"type": ["string", "null"]},
    ),
    "security_token": (
        "Security token",
        "For temporary AK/SK credentials only.",
        {"type": ["string", "null"], "format": "password"},
    ),
    "domain": (
        "IAM domain name",
        "Account (domain) name, for auth_type 'password'.",
        {"type": ["string", "null"]},
    ),
    "endpoint": (
        "Endpoint for all services",
        "Optional base URL used for every service, e.g. a local emulator or a private gateway.",
        {"type": ["string", "null"]},
    ),
    "dlf_endpoint": (
        "DataArts Factory v1 endpoint",
        "Optional; default https://dayu-dlf.{region}.myhuaweicloud.com",
        {"type": ["string", "null"]},
    ),
    "dataarts_endpoint": (
        "DataArts Studio endpoint",
        "Optional; default https://dayu.{region}.myhuaweicloud.com",
        {"type": ["string", "null"]},
    ),
    "modelarts_endpoint": (
        "ModelArts endpoint",
        "Optional; default https://modelarts.{region}.myhuaweicloud.com",
        {"type": ["string", "null"]},
    ),
    "iam_endpoint": (
        "IAM endpoint",
        "Optional; default https://iam.{region}.myhuaweicloud.com",
        {"type": ["string", "null"]},
    ),
    "verify": (
        "TLS verification",
        "true (default), false, or the path of a CA bundle for a private CA.",
        {"type": ["string", "null"], "default": "true"},
    ),
    "timeout": (
        "Timeout (s)",
        "Read timeout of one request in seconds (default 60).",
        {"type": ["number", "null"]},
    ),
}

UI_FIELD_BEHAVIOUR: dict[str, Any] = {
    "hidden-fields": ["host", "port", "schema"],
    "relabeling": {
        "login": "Access key (AK) or IAM user name",
        "password": "Secret key (SK) or IAM password",
    },
    "placeholders": {
        "login": "AK, or the IAM user name with auth_type 'password'",
        "password": "SK, or the IAM password",
        "region": "cn-north-4",
        "project_id": "0123456789abcdef0123456789abcdef",
        "workspace": "workspace id (optional)",
        "extra": '{"region": "cn-north-4", "project_id": "...", "workspace": "..."}',
    },
}


def get_provider_info() -> dict[str, Any]:
    """Describe the provider to Airflow: hooks, operators, sensors, triggers, links, connection type."""
    integration = "Huawei Cloud DataArts Studio"
    return {
        "package-name": "airflow-provider-dataarts",
        "name": "Huawei Cloud DataArts",
        "description": "Run, restart and rerun Huawei Cloud DataArts Factory, DataArts Quality and ModelArts "
        "visualization jobs and wait for their outcome; start and stop DataArts job schedules.",
        "versions": [__version__],
        "integrations": [{"integration-name": integration, "tags": ["service"]}],
        "hooks": [
            {
                "integration-name": integration,
                "python-modules": [f"{_PACKAGE}.hooks.dataarts", f"{_PACKAGE}.hooks.dataarts_async"],
            }
        ],
        "operators": [
            {
                "integration-name": integration,
                "python-modules": [
                    f"{_PACKAGE}.operators.factory",
                    f"{_PACKAGE}.operators.jobs",
                    f"{_PACKAGE}.operators.quality",
                    f"{_PACKAGE}.operators.modelarts",
                ],
            }
        ],
        "sensors": [
            {
                "integration-name": integration,
                "python-modules": [
                    f"{_PACKAGE}.sensors.factory",
                    f"{_PACKAGE}.sensors.quality",
                    f"{_PACKAGE}.sensors.modelarts",
                ],
            }
        ],
        "triggers": [{"integration-name": integration, "python-modules": [f"{_PACKAGE}.triggers.status"]}],
        "connection-types": [
            {
                "hook-class-name": f"{_PACKAGE}.hooks.dataarts.DataArtsHook",
                "hook-name": "Huawei Cloud DataArts",
                "connection-type": CONN_TYPE,
                "ui-field-behaviour": UI_FIELD_BEHAVIOUR,
                "conn-fields": {
                    name: {"label": label, "description": description, "schema": schema}
                    for name, (label, description, schema) in CONNECTION_FIELDS.items()
                },
            }
        ],
        "extra-links": [
            f"{_PACKAGE}.links.DataArtsInstanceLink",
            f"{_PACKAGE}.links.DataArtsJobLink",
            f"{_PACKAGE}.links.DataArtsQualityInstanceLink",
            f"{_PACKAGE}.links.ModelArtsVisualizationJobLink",
        ],
    }
