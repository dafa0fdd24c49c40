"""When a failed call is sent again, and after how long: one policy for both transports.

Reads are retried on connection errors, 429 and 5xx. An action (POST) is re-sent only when the
server certainly did not act on it: a 429 or 503 refusal, or a connection that was never made.
When an action's outcome is unknown the error propagates, so the caller checks the remote state
instead of acting twice. Both hooks hand :meth:`RetryPolicy.tenacity_kwargs` to tenacity.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import random
from typing import Any

from airflow_provider_dataarts.api import errors
from airflow_provider_dataarts.api.catalogue import Endpoint

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    """``limit`` re-sends at most, exponential backoff from ``delay`` with jitter, ``Retry-After`` first."""

    limit: int = 4
    delay: float = 1.0
    max_delay: float = 30.0

    def is_retryable(self, error: BaseException, endpoint: Endpoint) -> bool:
        """Whether sending the same call again is safe and may succeed."""
        if isinstance(error, errors.DataArtsThrottledError):
            return True  # refused before processing, whatever the method
        if isinstance(error, (errors.DataArtsOutcomeUnknownError, errors.DataArtsResponseError)):
            return endpoint.idempotent
        if isinstance(error, errors.DataArtsServerError):
            return endpoint.idempotent or error.status == 503
        if isinstance(error, errors.DataArtsTransportError):
            return endpoint.idempotent or not error.sent
        return False

    def wait_seconds(self, attempt: int, error: BaseException | None) -> float:
        """Seconds before attempt ``attempt + 1``: ``Retry-After`` if given, else jittered backoff."""
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            return float(retry_after)  # already within [0, MAX_RETRY_AFTER] (responses.retry_after_seconds)
        ceiling = min(self.max_delay, self.delay * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)

    def first_failure(self, error: BaseException, endpoint: Endpoint) -> float | None:
        """After a failed first attempt: None if it must not be sent again, else the seconds to wait.

        The first attempt runs without tenacity (the common case needs no retry machinery); the
        re-sends then run under ``tenacity_kwargs``.
        """
        if self.limit < 1 or not self.is_retryable(error, endpoint):
            return None
        delay = self.wait_seconds(1, error)
        log.warning("%s: attempt 1 failed (%s); retrying in %.1fs", endpoint.name, error, delay)
        return delay

    def tenacity_kwargs(self, endpoint: Endpoint) -> dict[str, Any]:
        """``stop`` / ``retry`` / ``wait`` for the re-sends under ``tenacity.Retrying`` or ``AsyncRetrying``
        (attempts numbered from 2; built once per policy and endpoint)."""
        return _tenacity_kwargs(self, endpoint)


@functools.lru_cache(maxsize=512)
def _tenacity_kwargs(policy: RetryPolicy, endpoint: Endpoint) -> dict[str, Any]:
    import tenacity

    def retry(state: tenacity.RetryCallState) -> bool:
        outcome = state.outcome
        error = outcome.exception() if outcome is not None and outcome.failed else None
        return error is not None and policy.is_retryable(error, endpoint)

    def wait(state: tenacity.RetryCallState) -> float:
        return policy.wait_seconds(state.attempt_number + 1, state.outcome.exception() if state.outcome else None)

    def before_sleep(state: tenacity.RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        log.warning(
            "%s: attempt %d failed (%s); retrying in %.1fs",
            endpoint.name,
            state.attempt_number + 1,
            error if error else "?",
            state.next_action.sleep if state.next_action else 0.0,
        )

    return {
        "stop": tenacity.stop_after_attempt(policy.limit),
        "retry": retry,
        "wait": wait,
        "before_sleep": before_sleep,
        "reraise": True,
    }
