"""The War Room schema as version 4 defined it (git d6237fb: data_access/schema.py), self-contained:
the tables a database made by that build has. Used by tests/test_migrations.py to build an old database and
by the migrations' autogenerate (data_access/migrations/README). Do not edit: it is history."""
from __future__ import annotations

from sqlalchemy import (BigInteger, Boolean, CheckConstraint, Column, Date, DateTime, Float,
                        ForeignKey, Index, Integer, MetaData, SmallInteger, String, Table, Text)

metadata = MetaData()
SCHEMA_VERSION = "4"  # bump with every change to the tables below; stored in dataset_meta

SOURCES = ("padme", "cebrs", "thaiqm", "sdg")
PADME_STATUSES = ("not_started", "on_track", "late", "at_risk", "done")
PADME_BUDGET_TYPES = ("recurrent", "capital")
CEBRS_CATEGORIES = ("drought", "flood", "roads", "agriculture", "health", "housing", "other")
CEBRS_STATUSES = ("approved", "in_progress", "done")
THAIQM_STATUSES = ("surveyed", "target", "in_progress", "helped", "self_resolved")
THAIQM_DIMENSIONS = ("health", "living", "education", "income", "access")
SDG_DIRECTIONS = ("higher", "lower")
ROLES = ("executive", "governor", "district_officer", "staff", "admin")
# What moves when each table changes: the source data versions a cached read of it must be keyed by
# (ui.loaders; tests/test_loaders.py checks every loader against this). Reference tables change only
# with a seed or init; the import log's accepted rows are written with their source's version bump.
VERSIONED_BY = {
    "padme_project": ("padme",), "padme_report": ("padme",), "rollup_padme": ("padme",),
    "cebrs_project": ("cebrs",), "rollup_cebrs": ("cebrs",),
    "thaiqm_household": ("thaiqm",), "rollup_thaiqm": ("thaiqm",),
    "sdg_value": ("sdg",), "import_log": SOURCES,
}
REFERENCE_TABLES = ("province", "district", "subdistrict", "fiscal_quarter", "sdg_goal", "sdg_indicator",
                    "data_version", "dataset_meta")
AUDIT_ACTIONS = ("sign_in", "sign_in_failed", "sign_out", "session_expired", "denied", "account",
                 "import", "export")


def _one_of(column: str, values: tuple[str, ...]) -> CheckConstraint:
    allowed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})")


