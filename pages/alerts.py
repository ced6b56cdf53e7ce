"""Alerts: what the war room is told, not only shown — the viewer's alert episodes (acknowledged with a
short note), their subscriptions to the weekly brief and to alert rules by e-mail or LINE, and the forms
that add them. An admin manages any account's. Every signed-in viewer has the page."""
from ui import alerts_view as view
from ui import shell


def render(ctx: shell.Context) -> None:
    view.intro(ctx)
    person = view.owner(ctx)
    view.alerts_now(ctx, person)
    view.subscriptions(ctx, person)
    view.add_forms(ctx, person)


shell.page(render, needs_period=False)
