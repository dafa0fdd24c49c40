"""``DataArtsHook``: the connection-backed sync client used by operators and sensors in workers.

Every API call is a method (see :class:`~airflow_provider_dataarts.api.operations.DataArtsOperations`);
requests go through one pooled ``requests.Session``. The connection is read on first use, never in
``__init__``, so building a hook at DAG-parse time costs nothing.
"""

from __future__ import annotations

import time
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from airflow.providers.common.compat.sdk import BaseHook

from airflow_provider_dataarts.api import errors
from airflow_provider_dataarts.api.calls import Steps
from airflow_provider_dataarts.api.catalogue import Service
from airflow_provider_dataarts.api.iam import TOKENS, parse_token, token_call, token_key
from airflow_provider_dataarts.api.operations import DataArtsOperations
from airflow_provider_dataarts.api.request import Call, PreparedRequest, RequestBuilder
from airflow_provider_dataarts.api.responses import ApiResponse
from airflow_provider_dataarts.api.retry import RetryPolicy
from airflow_provider_dataarts.api.settings import ConnectionSettings
from airflow_provider_dataarts.get_provider_info import CONN_TYPE, CONNECTION_FIELDS, UI_FIELD_BEHAVIOUR
from airflow_provider_dataarts.hooks import _transport

if TYPE_CHECKING:
    import requests

T = TypeVar("T")


