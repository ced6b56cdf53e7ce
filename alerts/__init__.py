"""Alerts and subscriptions: rules, messages, channels and the delivery runner.

The runner uses the pages' own cached loaders (ui.loaders) outside a Streamlit server, where they keep
their caches in memory; Streamlit's warning about that ("No runtime found") is noise in a timer's log.
"""
import logging

import streamlit.runtime.caching.cache_data_api  # noqa: F401  (its logger exists, with Streamlit's level)
import streamlit.runtime.caching.cache_resource_api  # noqa: F401  (likewise)

for _name in ("streamlit.runtime.caching.cache_data_api", "streamlit.runtime.caching.cache_resource_api"):
    logging.getLogger(_name).setLevel(logging.ERROR)
