"""The official Huawei Cloud SDK clients, pointed at the emulator with AK/SK, succeed on every call
they cover - and are refused with a wrong secret key."""

from __future__ import annotations

import pytest

from ._signing import AK, PROJECT, SK


def _client(builder, url: str, sk: str = SK):
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig

    config = HttpConfig.get_default_config()
    config.ignore_ssl_verification = True
    credentials = BasicCredentials(AK, sk, PROJECT)
    return builder.with_http_config(config).with_credentials(credentials).with_endpoints([url]).build()


@pytest.fixture
def dlf(dataarts_emulator):
    from huaweicloudsdkdlf.v1 import DlfClient

    return _client(DlfClient.new_builder(), dataarts_emulator.url)


@pytest.fixture
def studio(dataarts_emulator):
    from huaweicloudsdkdataartsstudio.v1 import DataArtsStudioClient

    return _client(DataArtsStudioClient.new_builder(), dataarts_emulator.url)


def test_dlf_show_job_instance_docs_and_sdk_forms(dlf, admin):
    from huaweicloudsdkdlf.v1 import ShowJobInstanceRequest

    response = dlf.show_job_instance(ShowJobInstanceRequest(job_name="nightly_sales", instance_id="34765"))
    assert response.status == "fail"
    assert [n.status for n in response.nodes] == ["success", "fail", "skip"]
    assert response.instances_id is None  # the docs form says instanceId, which the SDK model lacks
    admin.config(field_form="sdk")
    response = dlf.show_job_instance(ShowJobInstanceRequest(job_name="nightly_sales", instance_id="34765"))
    assert response.instances_id == "34765"
    assert [n.node_type for n in response.nodes] == ["DLI", "DLI", "DWS"]
    assert response.nodes[1].log_path.endswith("/nightly_sales/34765/transform/0.log")


def test_dlf_restore_then_show_walks_the_states(dlf, admin):
    from huaweicloudsdkdlf.v1 import RestoreJobInstanceRequest, ShowJobInstanceRequest

    name = "daily report café"
    dlf.restore_job_instance(RestoreJobInstanceRequest(job_name=name, instance_id="34771"))
    show = ShowJobInstanceRequest(job_name=name, instance_id="34771")
    assert dlf.show_job_instance(show).status == "fail"  # the lag: the previous outcome
    admin.advance(2.5)
    assert dlf.show_job_instance(show).status == "waiting"
    admin.advance(1)
    assert dlf.show_job_instance(show).status == "running"
    admin.advance(10)
    response = dlf.show_job_instance(show)
    assert response.status == "success"
    assert [n.retry_times for n in response.nodes] == [0, 1]  # rerun from the failed node only


def test_dlf_stop_job_instance(dlf, admin):
    from huaweicloudsdkdlf.v1 import ShowJobInstanceRequest, StopJobInstanceRequest

    dlf.stop_job_instance(StopJobInstanceRequest(job_name="hourly_ingest", instance_id="34781"))
    response = dlf.show_job_instance(ShowJobInstanceRequest(job_name="hourly_ingest", instance_id="34781"))
    assert response.status == "manual-stop"


def test_dlf_list_job_instances(dlf, admin):
    from huaweicloudsdkdlf.v1 import ListJobInstancesRequest

    response = dlf.list_job_instances(ListJobInstancesRequest(workspace="ws-default"))
    assert response.total == 4  # the dlf SDK sends no filter: the default window, what started today
    assert len(response.instances) == 4
    admin.config(field_form="sdk")
    response = dlf.list_job_instances(ListJobInstancesRequest())
    assert response.instances[0].instances_id == "34781"
    assert response.instances[0].job_name == "hourly_ingest"


def test_studio_list_factory_job_instances_by_name(studio):
    from huaweicloudsdkdataartsstudio.v1 import ListFactoryJobInstancesByNameRequest

    request = ListFactoryJobInstancesByNameRequest(workspace="ws-default", job_name="nightly_sales")
    response = studio.list_factory_job_instances_by_name(request)
    assert [i.instance_id for i in response.instances] == [34766]  # default window: today (virtual)
    request.min_plan_time = 1795053600000  # 2026-11-19T02:00Z
    response = studio.list_factory_job_instances_by_name(request)
    assert [i.instance_id for i in response.instances] == [34766, 34765, 34764]
    assert response.instances[1].job_id == 917567


