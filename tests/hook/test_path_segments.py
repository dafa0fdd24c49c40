"""Path segments: every name reaches the path it names, on both transports, or is refused before sending.

``/v1/p/jobs/../instances/1`` is not job ".." - the transports (urllib3, yarl) and any proxy or gateway
would normalise it to ``/v1/p/instances/1``. So ``.`` and ``..`` (and nothing) are refused; every other
value is percent-encoded as exactly one segment, ``/ ? # %`` and non-ASCII included.
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import pytest

from airflow_provider_dataarts.api.request import encode_path
from airflow_provider_dataarts.hooks.dataarts import DataArtsHook
from airflow_provider_dataarts.hooks.dataarts_async import DataArtsAsyncHook, close_sessions
from airflow_provider_dataarts.validation import InvalidParameterError
from tests.hostile import Answer, connection, hostile

TEMPLATE = "/v1/{project_id}/jobs/{job_name}/instances/{instance_id}"
DETAIL = b'{"instanceId": 1, "status": "running", "planTime": 1795226400000, "startTime": 1795226405000}'


@pytest.mark.parametrize("value", [".", "..", "", None])
@pytest.mark.parametrize("where", ["job_name", "instance_id", "project_id"])
def test_a_segment_the_transports_would_normalise_is_refused(where, value) -> None:
    params = {"project_id": "p", "job_name": "j", "instance_id": 1, where: value}
    with pytest.raises(InvalidParameterError) as raised:
        encode_path(TEMPLATE, params)
    assert raised.value.parameter == where
    assert "path segment" in str(raised.value)


@pytest.mark.parametrize(
    ("name", "segment"),
    [
        ("a/b", "a%2Fb"),
        ("../x", "..%2Fx"),
        ("what?x=1", "what%3Fx%3D1"),
        ("a#b", "a%23b"),
        ("100%", "100%25"),
        ("%2e%2e", "%252e%252e"),  # already-encoded dots stay a name, never decoded into ".."
        ("夜间作业", "%E5%A4%9C%E9%97%B4%E4%BD%9C%E4%B8%9A"),
        ("café report", "caf%C3%A9%20report"),
        ("...", "..."),  # three dots are a name, not a directory
        (".hidden", ".hidden"),
    ],
)
def test_every_other_value_is_one_encoded_segment(name, segment) -> None:
    path = encode_path(TEMPLATE, {"project_id": "p", "job_name": name, "instance_id": 1})
    assert path == f"/v1/p/jobs/{segment}/instances/1"
    assert path.split("/")[4] == segment and len(path.split("/")) == 7  # one segment, nothing added or lost


NAMES = ["a/b", "../x", "what?x=1", "a#b", "100%", "%2e%2e", "夜间作业", "...", ".%2e"]


def _send(names: list[str], monkeypatch: pytest.MonkeyPatch, asynchronous: bool) -> tuple[list[str], list[Exception]]:
    """A status read of each job name through one transport: the paths the hostile server saw, and
    the refusals (InvalidParameterError) the hook raised instead of sending."""
    refused: list[Exception] = []
    with hostile() as server:
        server.script(r"^GET /v1/p1/jobs/", Answer(200, DETAIL))
        monkeypatch.setenv("AIRFLOW_CONN_HOSTILE", connection(server.url, retry_limit=0))
        if asynchronous:

            async def read_all() -> None:
                try:
                    for name in names:
                        try:
                            await DataArtsAsyncHook("hostile").get_job_instance(name, 1)
                        except InvalidParameterError as error:
                            refused.append(error)
                finally:
                    await close_sessions()

            asyncio.run(read_all())
        else:
            for name in names:
                try:
                    DataArtsHook("hostile").get_job_instance(name, 1)
                except InvalidParameterError as error:
                    refused.append(error)
        return [seen.path for seen in server.seen], refused


@pytest.mark.parametrize("asynchronous", [False, True], ids=["requests", "aiohttp"])
def test_each_transport_sends_the_name_as_the_one_segment_it_is(asynchronous, monkeypatch) -> None:
    paths, refused = _send(NAMES, monkeypatch, asynchronous)
    assert refused == []
    assert paths == [f"/v1/p1/jobs/{quote(name, safe='')}/instances/1" for name in NAMES]


@pytest.mark.parametrize("asynchronous", [False, True], ids=["requests", "aiohttp"])
def test_each_transport_refuses_a_dot_segment_before_sending(asynchronous, monkeypatch) -> None:
    paths, refused = _send([".", ".."], monkeypatch, asynchronous)
    assert paths == []  # no GET /v1/p1/jobs/instances/1, no GET /v1/p1/instances/1
    assert [(error.parameter, "path segment" in str(error)) for error in refused] == [("job_name", True)] * 2
