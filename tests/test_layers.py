"""The layers run one way (docs/ARCHITECTURE.md): pages → ui (blocks, ui.loaders) → data_access (the
scoped reads) → metrics (pure); reports is a leaf the ui feeds. Checked on the source, so a new import
that runs the wrong way fails here rather than in review."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {  # package -> what it must never import
    "metrics": {"data_access", "ui", "reports", "pages", "streamlit", "sqlalchemy", "bench", "alerts"},
    "reports": {"data_access", "ui", "pages", "streamlit", "sqlalchemy", "bench", "alerts"},
    "data_access": {"ui", "reports", "pages", "streamlit", "bench", "alerts"},
    "ui": {"pages", "sqlalchemy", "bench", "alerts"},
    "pages": {"sqlalchemy", "bench"},
    # The runner sits beside the pages: it builds each recipient's messages with the ui's own blocks and
    # reads through data_access, never SQL of its own.
    "alerts": {"pages", "sqlalchemy", "bench"},
}
# The CLI is a composition root, as app.py is for the pages: its `notify` command runs alerts.runner.
EXEMPT = {("data_access/__main__.py", "alerts")}
# The page-facing read modules: their functions receive a ScopedReader, never an engine.
PAGE_FACING = ("padme", "cebrs", "thaiqm", "sdg", "queries", "snapshots", "health", "audit", "accounts")
RAW_EXECUTOR_USERS = {"db.py", "reader.py", "queries.py", "sdg.py",  # the catalogue, which holds no figure
                      # subscriptions and the outbox: the runner reads them as the system; a person's own
                      # are read after notify._require_manage, and the outbox only through a reader
                      "notify.py"}


def _files(package: str) -> list[Path]:
    return [ROOT / "app.py"] if package == "app" else sorted((ROOT / package).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_import_runs_against_the_layers(package):
    def bad(p: Path) -> set[str]:
        return {m for m in _imports(p) & FORBIDDEN[package] if (str(p.relative_to(ROOT)), m) not in EXEMPT}

    wrong = {f"{p.relative_to(ROOT)} imports {', '.join(sorted(bad(p)))}" for p in _files(package) if bad(p)}
    assert not wrong, sorted(wrong)


def test_app_py_imports_no_sqlalchemy():
    assert "sqlalchemy" not in _imports(ROOT / "app.py")


def test_the_raw_executor_stays_in_the_catalogue_and_the_reader():
    users = {p.name for p in (ROOT / "data_access").glob("*.py") if "select_frame" in p.read_text(encoding="utf-8")}
    assert users <= RAW_EXECUTOR_USERS, users - RAW_EXECUTOR_USERS
    outside = [p for pkg in ("ui", "pages", "reports", "metrics") for p in _files(pkg)
               if "select_frame" in p.read_text(encoding="utf-8") or "_engine" in p.read_text(encoding="utf-8")]
    assert not outside, outside


@pytest.mark.parametrize("module", PAGE_FACING)
def test_functions_that_take_a_reader_hold_no_engine(module):
    """A function handed a ScopedReader has no other way to run SQL: no engine, no connection."""
    tree = ast.parse((ROOT / "data_access" / f"{module}.py").read_text(encoding="utf-8"))
    wrong = []
    for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
        params = {a.arg for a in fn.args.args}
        if not params & {"reader", "read"}:
            continue
        names = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)}
        attrs = {n.attr for n in ast.walk(fn) if isinstance(n, ast.Attribute)}
        if names & {"engine", "select_frame"} or attrs & {"connect", "begin", "_engine", "_run"}:
            wrong.append(fn.name)
    assert not wrong, f"data_access/{module}.py: {wrong}"


def test_the_architecture_document_states_the_same_order():
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert "page → ui block → loader → scoped read (data_access) → metric" in text
    assert "metrics/` imports nothing of the project" in text