# --- areas -----------------------------------------------------------------------------------------
province = Table(
    "province", metadata,
    Column("prov_code", String(2), primary_key=True),
    Column("name_th", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("iso3166_2", String(5), nullable=False),
    Column("region", String(10), nullable=False),
    Column("region_th", Text, nullable=False),
    Column("region4", String(10), nullable=False),
    Column("region4_th", Text, nullable=False),
    Column("label_lon", Float, nullable=False),
    Column("label_lat", Float, nullable=False),
    Column("area_km2", Float, nullable=False),
)

district = Table(
    "district", metadata,
    Column("dist_code", String(4), primary_key=True),
    Column("prov_code", String(2), ForeignKey("province.prov_code"), nullable=False, index=True),
    Column("name_th", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("type_th", Text, nullable=False),
    Column("type_en", Text, nullable=False),
    Column("label_lon", Float, nullable=False),
    Column("label_lat", Float, nullable=False),
    Column("area_km2", Float, nullable=False),
    Column("n_subdistricts", Integer, nullable=False),
)

subdistrict = Table(
    "subdistrict", metadata,
    Column("subdist_code", String(6), primary_key=True),
    Column("dist_code", String(4), ForeignKey("district.dist_code"), nullable=False, index=True),
    Column("name_th", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("type_th", Text, nullable=False),
)

fiscal_quarter = Table(
    "fiscal_quarter", metadata,
    Column("fiscal_year", SmallInteger, primary_key=True),
    Column("quarter", SmallInteger, primary_key=True),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    # National cumulative disbursement targets (% of budget by the quarter's end), set by the cabinet.
    Column("target_overall_pct", Float, nullable=False),
    Column("target_recurrent_pct", Float, nullable=False),
    Column("target_capital_pct", Float, nullable=False),
    CheckConstraint("quarter BETWEEN 1 AND 4"),
)

# --- PADME: provincial plan projects ---------------------------------------------------------------
padme_project = Table(
    "padme_project", metadata,
    Column("project_id", String(32), primary_key=True),
    Column("fiscal_year", SmallInteger, nullable=False),
    Column("dist_code", String(4), ForeignKey("district.dist_code"), nullable=False),
    Column("agency", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("indicator", Text, nullable=False),
    Column("indicator_unit", Text, nullable=False),
    Column("indicator_target", Float, nullable=False),
    Column("budget_baht", BigInteger, nullable=False),
    Column("budget_type", String(10), nullable=False),
    Column("national_strategy", SmallInteger, nullable=False),
    Column("master_plan", Text, nullable=False),
    Column("nesdp_milestone", SmallInteger, nullable=False),
    Column("cabinet_policy", Text, nullable=False),
    Column("moi_strategy", Text, nullable=False),
    Column("sdg_goal", SmallInteger, nullable=True),
    Column("new_gov_policy", Text, nullable=True),
    Column("updated_at", DateTime, nullable=False),
    _one_of("budget_type", PADME_BUDGET_TYPES),
    CheckConstraint("budget_baht >= 0"),
    CheckConstraint("national_strategy BETWEEN 1 AND 6"),
    CheckConstraint("nesdp_milestone BETWEEN 1 AND 13"),
    CheckConstraint("sdg_goal IS NULL OR sdg_goal BETWEEN 1 AND 17"),
)
Index("ix_padme_project_area_year", padme_project.c.dist_code, padme_project.c.fiscal_year)
Index("ix_padme_project_year", padme_project.c.fiscal_year)

padme_report = Table(
    "padme_report", metadata,
    Column("project_id", String(32), ForeignKey("padme_project.project_id"), primary_key=True),
    Column("quarter", SmallInteger, primary_key=True),
    Column("result_text", Text, nullable=False),
    Column("indicator_result", Float, nullable=True),
    # Cumulative to the quarter's end, in baht.
    Column("disb_target_baht", BigInteger, nullable=False),
    Column("disb_actual_baht", BigInteger, nullable=False),
    Column("committed_baht", BigInteger, nullable=False),
    Column("status", String(12), nullable=False),
    Column("problems", Text, nullable=True),
    Column("reported_at", DateTime, nullable=False),
    _one_of("status", PADME_STATUSES),
    CheckConstraint("quarter BETWEEN 1 AND 4"),
    CheckConstraint("disb_target_baht >= 0 AND disb_actual_baht >= 0 AND committed_baht >= disb_actual_baht"),
)

# --- CEBRS: urgent relief of citizens' hardship ----------------------------------------------------
cebrs_project = Table(
    "cebrs_project", metadata,
    Column("project_id", String(32), primary_key=True),
    Column("fiscal_year", SmallInteger, nullable=False),
    Column("subdist_code", String(6), ForeignKey("subdistrict.subdist_code"), nullable=False),
    Column("dist_code", String(4), ForeignKey("district.dist_code"), nullable=False),
    Column("category", String(12), nullable=False),
    Column("title", Text, nullable=False),
    Column("approved_baht", BigInteger, nullable=False),
    Column("disbursed_baht", BigInteger, nullable=False),
    Column("beneficiary_households", Integer, nullable=False),
    Column("beneficiary_people", Integer, nullable=False),
    Column("status", String(12), nullable=False),
    Column("approved_on", Date, nullable=False),
    Column("disbursed_on", Date, nullable=True),
    Column("completed_on", Date, nullable=True),
    Column("updated_at", DateTime, nullable=False),
    _one_of("category", CEBRS_CATEGORIES),
    _one_of("status", CEBRS_STATUSES),
    CheckConstraint("approved_baht >= 0 AND disbursed_baht >= 0 AND disbursed_baht <= approved_baht"),
)
Index("ix_cebrs_project_area_year", cebrs_project.c.dist_code, cebrs_project.c.fiscal_year)

# --- ThaiQM: households in need (millions of rows; dashboards never read it directly) --------------
thaiqm_household = Table(
    "thaiqm_household", metadata,
    Column("household_id", BigInteger, primary_key=True, autoincrement=False),
    Column("survey_year", SmallInteger, nullable=False),
    Column("subdist_code", String(6), ForeignKey("subdistrict.subdist_code"), nullable=False),
    Column("dist_code", String(4), ForeignKey("district.dist_code"), nullable=False),
    *(Column(f"p_{d}", Boolean, nullable=False) for d in THAIQM_DIMENSIONS),
    Column("status", String(14), nullable=False),
    Column("started_on", Date, nullable=True),
    Column("resolved_on", Date, nullable=True),
    Column("updated_at", DateTime, nullable=False),
    _one_of("status", THAIQM_STATUSES),
)
Index("ix_thaiqm_area_year", thaiqm_household.c.dist_code, thaiqm_household.c.survey_year)
Index("ix_thaiqm_subdist_year", thaiqm_household.c.subdist_code, thaiqm_household.c.survey_year)

# --- SDGs ------------------------------------------------------------------------------------------
sdg_goal = Table(
    "sdg_goal", metadata,
    Column("goal", SmallInteger, primary_key=True, autoincrement=False),
    Column("name_th", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("colour", String(7), nullable=False),
    CheckConstraint("goal BETWEEN 1 AND 17"),
)

sdg_indicator = Table(
    "sdg_indicator", metadata,
    Column("indicator_code", String(16), primary_key=True),
    Column("goal", SmallInteger, ForeignKey("sdg_goal.goal"), nullable=False),
    Column("name_th", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("unit", Text, nullable=False),
    Column("direction", String(6), nullable=False),
    Column("target_value", Float, nullable=False),
    Column("lower_bound", Float, nullable=False),
    _one_of("direction", SDG_DIRECTIONS),
    CheckConstraint("target_value <> lower_bound"),
)

sdg_value = Table(
    "sdg_value", metadata,
    Column("indicator_code", String(16), ForeignKey("sdg_indicator.indicator_code"), primary_key=True),
    Column("dist_code", String(4), ForeignKey("district.dist_code"), primary_key=True),
    Column("year", SmallInteger, primary_key=True),
    Column("value", Float, nullable=False),
    # Population weight used to average districts into provinces and the nation.
    Column("weight", Float, nullable=False),
    CheckConstraint("weight > 0"),
)
Index("ix_sdg_value_year_area", sdg_value.c.year, sdg_value.c.dist_code)

# --- rollups: district × fiscal quarter (cumulative to the quarter's end) -------------------------
rollup_padme = Table(
    "rollup_padme", metadata,
    Column("dist_code", String(4), primary_key=True),
    Column("fiscal_year", SmallInteger, primary_key=True),
    Column("quarter", SmallInteger, primary_key=True),
    Column("n_projects", Integer, nullable=False),
    Column("budget_baht", BigInteger, nullable=False),
    Column("budget_capital_baht", BigInteger, nullable=False),
    Column("disb_target_baht", BigInteger, nullable=False),
    Column("disb_actual_baht", BigInteger, nullable=False),
    Column("disb_capital_baht", BigInteger, nullable=False),
    Column("committed_baht", BigInteger, nullable=False),
    Column("n_reported", Integer, nullable=False),
    Column("n_indicator_met", Integer, nullable=False),
    Column("n_late", Integer, nullable=False),
    Column("n_at_risk", Integer, nullable=False),
)
Index("ix_rollup_padme_period", rollup_padme.c.fiscal_year, rollup_padme.c.quarter)

rollup_cebrs = Table(
    "rollup_cebrs", metadata,
    Column("dist_code", String(4), primary_key=True),
    Column("fiscal_year", SmallInteger, primary_key=True),
    Column("quarter", SmallInteger, primary_key=True),
    Column("category", String(12), primary_key=True),
    Column("n_projects", Integer, nullable=False),
    Column("approved_baht", BigInteger, nullable=False),
    Column("disbursed_baht", BigInteger, nullable=False),
    Column("beneficiary_households", BigInteger, nullable=False),
    Column("beneficiary_people", BigInteger, nullable=False),
    Column("n_done", Integer, nullable=False),
    _one_of("category", CEBRS_CATEGORIES),
)
Index("ix_rollup_cebrs_period", rollup_cebrs.c.fiscal_year, rollup_cebrs.c.quarter)

rollup_thaiqm = Table(
    "rollup_thaiqm", metadata,
    Column("dist_code", String(4), primary_key=True),
    Column("fiscal_year", SmallInteger, primary_key=True),
    Column("quarter", SmallInteger, primary_key=True),
    Column("n_surveyed", Integer, nullable=False),
    Column("n_target", Integer, nullable=False),
    *(Column(f"n_{d}", Integer, nullable=False) for d in THAIQM_DIMENSIONS),
    Column("n_in_progress", Integer, nullable=False),
    Column("n_helped", Integer, nullable=False),
    Column("n_self_resolved", Integer, nullable=False),
)
Index("ix_rollup_thaiqm_period", rollup_thaiqm.c.fiscal_year, rollup_thaiqm.c.quarter)

# --- bookkeeping -----------------------------------------------------------------------------------
data_version = Table(
    "data_version", metadata,
    Column("source", String(8), primary_key=True),
    Column("version", BigInteger, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    # The last day the source's data covers (a seed's as-of date, an import's latest record date);
    # NULL until the source has any data.
    Column("data_through", Date, nullable=True),
    _one_of("source", SOURCES),
)

dataset_meta = Table(
    "dataset_meta", metadata,
    Column("key", String(32), primary_key=True),
    Column("value", Text, nullable=False),
)

import_log = Table(
    "import_log", metadata,
    Column("import_id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(8), nullable=False),
    Column("file_name", Text, nullable=False),
    Column("imported_by", Text, nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=False),
    Column("n_rows", Integer, nullable=False),
    Column("accepted", Boolean, nullable=False),
    Column("report", Text, nullable=False),
    _one_of("source", SOURCES),
)
Index("ix_import_log_source_time", import_log.c.source, import_log.c.finished_at)

# --- weekly review -----------------------------------------------------------------------------------
# A snapshot of every KPI of every area, once a week (python -m data_access snapshot, or the first view
# of a new week), so a meeting can see what changed since any earlier week.
kpi_snapshot = Table(
    "kpi_snapshot", metadata,
    Column("week_start", Date, primary_key=True),        # the Monday of the week (Bangkok)
    Column("area_code", String(10), primary_key=True),   # "TH", a region4 code, a province or district code
    Column("kpi", String(32), primary_key=True),         # a metrics.kpis.KPIS key
    Column("level", String(10), nullable=False),
    Column("fiscal_year", SmallInteger, nullable=False),
    Column("quarter", SmallInteger, nullable=False),
    Column("value", Float, nullable=True),               # NULL: no data for the area
    Column("taken_at", DateTime, nullable=False),
)
Index("ix_kpi_snapshot_week_level", kpi_snapshot.c.week_start, kpi_snapshot.c.level)

late_project_snapshot = Table(
    "late_project_snapshot", metadata,
    Column("week_start", Date, primary_key=True),
    Column("project_id", String(32), primary_key=True),
    Column("dist_code", String(4), nullable=False),
    Column("status", String(12), nullable=False),
    _one_of("status", ("late", "at_risk")),
)

kpi_note = Table(
    "kpi_note", metadata,
    Column("week_start", Date, primary_key=True),
    Column("area_code", String(10), primary_key=True),
    Column("kpi", String(32), primary_key=True),
    Column("note", Text, nullable=False),
    Column("author", Text, nullable=False),
    Column("written_at", DateTime, nullable=False),
)

# --- accounts and audit ----------------------------------------------------------------------------
account = Table(
    "account", metadata,
    Column("username", String(64), primary_key=True),
    Column("display_name", Text, nullable=False),
    Column("password_hash", Text, nullable=True),  # argon2id; NULL for an identity-provider account
    Column("role", String(16), nullable=False),
    Column("prov_code", String(2), ForeignKey("province.prov_code"), nullable=True),
    Column("dist_code", String(4), ForeignKey("district.dist_code"), nullable=True),
    Column("disabled", Boolean, nullable=False),
    Column("failed_attempts", Integer, nullable=False),
    Column("locked_until", DateTime, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("last_sign_in", DateTime, nullable=True),
    _one_of("role", ROLES),
    CheckConstraint("role <> 'governor' OR prov_code IS NOT NULL"),
    CheckConstraint("role <> 'district_officer' OR dist_code IS NOT NULL"),
)

# A signed-in browser (data_access.sessions): the cookie holds a random token, this table its SHA-256.
web_session = Table(
    "web_session", metadata,
    Column("session_id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("username", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),  # the absolute end: session_days after sign-in
    Column("user_agent", Text, nullable=False),
    Column("address", String(64), nullable=False),
    Column("ended_at", DateTime, nullable=True),
    Column("ended_reason", Text, nullable=True),
)
Index("ix_web_session_username", web_session.c.username)

audit_log = Table(
    "audit_log", metadata,
    Column("audit_id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(16), nullable=False),
    Column("scope", Text, nullable=False),
    Column("detail", Text, nullable=False),
    _one_of("action", AUDIT_ACTIONS),
)
Index("ix_audit_log_at", audit_log.c.at)

ROLLUPS = {"padme": rollup_padme, "cebrs": rollup_cebrs, "thaiqm": rollup_thaiqm}
