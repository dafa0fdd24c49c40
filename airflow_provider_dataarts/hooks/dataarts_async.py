"""``DataArtsAsyncHook``: the same API surface for triggers, on aiohttp, without blocking the loop.

Built for a triggerer holding thousands of waits in one event loop:
- the connection is read through the compat helpers (``aget_connection`` where it does not block the loop,
  a worker thread otherwise) and shared by every trigger of the process for a few minutes;
- one ``aiohttp.ClientSession`` per event loop (and TLS setting) serves every trigger;
- calls of one credential to one API share a :class:`~.budget.RequestBudget`.

What one event loop shares (sessions, budgets, reads under way) is its :class:`~.loop_state.LoopState`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, TypeVar

from airflow_provider_dataarts.api import errors
from airflow_provider_dataarts.api.calls import Steps
from airflow_provider_dataarts.api.iam import TOKENS, parse_token, token_call, token_key
from airflow_provider_dataarts.api.operations import DataArtsOperations
from airflow_provider_dataarts.api.request import Call, PreparedRequest, RequestBuilder
from airflow_provider_dataarts.api.responses import ApiResponse
from airflow_provider_dataarts.api.retry import RetryPolicy
from airflow_provider_dataarts.api.settings import ConnectionSettings
from airflow_provider_dataarts.hooks import _transport
from airflow_provider_dataarts.hooks.loop_state import ReadKey, SettingsKey, loop_state

if TYPE_CHECKING:
    import aiohttp

T = TypeVar("T")

#: how long a connection read in the triggerer is reused by other triggers (seconds)
SETTINGS_TTL = 300.0

#: the connection settings read by this process (per process, not per loop): expiry time and settings
_SETTINGS: dict[SettingsKey, tuple[float, ConnectionSettings]] = {}
#: seconds an answer to a read is shared with identical reads (many waits poll the same list page)
COALESCE_SECONDS = 1.0


def _read_key(settings: ConnectionSettings, call: Call) -> ReadKey:
    """Reads are the same request when credential, endpoint, arguments and workspace match."""
    return (
        settings.credentials.cache_key,
        settings.endpoint(call.endpoint.service),
        settings.project_id,
        call.endpoint.name,
        repr(sorted(call.path_params.items())),
        repr(sorted(call.query.items())),
        call.workspace or settings.workspace,
    )


async def _connection(conn_id: str) -> tuple[_transport.AirflowConnection, dict[str, Any]]:
    """The connection and its extra, read the way the Airflow line allows on an event loop: the compat
    helpers use ``aget_connection`` where it does not block the loop (3.3.2+), else a worker thread."""
    from airflow.providers.common.compat.connection import get_async_connection, get_async_extra_dejson

    conn = await get_async_connection(conn_id)
    return conn, await get_async_extra_dejson(conn)


async def _mask(secret: str) -> None:
    try:
        from airflow.sdk.log import amask_secret
    except ImportError:
        from airflow.providers.common.compat.sdk import mask_secret

        mask_secret(secret)
    else:
        await amask_secret(secret)


def session_for(verify: bool | str) -> aiohttp.ClientSession:
    """The running loop's shared ``aiohttp.ClientSession`` for a TLS setting (proxies from the env)."""
    return loop_state().session(verify)


async def close_sessions() -> None:
    """Close the running loop's shared sessions (tests and benchmarks; a triggerer keeps them)."""
    await loop_state().close_sessions()


@contextlib.asynccontextmanager
async def session_lease() -> AsyncIterator[None]:
    """Hold the loop's shared sessions while a trigger runs; the last one out closes them
    (:meth:`~.loop_state.LoopState.lease`)."""
    async with loop_state().lease():
        yield


