"""Test-wide set-up: a throwaway AIRFLOW_HOME before Airflow is imported, and a scratch HOME.

``huaweicloudsdkcore`` (a test-only oracle) writes ``~/.huaweicloud`` when imported, so HOME points
at a temporary folder for the whole session.
"""

from __future__ import annotations

import os
import tempfile

_SCRATCH = tempfile.mkdtemp(prefix="dataarts-tests-")
os.environ.setdefault("AIRFLOW_HOME", os.path.join(_SCRATCH, "airflow"))
os.environ["HOME"] = _SCRATCH
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "True")
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
os.environ.setdefault("no_proxy", "127.0.0.1,localhost")
