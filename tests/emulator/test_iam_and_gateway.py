"""IAM tokens (issue, use, expiry) and the gateway's other checks: project, workspace, routes, rate limit."""

from __future__ import annotations

import json
import time

import pytest
import requests

from airflow_provider_dataarts.emulator.scenario import DEFAULT_PATH

from ._helpers import V1, V2, detail_path
from ._signing import PROJECT


def password_body(password="emulator-password", scope=None, user="emulator-user", domain="emulator-domain"):
    return {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {"name": user, "password": password, "domain": {"name": domain}}},
            },
            "scope": scope if scope is not None else {"project": {"id": PROJECT}},
        }
    }


def get_token(url, **kwargs):
    return requests.post(f"{url}/v3/auth/tokens?nocatalog=true", json=password_body(**kwargs), timeout=10)


def test_token_issued_by_project_id_and_used(dataarts_emulator, api, admin):
    response = get_token(dataarts_emulator.url)
    assert response.status_code == 201
    token = response.headers["X-Subject-Token"]
    body = response.json()["token"]
    assert body["methods"] == ["password"]
    assert body["project"]["id"] == PROJECT
    assert body["user"]["name"] == "emulator-user"
    assert "catalog" not in body
    assert body["expires_at"].endswith("Z") and body["issued_at"] < body["expires_at"]
    assert api.get(detail_path("nightly_sales", 34765), token=token).status_code == 200
    log = admin.requests()
    assert log[0]["route"] == "iam.token"
    assert log[0]["body"]["auth"]["identity"]["password"]["user"]["password"] == "***"
    assert log[0]["credential"] == "emulator-user"
    assert log[1]["credential"] == "emulator-user"
    assert token not in str(log)


def test_token_scoped_by_project_name(dataarts_emulator):
    response = get_token(dataarts_emulator.url, scope={"project": {"name": "cn-north-4"}})
    assert response.status_code == 201
    assert response.json()["token"]["project"] == {
        "id": PROJECT,
        "name": "cn-north-4",
        "domain": response.json()["token"]["project"]["domain"],
    }


@pytest.mark.parametrize("kwargs", [{"password": "wrong"}, {"user": "nobody"}, {"domain": "other-domain"}])
def test_bad_password(dataarts_emulator, kwargs):
    response = get_token(dataarts_emulator.url, **kwargs)
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}
    }
    assert "X-Subject-Token" not in response.headers


def test_malformed_token_request(dataarts_emulator):
    response = requests.post(f"{dataarts_emulator.url}/v3/auth/tokens", json={"auth": {}}, timeout=10)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 400


def test_token_expiry_by_admin_and_by_ttl(dataarts_emulator, api, admin):
    token = get_token(dataarts_emulator.url).headers["X-Subject-Token"]
    admin.expire_tokens()
    response = api.get(detail_path("nightly_sales", 34765), token=token)
    assert response.status_code == 401
    assert response.json()["error_code"] == "APIG.0307"
    assert response.json()["error_msg"] == "The token must be updated."
    admin.config(token_ttl=1.0)
    short = get_token(dataarts_emulator.url).headers["X-Subject-Token"]
    assert api.get(detail_path("nightly_sales", 34765), token=short).status_code == 200
    time.sleep(1.05)  # token lifetimes are real seconds
    assert api.get(detail_path("nightly_sales", 34765), token=short).json()["error_code"] == "APIG.0307"


def test_unknown_token(api):
    response = api.get(detail_path("nightly_sales", 34765), token="MIInot-a-token")
    assert (response.status_code, response.json()["error_code"]) == (401, "APIG.0301")


def test_wrong_project_in_path(api):
    other = "f" * 32
    response = api.get(f"/v1/{other}/jobs/nightly_sales/instances/34765")
    assert response.status_code == 403
    body = response.json()
    assert body["error_code"] == "APIG.0310"
    assert body["error_msg"] == f"The project is unavailable: project {other}"


def test_wrong_x_project_id_header(api):
    response = api.get(detail_path("nightly_sales", 34765), headers={"X-Project-Id": "f" * 32})
    assert response.json()["error_code"] == "APIG.0310"


def test_expired_token_forms_and_gateway_spelling(dataarts_emulator, api, admin):
    """Both documented forms of an expired token, and both spellings of the gateway's codes."""
    token = get_token(dataarts_emulator.url).headers["X-Subject-Token"]
    admin.expire_tokens()
    admin.config(token_expired_code="APIG.0301", gateway_code_spelling="APIGW")
    body = api.get(detail_path("nightly_sales", 34765), token=token).json()
    assert body["error_code"] == "APIGW.0301"
    assert body["error_msg"].startswith("Incorrect IAM authentication information: token expires, expires_at: ")


