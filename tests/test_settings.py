from data_access import settings


def test_environment_variable_wins(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('[connections.warroom]\nurl = "sqlite:///from-secrets.db"\n')
    monkeypatch.setenv("WARROOM_DB_URL", "postgresql+psycopg://x@h/db")
    assert settings.resolve() == settings.DatabaseSettings("postgresql+psycopg://x@h/db", "env")


def test_secrets_file_in_working_directory(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WARROOM_DB_URL", raising=False)
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('[connections.warroom]\nurl = "sqlite:///from-secrets.db"\n')
    resolved = settings.resolve()
    assert resolved.url == "sqlite:///from-secrets.db" and not resolved.is_embedded


def test_embedded_default_when_nothing_is_configured(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("WARROOM_DB_URL", raising=False)
    monkeypatch.setattr(settings, "_secrets_files", lambda: [tmp_path / "absent.toml"])
    resolved = settings.resolve()
    assert resolved.is_embedded and resolved.url.endswith("var/warroom.db")


def test_demo_scale(monkeypatch):
    monkeypatch.delenv("WARROOM_DEMO_SCALE", raising=False)
    assert settings.demo_scale() == "demo"
    monkeypatch.setenv("WARROOM_DEMO_SCALE", "test")
    assert settings.demo_scale() == "test"