def test_studio_retry_factory_job_instance(studio, admin):
    from huaweicloudsdkdataartsstudio.v1 import (
        RetryFactoryJobInstanceBody,
        RetryFactoryJobInstanceBodyTaskRetrys,
        RetryFactoryJobInstanceRequest,
    )

    retry = RetryFactoryJobInstanceBodyTaskRetrys(job_id=917567, plan_time=1795226400000, submit_time=1795226400100)
    body = RetryFactoryJobInstanceBody(
        retry_location="errorNode", retry_task_version="original_version", task_retrys=[retry]
    )
    request = RetryFactoryJobInstanceRequest(workspace="ws-default", job_name="nightly_sales", body=body)
    studio.retry_factory_job_instance(request)
    assert admin.requests()[-1]["status"] == 200
    instance = next(i for i in admin.state()["factory_jobs"][0]["instances"] if i["instance_id"] == 34765)
    assert instance["pending"] is True


def test_studio_quality_list_instances_and_result(studio):
    from huaweicloudsdkdataartsstudio.v1 import ListInstancesRequest, ShowInstanceResultRequest

    response = studio.list_instances(ListInstancesRequest(workspace="ws-default", task_type="QUALITY_TASK"))
    assert [r.id for r in response.resources] == [5001]
    result = studio.show_instance_result(ShowInstanceResultRequest(workspace="ws-default", instance_id="5001"))
    assert result.count == 2
    assert {r.abnormal_table_status for r in result.resources} == {"UNSUPPORTED"}


def _refused(call):
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException

    with pytest.raises(ClientRequestException) as info:
        call()
    assert info.value.status_code == 401
    assert info.value.error_code == "APIG.0301"
    assert "verify aksk signature fail" in info.value.error_msg
    assert info.value.request_id


def test_wrong_secret_key_is_refused_on_every_call(dataarts_emulator, admin):
    from huaweicloudsdkdataartsstudio.v1 import (
        DataArtsStudioClient,
        ListFactoryJobInstancesByNameRequest,
        ListInstancesRequest,
        RetryFactoryJobInstanceBody,
        RetryFactoryJobInstanceBodyTaskRetrys,
        RetryFactoryJobInstanceRequest,
        ShowInstanceResultRequest,
    )
    from huaweicloudsdkdlf.v1 import (
        DlfClient,
        ListJobInstancesRequest,
        RestoreJobInstanceRequest,
        ShowJobInstanceRequest,
        StopJobInstanceRequest,
    )

    dlf = _client(DlfClient.new_builder(), dataarts_emulator.url, sk="wrong")
    studio = _client(DataArtsStudioClient.new_builder(), dataarts_emulator.url, sk="wrong")
    retry = RetryFactoryJobInstanceBodyTaskRetrys(job_id=917567, plan_time=1795226400000, submit_time=1)
    body = RetryFactoryJobInstanceBody(
        retry_location="errorNode", retry_task_version="original_version", task_retrys=[retry]
    )
    _refused(lambda: dlf.show_job_instance(ShowJobInstanceRequest(job_name="nightly_sales", instance_id="34765")))
    _refused(lambda: dlf.restore_job_instance(RestoreJobInstanceRequest(job_name="nightly_sales", instance_id="34765")))
    _refused(lambda: dlf.stop_job_instance(StopJobInstanceRequest(job_name="hourly_ingest", instance_id="34781")))
    _refused(lambda: dlf.list_job_instances(ListJobInstancesRequest()))
    _refused(
        lambda: studio.list_factory_job_instances_by_name(
            ListFactoryJobInstancesByNameRequest(workspace="ws-default", job_name="nightly_sales")
        )
    )
    _refused(
        lambda: studio.retry_factory_job_instance(
            RetryFactoryJobInstanceRequest(workspace="ws-default", job_name="nightly_sales", body=body)
        )
    )
    _refused(lambda: studio.list_instances(ListInstancesRequest(workspace="ws-default")))
    _refused(lambda: studio.show_instance_result(ShowInstanceResultRequest(workspace="ws-default", instance_id="5001")))
    state = admin.state()
    assert all(not i["pending"] for job in state["factory_jobs"] for i in job["instances"] if i["instance_id"] != 34781)
    assert {e["status"] for e in admin.requests()} == {401}
