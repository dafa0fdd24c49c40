"""Kinds of remote runs (how each is observed and stopped) and the rules every wait shares.

Each kind is one module with one declaration, its ``KIND`` (see :class:`~.base.Kind`); operators,
sensors and triggers name that object. The modules import no API calls up front, so operators can name
them at DAG-parse time.
"""
