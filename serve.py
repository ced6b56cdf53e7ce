"""War Room as a web service: Streamlit's ASGI app (st.App) around app.py, with the sign-in form's
route, the health route and the security headers (web/). `make run` starts it with
`streamlit run serve.py`; the pages and the navigation are app.py's, unchanged."""
from pathlib import Path

import streamlit as st

import web

app = st.App(str(Path(__file__).resolve().parent / "app.py"), routes=web.routes(), middleware=web.middleware())
