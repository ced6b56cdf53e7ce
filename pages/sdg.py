"""The 17 SDGs: every goal's rating and trend, one goal's indicators and map, province benchmarking."""
from ui import panels, sdg_view, shell
from ui.i18n import t


def render(ctx: shell.Context) -> None:
    selected = sdg_view.seed_goal()  # before page_start, so a bad ?goal= joins its URL notice
    index, area = panels.page_start(ctx, t("nav_sdg", ctx.lang))
    view = sdg_view.load(ctx, area)
    if view is None:
        return sdg_view.no_data(ctx)
    sdg_view.header(ctx, view)
    sdg_view.goal_grid(ctx, area, view, selected)
    goal = sdg_view.goal_picker(ctx, view)
    sdg_view.goal_detail(ctx, area, index, view, goal)
    sdg_view.benchmark(ctx, area, index, view)


shell.page(render)