class DataArtsAsyncHook(DataArtsOperations):
    """Async twin of :class:`~airflow_provider_dataarts.hooks.dataarts.DataArtsHook` for triggers.

    Every API method returns an awaitable: ``await hook.get_job_instance(job, instance_id)``.

    :param dataarts_conn_id: the ``huaweicloud_dataarts`` connection.
    :param region: overrides the connection's region.
    :param project_id: overrides the connection's project id.
    :param workspace: overrides the connection's default workspace.
    """

    def __init__(
        self,
        dataarts_conn_id: str = "dataarts_default",
        *,
        region: str | None = None,
        project_id: str | None = None,
        workspace: str | None = None,
    ) -> None:
        self.dataarts_conn_id = dataarts_conn_id
        self._key: SettingsKey = (dataarts_conn_id, region, project_id, workspace)
        self._settings: ConnectionSettings | None = None
        self._builder: RequestBuilder | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} conn_id={self.dataarts_conn_id!r}>"

    async def settings(self) -> ConnectionSettings:
        """The connection settings, read once per process every :data:`SETTINGS_TTL` seconds."""
        if self._settings is not None:
            return self._settings
        cached = _SETTINGS.get(self._key)
        if cached and cached[0] > time.monotonic():
            self._settings = cached[1]
            return self._settings
        in_flight = loop_state().settings_in_flight
        future = in_flight.get(self._key)
        if future is None:
            future = in_flight[self._key] = asyncio.ensure_future(self._read_settings())
            future.add_done_callback(lambda _: in_flight.pop(self._key, None))
        settings = self._settings = await asyncio.shield(future)
        return settings

    async def _read_settings(self) -> ConnectionSettings:
        conn_id, region, project_id, workspace = self._key
        conn, extra = await _connection(conn_id)
        settings = _transport.settings_from(conn, extra, region=region, project_id=project_id, workspace=workspace)
        for secret in settings.credentials.secrets():
            await _mask(secret)
        _SETTINGS[self._key] = (time.monotonic() + SETTINGS_TTL, settings)
        return settings

    async def run(self, steps: Steps[T]) -> T:
        """Send every call of ``steps``; return their result."""
        try:
            call = next(steps)
            while True:
                try:
                    response = await self.call(call)
                except errors.DataArtsError as error:
                    call = steps.throw(error)
                else:
                    call = steps.send(response)
        except StopIteration as done:
            result: T = done.value
            return result

    async def call(self, call: Call) -> ApiResponse:
        """Send one call; identical reads in flight (or answered in the last second) share one request."""
        try:
            return await self._call(call)
        except (errors.DataArtsAuthError, errors.DataArtsConfigError, errors.DataArtsTransportError) as error:
            if not isinstance(error, errors.DataArtsTransportError) or not error.sent:
                self.forget_settings()  # a corrected connection is read again at the next poll
            raise

    def forget_settings(self) -> None:
        """Drop the cached connection settings of this hook's connection, in this process."""
        _SETTINGS.pop(self._key, None)
        self._settings = None
        self._builder = None

    async def _call(self, call: Call) -> ApiResponse:
        settings = await self.settings()
        if not call.endpoint.is_read:
            return await self._call_with_retries(settings, call)
        loop = asyncio.get_running_loop()
        shared = loop_state().recent
        key = _read_key(settings, call)
        now = loop.time()
        entry = shared.get(key)
        if entry is not None and (not entry[1].done() or entry[0] > now):
            return await asyncio.shield(entry[1])
        if len(shared) > 2000:  # forget answers that are no longer fresh
            for stale in [k for k, (expires, future) in shared.items() if future.done() and expires <= now]:
                del shared[stale]
        future = asyncio.ensure_future(self._call_with_retries(settings, call))
        shared[key] = (now + COALESCE_SECONDS, future)
        try:
            return await asyncio.shield(future)
        except Exception:
            if shared.get(key, (0.0, None))[1] is future:
                del shared[key]  # errors are not shared with later callers
            raise

    async def _call_with_retries(self, settings: ConnectionSettings, call: Call) -> ApiResponse:
        """Send one call with the retry policy: a plain first attempt, re-sends under tenacity."""
        import tenacity

        policy = RetryPolicy(limit=settings.retry_limit, delay=settings.retry_delay)
        renewal = _transport.TokenRenewal()
        try:
            return await self._send(settings, call, renewal)
        except errors.DataArtsError as error:
            delay = policy.first_failure(error, call.endpoint)
            if delay is None:
                raise
        await asyncio.sleep(delay)
        async for attempt in tenacity.AsyncRetrying(sleep=asyncio.sleep, **policy.tenacity_kwargs(call.endpoint)):
            with attempt:
                return await self._send(settings, call, renewal)
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover

    async def _token(self, settings: ConnectionSettings) -> tuple[str, bool]:
        async def fetch() -> tuple[str, float]:
            token, expires_at = parse_token(await self.call(token_call(settings)))
            await _mask(token)
            return token, expires_at

        return await TOKENS.aget(token_key(settings), fetch)

    async def _send(self, settings: ConnectionSettings, call: Call, renewal: _transport.TokenRenewal) -> ApiResponse:
        """Send once; once per call, again at once with a new IAM token when the one sent was refused."""
        while True:
            try:
                return await self._send_once(settings, call)
            except errors.DataArtsAuthError as error:
                if not renewal.allows(error):
                    raise

    async def _send_once(self, settings: ConnectionSettings, call: Call) -> ApiResponse:
        import aiohttp
        from yarl import URL

        if self._builder is None or self._builder.settings is not settings:
            self._builder = RequestBuilder(settings)
        budget = loop_state().budget(
            settings.credentials.cache_key, settings.endpoint(call.endpoint.service), settings.rate_limit
        )
        await budget.acquire()  # before the token: a wait for a turn must not age the token it sends
        if _transport.needs_token(settings, call.endpoint.service):
            token, fresh = await self._token(settings)
        else:
            token, fresh = None, False
        request = self._builder.build(call, token=token)
        timeout = aiohttp.ClientTimeout(  # total: connect, headers and the whole body, however slow
            total=settings.total_timeout, sock_connect=settings.connect_timeout, sock_read=settings.read_timeout
        )
        try:
            async with session_for(settings.verify).request(
                request.method,
                URL(request.url, encoded=True),
                headers=request.headers,
                data=request.body,
                timeout=timeout,
                allow_redirects=False,  # signed headers and tokens must not travel to another host
                proxy=_transport.proxy_for(settings.endpoint(call.endpoint.service)),
            ) as raw:
                body = await _read_limited(raw, request)
                response = ApiResponse(raw.status, {k.lower(): v for k, v in raw.headers.items()}, body, request)
        except (aiohttp.ClientSSLError, aiohttp.ClientConnectorCertificateError) as error:
            raise _transport.transport_error(request, settings, _reason(error), sent=False, tls=True) from None
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as error:
            raise _transport.transport_error(request, settings, _reason(error), sent=False) from None
        except (TimeoutError, aiohttp.ClientError, ValueError) as error:
            raise _transport.transport_error(request, settings, _reason(error), sent=True) from None
        try:
            checked = _transport.checked(response, request, settings, token, fresh)
        except errors.DataArtsThrottledError as error:
            budget.throttled(error.retry_after)
            raise
        budget.succeeded()
        return checked


async def _read_limited(raw: aiohttp.ClientResponse, request: PreparedRequest) -> bytes:
    """The body, at most :data:`~._transport.MAX_BODY` bytes (a larger one raises)."""
    body = _transport.LimitedBody(raw.headers, request)
    async for chunk in raw.content.iter_chunked(65536):
        body.add(chunk)
    return body.value()


def _reason(error: BaseException) -> str:
    return f"{type(error).__name__}: {str(error)[:200]}" if str(error) else type(error).__name__