TWO_PROJECTS = {**json.loads(DEFAULT_PATH.read_text()), "extra_projects": ["fedcba9876543210fedcba9876543210"]}


@pytest.mark.dataarts_scenario(TWO_PROJECTS)
def test_a_token_is_bound_to_its_project(dataarts_emulator, api):
    other = TWO_PROJECTS["extra_projects"][0]
    scope = {"project": {"id": other}}
    token = get_token(dataarts_emulator.url, scope=scope).headers["X-Subject-Token"]
    assert api.get(f"/v1/{other}/jobs/nightly_sales/instances/34765", token=token).status_code == 200
    refused = api.get(detail_path("nightly_sales", 34765), token=token)  # the main project's path
    assert (refused.status_code, refused.json()) == (
        403,
        {"error_code": "Common.0018", "error_msg": "tenantId in token is not the same with in URL."},
    )
    modelarts = api.get(f"/v1/{PROJECT}/visualization-jobs/10", token=token, workspace=None)
    assert (modelarts.status_code, modelarts.json()["error_code"]) == (403, "ModelArts.0210")


def test_unknown_route_and_method(api):
    for response in (
        api.get(f"{V1}/nothing/here"),
        api.request("DELETE", detail_path("nightly_sales", 34765)),
        api.get(f"{V2}/quality/instances/restart"),
    ):
        assert response.status_code == 404
        assert response.json()["error_code"] == "APIG.0101"
        assert response.json()["error_msg"] == ("The API does not exist or has not been published in the environment.")


def test_every_response_has_a_request_id(dataarts_emulator, api):
    responses = [
        api.get(detail_path("nightly_sales", 34765)),
        api.post(f"{detail_path('nightly_sales', 34765)}/restart"),
        api.get(f"{V1}/unknown"),
        requests.get(dataarts_emulator.url + "/v1/x", timeout=10),
        get_token(dataarts_emulator.url),
    ]
    ids = [r.headers["X-Request-Id"] for r in responses]
    assert all(len(i) == 32 for i in ids)
    assert len(set(ids)) == len(ids)


def test_rate_limit_per_credential(dataarts_emulator, api, admin):
    admin.rate_limit(3, 30)
    path = detail_path("nightly_sales", 34765)
    assert [api.get(path).status_code for _ in range(3)] == [200, 200, 200]
    refused = api.get(path)
    assert refused.status_code == 429
    assert 28 <= int(refused.headers["Retry-After"]) <= 30
    body = refused.json()
    assert body["error_code"] == "APIG.0308"
    assert body["error_msg"] == (
        "The throttling threshold has been reached: policy user over ratelimit,limit:3,time:30 second"
    )
    assert body["request_id"] == refused.headers["X-Request-Id"]
    token = get_token(dataarts_emulator.url).headers["X-Subject-Token"]  # another credential: own budget
    assert api.get(path, token=token).status_code == 200
    admin.clear_rate_limit()
    assert api.get(path).status_code == 200


def test_rate_limit_window_slides(api, admin):
    admin.rate_limit(2, 1.0)
    path = detail_path("nightly_sales", 34765)
    assert [api.get(path).status_code for _ in range(3)] == [200, 200, 429]
    time.sleep(1.05)  # the window is real time
    assert api.get(path).status_code == 200


def test_request_log_fields(api, admin):
    api.post(f"{V2}/quality/instances/restart", body={"rule_type": 1, "rule_id": "1440764172232392705"})
    api.get(f"{V1}/jobs/instances/detail", query=[("limit", 5)], workspace=None)
    first, second = admin.requests()
    fields = "seq time vtime method path route query body status fault credential workspace"
    assert set(first) >= set(fields.split())
    assert (first["route"], first["status"], first["workspace"]) == ("quality.rerun", 200, "ws-default")
    assert first["body"] == {"rule_type": 1, "rule_id": "1440764172232392705"}
    assert (second["route"], second["query"], second["workspace"]) == ("dlf.list", {"limit": "5"}, "ws-default")
    assert admin.requests(since=first["seq"]) == [second]
    assert "Authorization" not in str(first) and "Signature=" not in str(first)
    admin.clear_requests()
    assert admin.requests() == []


def test_domain_scoped_token_is_refused_on_project_paths(dataarts_emulator, api):
    response = get_token(dataarts_emulator.url, scope={"domain": {"name": "emulator-domain"}})
    assert response.status_code == 201
    assert "project" not in response.json()["token"]
    refused = api.get(detail_path("nightly_sales", 34765), token=response.headers["X-Subject-Token"])
    assert (refused.status_code, refused.json()["error_code"]) == (403, "Common.0018")


def test_admin_answers_carry_a_request_id(dataarts_emulator):
    assert requests.get(f"{dataarts_emulator.url}/_emulator/clock", timeout=10).headers["X-Request-Id"]