class DataArtsHook(BaseHook, DataArtsOperations):
    """Call Huawei Cloud DataArts Factory, DataArts Quality and ModelArts with one Airflow connection.

    :param dataarts_conn_id: the ``huaweicloud_dataarts`` connection (default ``dataarts_default``).
    :param region: overrides the connection's region.
    :param project_id: overrides the connection's project id.
    :param workspace: overrides the connection's default DataArts workspace id.
    :param retry_limit: re-sends of a failed safe call (default: the connection's, else 4).
    :param retry_delay: first backoff in seconds, doubled per attempt (default 1).
    """

    conn_name_attr = "dataarts_conn_id"
    default_conn_name = "dataarts_default"
    conn_type = CONN_TYPE
    hook_name = "Huawei Cloud DataArts"

    def __init__(
        self,
        dataarts_conn_id: str = default_conn_name,
        *,
        region: str | None = None,
        project_id: str | None = None,
        workspace: str | None = None,
        retry_limit: int | None = None,
        retry_delay: float | None = None,
    ) -> None:
        super().__init__()
        self.dataarts_conn_id = dataarts_conn_id
        self.region = region
        self.project_id = project_id
        self.workspace = workspace
        self.retry_limit = retry_limit
        self.retry_delay = retry_delay

    def __repr__(self) -> str:
        return f"<{type(self).__name__} conn_id={self.dataarts_conn_id!r}>"

    # --- settings and transport --------------------------------------------------------------------

    @cached_property
    def settings(self) -> ConnectionSettings:
        """The checked connection settings (read once, on first use)."""
        from airflow.providers.common.compat.sdk import mask_secret

        conn = self.get_connection(self.dataarts_conn_id)
        settings = _transport.settings_from(
            conn, conn.extra_dejson, region=self.region, project_id=self.project_id, workspace=self.workspace
        )
        for secret in settings.credentials.secrets():
            mask_secret(secret)
        return settings

    @cached_property
    def builder(self) -> RequestBuilder:
        return RequestBuilder(self.settings)

    @cached_property
    def retry_policy(self) -> RetryPolicy:
        settings = self.settings
        return RetryPolicy(
            limit=settings.retry_limit if self.retry_limit is None else self.retry_limit,
            delay=settings.retry_delay if self.retry_delay is None else self.retry_delay,
        )

    @cached_property
    def session(self) -> requests.Session:
        """One pooled ``requests.Session``; it honours the standard proxy variables (trust_env), and
        its connections can be cut at a request's deadline (see :mod:`._deadline`)."""
        import requests

        from airflow_provider_dataarts.hooks._deadline import DeadlineAdapter

        session = requests.Session()
        session.mount("https://", DeadlineAdapter())
        session.mount("http://", DeadlineAdapter())
        return session

    @cached_property
    def verify(self) -> bool | str:
        """What requests verifies against. Passed on every request: a session's own ``verify`` loses to
        ``REQUESTS_CA_BUNDLE`` in the environment, which would silently override the connection's CA bundle."""
        verify = self.settings.verify
        return verify if verify is False else (_transport.ca_bundle(verify) or True)

    def close(self) -> None:
        """Close pooled connections (the hook stays usable: a new session opens on the next call)."""
        session = self.__dict__.pop("session", None)
        if session is not None:
            session.close()

    # --- running calls -----------------------------------------------------------------------------

    def run(self, steps: Steps[T]) -> T:
        """Send every call of ``steps`` (see :mod:`~airflow_provider_dataarts.api.calls`); return the result."""
        try:
            call = next(steps)
            while True:
                try:
                    response = self.call(call)
                except errors.DataArtsError as error:
                    call = steps.throw(error)
                else:
                    call = steps.send(response)
        except StopIteration as done:
            result: T = done.value
            return result

    def call(self, call: Call) -> ApiResponse:
        """Send one call with the retry policy (tenacity)."""
        import tenacity

        policy = self.retry_policy
        renewal = _transport.TokenRenewal()
        try:
            return self._send(call, renewal)
        except errors.DataArtsError as error:
            delay = policy.first_failure(error, call.endpoint)
            if delay is None:
                raise
        time.sleep(delay)
        for attempt in tenacity.Retrying(sleep=time.sleep, **policy.tenacity_kwargs(call.endpoint)):
            with attempt:
                return self._send(call, renewal)
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover

    def _token(self) -> tuple[str, bool]:
        settings = self.settings

        def fetch() -> tuple[str, float]:
            token, expires_at = parse_token(self.call(token_call(settings)))
            from airflow.providers.common.compat.sdk import mask_secret

            mask_secret(token)
            return token, expires_at

        return TOKENS.get(token_key(settings), fetch)

    def _send(self, call: Call, renewal: _transport.TokenRenewal) -> ApiResponse:
        """Send once; once per call, again at once with a new IAM token when the one sent was refused."""
        while True:
            try:
                return self._send_once(call)
            except errors.DataArtsAuthError as error:
                if not renewal.allows(error):
                    raise

    def _send_once(self, call: Call) -> ApiResponse:
        import requests

        from airflow_provider_dataarts.hooks._deadline import deadline

        settings = self.settings
        token, fresh = self._token() if _transport.needs_token(settings, call.endpoint.service) else (None, False)
        request = self.builder.build(call, token=token)
        with deadline(settings.total_timeout) as cut:
            try:
                raw = self.session.request(
                    request.method,
                    request.url,
                    headers=request.headers,
                    data=request.body,
                    timeout=(settings.connect_timeout, settings.read_timeout),
                    allow_redirects=False,  # signed headers and tokens must not travel to another host
                    verify=self.verify,
                    stream=True,
                )
                with raw:
                    body = _read_limited(raw, request)
                if cut.passed:  # a connection cut mid-headers can read like a complete, empty answer
                    raise self._deadline_error(request)
            except requests.exceptions.SSLError as error:
                if cut.passed:
                    raise self._deadline_error(request) from None
                raise _transport.transport_error(request, settings, _reason(error), sent=False, tls=True) from None
            except (requests.exceptions.RequestException, OSError, ValueError) as error:
                if cut.passed:
                    raise self._deadline_error(request) from None
                sent = not _never_connected(error)
                raise _transport.transport_error(request, settings, _reason(error), sent=sent) from None
        response = ApiResponse(raw.status_code, {k.lower(): v for k, v in raw.headers.items()}, body, request)
        return _transport.checked(response, request, settings, token, fresh)

    def _deadline_error(self, request: PreparedRequest) -> errors.DataArtsError:
        settings = self.settings
        why = f"no complete answer within {settings.total_timeout:g} s (the request's deadline)"
        return _transport.transport_error(request, settings, why, sent=True)

    # --- Airflow integration -----------------------------------------------------------------------

    def test_connection(self) -> tuple[bool, str]:
        """One cheap signed read proving the credentials, the project and (if set) the workspace."""
        try:
            settings = self.settings
            self.list_job_instances(limit=1, workspace=settings.workspace)
        except errors.DataArtsError as error:
            return False, str(error)
        except Exception as error:
            return False, f"{type(error).__name__}: {error}"
        workspace = f", workspace {settings.workspace!r}" if settings.workspace else ""
        return True, (
            f"Connection works: credentials and project {settings.project_id!r}{workspace} accepted by "
            f"{settings.endpoint(Service.DLF)}"
        )

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        """Standard fields hidden or relabelled (Airflow < 3.2; newer UIs read provider metadata)."""
        return {
            "hidden_fields": list(UI_FIELD_BEHAVIOUR["hidden-fields"]),
            "relabeling": dict(UI_FIELD_BEHAVIOUR["relabeling"]),
            "placeholders": dict(UI_FIELD_BEHAVIOUR["placeholders"]),
        }

    @classmethod
    def get_connection_form_widgets(cls) -> dict[str, Any]:
        """Extra form fields for Airflow < 3.2, built from the same declaration as ``conn-fields``."""
        from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget, BS3TextFieldWidget
        from flask_babel import lazy_gettext
        from wtforms import PasswordField, StringField

        widgets: dict[str, Any] = {}
        for name, (label, description, schema) in CONNECTION_FIELDS.items():
            if schema.get("format") == "password":
                widgets[name] = PasswordField(
                    lazy_gettext(label), widget=BS3PasswordFieldWidget(), description=description
                )
            else:
                widgets[name] = StringField(lazy_gettext(label), widget=BS3TextFieldWidget(), description=description)
        return widgets


def _read_limited(raw: requests.Response, request: PreparedRequest) -> bytes:
    """The body, at most :data:`~._transport.MAX_BODY` bytes (a larger one raises)."""
    body = _transport.LimitedBody(raw.headers, request)
    for chunk in raw.iter_content(65536):
        body.add(chunk)
    return body.value()


def _never_connected(error: Exception) -> bool:
    """True when requests never reached the server (refused, DNS, connect timeout, proxy refusal)."""
    import requests
    from urllib3.exceptions import MaxRetryError, NewConnectionError

    if isinstance(error, (requests.exceptions.ConnectTimeout, requests.exceptions.ProxyError)):
        return True
    reason = error.args[0] if error.args else None
    return isinstance(reason, MaxRetryError) and isinstance(reason.reason, NewConnectionError)


def _reason(error: Exception) -> str:
    """A short description of a transport failure (no URL query, no headers)."""
    text = str(error.args[0]) if error.args else type(error).__name__
    return f"{type(error).__name__}: {text[:200]}"
