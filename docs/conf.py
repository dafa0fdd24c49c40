"""Sphinx configuration: the provider's documentation, built with ``bash scripts/docs.sh``.

Sphinx (as Airflow's own providers) so that every operator's and sensor's arguments come from their
``:param:`` docstrings (autodoc) and cannot drift from the code; pages are Markdown (MyST).
"""

from __future__ import annotations

import os
import sys
import tempfile

sys.path.insert(0, os.path.abspath(".."))
sys.path.insert(0, os.path.abspath("_ext"))
os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="dataarts-docs-"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")

from airflow_provider_dataarts import __version__

project = "airflow-provider-dataarts"
author = "airflow-provider-dataarts developers"
copyright = "2026, airflow-provider-dataarts developers"
release = version = __version__

extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.napoleon", "code_tables"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
html_theme = "furo"
html_title = f"airflow-provider-dataarts {__version__}"

autodoc_member_order = "bysource"
autodoc_typehints = "none"  # the :param: docs say what each argument takes
autodoc_default_options = {"show-inheritance": False}
napoleon_google_docstring = False
suppress_warnings = ["myst.xref_missing"]
nitpicky = False
