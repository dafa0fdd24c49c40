"""The console links: where each leads, from XCom only, and which addresses from an answer become links.

XCom is replaced at the narrow unit level (the links read nothing else); the browser test follows the
DataArts Factory link on a real task page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from airflow_provider_dataarts import links

TARGET = {"region": "cn-north-4", "workspace": "ws 1&x", "job_name": "nightly", "instance_id": "7"}
MODELARTS_CONSOLE = ("console.huaweicloud.com", "/modelarts/", {"region": ["cn-north-4"]})
TENSORBOARD = "https://console.huaweicloud.com/modelarts2/tensorboard/0123abcd/197/"


@pytest.fixture
def xcom(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The task's XCom by key, as the links read it."""
    from airflow.providers.common.compat.sdk import XCom

    values: dict[str, Any] = {}
    monkeypatch.setattr(XCom, "get_value", lambda *, ti_key, key: values.get(key))
    return values


def link(kind: type[links._ConsoleLink]) -> tuple[str, str, dict[str, list[str]]]:
    url = kind().get_link(None, ti_key=object())
    parts = urlsplit(url)
    return parts.netloc, parts.path, parse_qs(parts.query)


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        (links.DataArtsInstanceLink, "/dayu/dlf/"),
        (links.DataArtsJobLink, "/dayu/dlf/"),
        (links.DataArtsQualityInstanceLink, "/dayu/"),
    ],
)
def test_dataarts_links_open_their_module_with_the_region_and_the_workspace(xcom, kind, path) -> None:
    xcom[links.LINK_XCOM_KEY] = TARGET
    assert link(kind) == ("console.huaweicloud.com", path, {"region": ["cn-north-4"], "workspace": ["ws 1&x"]})


def test_the_quality_link_differs_from_the_factory_link(xcom) -> None:
    xcom[links.LINK_XCOM_KEY] = TARGET
    assert link(links.DataArtsQualityInstanceLink) != link(links.DataArtsInstanceLink)


def test_a_visualization_job_links_to_its_tensorboard_page_once_the_task_succeeded(xcom) -> None:
    xcom[links.LINK_XCOM_KEY] = TARGET
    assert link(links.ModelArtsVisualizationJobLink) == MODELARTS_CONSOLE
    xcom["return_value"] = {"outcome": "success", "service_url": TENSORBOARD}
    assert links.ModelArtsVisualizationJobLink().get_link(None, ti_key=object()) == TENSORBOARD


@pytest.mark.parametrize(
    "service_url",
    [
        None,
        "",
        "javascript:alert(1)",
        "http://console.huaweicloud.com/x",
        "https://evil.example/huaweicloud.com",
        "https://huaweicloud.com.evil.example/",
        "https://user:pw@console.huaweicloud.com/",
        "https://console.huaweicloud.com:8443/",
        "https://console.huaweicloud.com:99999/",
        "https://[::1/",
        "https://console.huaweicloud.com\\@evil.example/",
        "https://console.huaweicloud.com/\nx",
        "https://" + "a" * 2048 + ".huaweicloud.com/",
        ["https://console.huaweicloud.com/"],
    ],
)
def test_an_answered_address_that_is_not_an_https_huawei_page_is_not_linked(xcom, service_url) -> None:
    xcom[links.LINK_XCOM_KEY] = TARGET
    xcom["return_value"] = {"service_url": service_url}
    assert link(links.ModelArtsVisualizationJobLink) == MODELARTS_CONSOLE


@pytest.mark.parametrize("target", [None, {}, {"region": ""}, {"region": 4}, "cn-north-4"])
def test_no_target_no_link(xcom, target) -> None:
    xcom[links.LINK_XCOM_KEY] = target
    assert links.DataArtsInstanceLink().get_link(None, ti_key=object()) == ""


@pytest.mark.properties
@given(st.text(max_size=300))
def test_an_address_taken_from_an_answer_is_an_https_page_on_a_huawei_domain(value: str) -> None:
    page = links.huawei_page(value)
    if page is not None:
        parts = urlsplit(page)
        assert parts.scheme == "https" and parts.username is None
        assert any(parts.hostname == d or str(parts.hostname).endswith("." + d) for d in links.HUAWEI_DOMAINS)


@pytest.mark.properties
@given(st.from_regex(r"https://[a-z]{1,10}\.(my)?huaweicloud\.(com|cn)/[a-z0-9/]{0,30}", fullmatch=True))
def test_https_pages_on_huawei_domains_are_kept(value: str) -> None:
    assert links.huawei_page(value) == value
