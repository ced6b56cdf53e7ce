"""The HTTP side of War Room, served on the same ASGI app as Streamlit (serve.py, st.App): the sign-in
form's route, a health route for nginx and systemd, and middleware for security headers. Nothing here
draws Streamlit elements; the data goes through data_access as everywhere else."""


def routes() -> list:
    from starlette.routing import Route

    from . import forms, health, signin
    return [Route(forms.ROUTE, signin.sign_in, methods=["GET", "POST"]),
            Route(health.ROUTE, health.healthz, methods=["GET", "HEAD"])]


def middleware() -> list:
    from starlette.middleware import Middleware

    from . import headers
    return [Middleware(headers.SecurityHeaders)]
