"""The import contract's reasons in Thai on the screens that list a refused file's or report's problems
(ui/reasons.py): every row rule and the common cell reasons, values carried over; English as it is."""
import pytest

from data_access import imports
from data_access.contracts import CONTRACTS
from ui.reasons import reason

THAI = __import__("re").compile(r"[\u0E00-\u0E7F]")


@pytest.mark.parametrize("text", sorted({check.reason for c in CONTRACTS.values() for check in c.checks}))
def test_every_row_rule_of_the_contracts_reads_in_thai(text):
    thai = reason(text, "th")
    assert thai != text and THAI.search(thai)
    assert reason(text, "en") == text


@pytest.mark.parametrize("text, values", [
    ("must be between 1 and 13", ("1", "13")),
    ("too large: at most 1,000,000,000,000", ("1,000,000,000,000",)),
    ("the year 2569 is a Buddhist Era year: dates are written in CE (2569 − 543 = 2026)", ("2569", "2026")),
    ("duplicate key (first at row 7)", ("7",)),
    ("not one of approved, in_progress, done", ("approved, in_progress, done",)),
    ("outside your area (province 30): you may report only for it", ("province 30",)),
])
def test_cell_reasons_keep_their_values(text, values):
    thai = reason(text, "th")
    assert THAI.search(thai) and all(v in thai for v in values)


def test_a_reason_the_table_does_not_know_is_shown_as_it_is():
    assert reason("something new", "th") == "something new"


def test_the_files_reasons_found_by_an_import_read_in_thai(tmp_path):
    """A refused file's own problems, as the engine words them, are all in the table."""
    from tests.conftest import AS_OF, cebrs_bytes
    from data_access import db
    from data_access.seed import seed
    url = f"sqlite:///{tmp_path / 'reasons.db'}"  # a refusal is logged: not in the shared database
    seed(db.engine_for(url), "test", AS_OF)
    path = tmp_path / "bad.csv"
    path.write_bytes(cebrs_bytes({"approved_baht": "-5"}, {"status": "finished"}, {"approved_on": "2569-10-05"},
                                 {"subdist_code": "999999"}, {"disbursed_baht": "900000"}, {"fiscal_year": "2026"}))
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_file(db.engine_for(url), "cebrs", path)
    untranslated = [p.reason for p in rejected.value.problems if not THAI.search(reason(p.reason, "th"))]
    assert not untranslated


def test_the_stores_refusals_read_in_thai_with_the_file_and_detail_kept():
    """An import refused because the embedded file is read-only, locked, gone… (data_access/storecheck.py)."""
    from data_access.storecheck import Fault
    import datetime as dt
    since = dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc)
    for kind in ("gone", "replaced", "header", "corrupt", "locked", "readonly"):
        english = Fault(kind, "var/warroom.db", since, "attempt to write a readonly database").reason()
        thai = reason(english, "th")
        assert thai != english and "var/warroom.db" in thai and "attempt to write a readonly database" in thai
        assert thai.endswith("จึงไม่ได้บันทึกสิ่งใด") and reason(english, "en") == english
