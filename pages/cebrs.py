"""CEBRS: the budget for urgent relief of citizens' hardship, for the area and quarter in view.

Headline, by problem category, by area (map drills in), project status and time to disbursement,
money against need (CEBRS + PADME per ThaiQM target household, with the flagged areas), the projects.
"""
from ui import cebrs_view as view
from ui import panels, shell
from ui.i18n import t


def render(ctx: shell.Context) -> None:
    index, area = panels.page_start(ctx, t("nav_cebrs", ctx.lang))
    view.headline(ctx, area)
    view.by_category(ctx, area)
    view.by_area_block(ctx, area, index)
    view.status_block(ctx, area)
    view.need_block(ctx, area, index)
    view.projects_block(ctx, area)


shell.page(render)
