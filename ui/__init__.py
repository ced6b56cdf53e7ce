"""Shared Streamlit pieces: the app shell, cached data loaders, formatting, the text catalogue, maps."""
