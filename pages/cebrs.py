"""CEBRS page (being built)."""
from ui import panels, shell
from ui.i18n import t


def render(ctx: shell.Context) -> None:
    panels.page_start(ctx, t("nav_cebrs", ctx.lang))


shell.page(render)
