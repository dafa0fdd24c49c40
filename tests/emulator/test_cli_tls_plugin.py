"""The CLI (start, URL line, clean exit on SIGINT/SIGTERM), TLS, and the pytest plugin's fixtures."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest
import requests

from airflow_provider_dataarts.emulator import Emulator, EmulatorAdmin

from ._helpers import Api, detail_path


def _start(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "airflow_provider_dataarts.emulator", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline().strip()
    return process, line


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_cli_serves_and_stops_cleanly(signum):
    process, line = _start("--speed", "0")
    try:
        assert line.startswith("DataArts emulator listening on http://127.0.0.1:")
        url = line.rsplit(" ", 1)[1]
        port = int(url.rsplit(":", 1)[1])
        assert port > 0
        admin = EmulatorAdmin(url)
        assert admin.clock()["speed"] == 0
        assert Api(url).get(detail_path("nightly_sales", 34765)).status_code == 200
        admin.close()
    finally:
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=15)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr


def test_cli_bad_scenario_exits_with_an_error(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"nope": 1}', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "airflow_provider_dataarts.emulator", "--scenario", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "unknown key" in result.stderr


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    trustme = pytest.importorskip("trustme")
    folder = tmp_path_factory.mktemp("tls")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    return str(ca_file), str(cert_file), str(key_file)


def test_tls_in_process(certificate):
    ca_file, cert_file, key_file = certificate
    with Emulator(certfile=cert_file, keyfile=key_file, ca_file=ca_file, speed=0) as emu:
        assert emu.url.startswith("https://127.0.0.1:")
        api = Api(emu.url)
        api.session.verify = ca_file
        assert api.get(detail_path("nightly_sales", 34765)).status_code == 200
        assert emu.admin.clock()["speed"] == 0
        assert emu.connection_extra()["verify"] == ca_file
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(emu.url + "/v1/x", timeout=10)  # not trusted without the CA


def test_tls_cli(certificate):
    ca_file, cert_file, key_file = certificate
    process, line = _start("--certfile", cert_file, "--keyfile", key_file)
    try:
        assert line.startswith("DataArts emulator listening on https://127.0.0.1:")
        url = line.rsplit(" ", 1)[1]
        assert requests.get(url + "/v1/x", verify=ca_file, timeout=10).status_code == 404
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=15)
    assert process.returncode == 0


def test_connection_helpers(dataarts_emulator):
    emu = dataarts_emulator
    aksk = json.loads(emu.connection_json())
    assert aksk["conn_type"] == "huaweicloud_dataarts"
    assert (aksk["login"], aksk["password"]) == ("EMULATORAK00000000000", "emulator-secret-key-0000000000000000000")
    assert aksk["extra"] == {
        "region": "emulator-1",
        "project_id": "0123456789abcdef0123456789abcdef",
        "workspace": "ws-default",
        "endpoint": emu.url,
    }
    assert emu.connection_extra() == aksk["extra"]
    password = json.loads(emu.connection_json(auth_type="password"))
    assert (password["login"], password["password"]) == ("emulator-user", "emulator-password")
    assert password["extra"]["auth_type"] == "password"
    assert password["extra"]["domain"] == "emulator-domain"
    with pytest.raises(ValueError, match="auth_type"):
        emu.connection_json(auth_type="kerberos")


def test_connection_uri_and_json_parse_as_airflow_connections(dataarts_emulator):
    from airflow.models.connection import Connection

    emu = dataarts_emulator
    from_uri = Connection(conn_id="x", uri=emu.connection_uri())
    assert from_uri.conn_type == "huaweicloud_dataarts"
    assert (from_uri.login, from_uri.password) == ("EMULATORAK00000000000", "emulator-secret-key-0000000000000000000")
    assert from_uri.extra_dejson["endpoint"] == emu.url
    from_json = Connection.from_json(emu.connection_json(auth_type="password"), conn_id="y")
    assert from_json.login == "emulator-user"
    assert from_json.extra_dejson["auth_type"] == "password"


def test_dataarts_connection_fixture(dataarts_connection, dataarts_emulator):
    assert dataarts_connection == "dataarts_default"
    assert json.loads(os.environ["AIRFLOW_CONN_DATAARTS_DEFAULT"]) == json.loads(dataarts_emulator.connection_json())


@pytest.mark.dataarts_scenario(
    {"factory_jobs": [{"name": "marked", "instances": [{"instance_id": 1, "plan_time": 0}]}]}
)
def test_scenario_marker(api):
    assert api.get(detail_path("marked", 1)).status_code == 200


def _inner_pytest(tmp_path, *options: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HOME": str(tmp_path)}
    env.pop("AIRFLOW_CONN_DATAARTS_DEFAULT", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options, str(tmp_path / "test_inner.py")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=env,
    )


def test_the_plugin_is_not_loaded_by_merely_installing_the_provider(tmp_path):
    (tmp_path / "test_inner.py").write_text("def test_uses(dataarts_emulator):\n    pass\n", encoding="utf-8")
    result = _inner_pytest(tmp_path)
    assert result.returncode != 0 and "fixture 'dataarts_emulator' not found" in result.stdout


def test_plugin_resets_between_tests_in_a_fresh_session(tmp_path):
    """Run a small test file in its own pytest process: the plugin is asked for with ``-p``."""
    (tmp_path / "test_inner.py").write_text(
        textwrap.dedent(
            """
            import os
            import requests

            def test_first(dataarts_emulator):
                dataarts_emulator.admin.advance(100)
                dataarts_emulator.admin.config(field_form="sdk")

            def test_second(dataarts_emulator, dataarts_connection):
                state = dataarts_emulator.admin.state()
                assert state["clock"]["now"] == 1795327200000
                assert state["config"]["field_form"] == "docs"
                assert dataarts_connection == "dataarts_default"
                assert "AIRFLOW_CONN_DATAARTS_DEFAULT" in os.environ

            def test_third():
                assert "AIRFLOW_CONN_DATAARTS_DEFAULT" not in os.environ
            """
        ),
        encoding="utf-8",
    )
    result = _inner_pytest(tmp_path, "-p", "airflow_provider_dataarts.emulator.pytest_plugin")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
