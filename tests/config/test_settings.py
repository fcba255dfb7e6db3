import os
import stat

import pytest

from config.settings import SettingsError, load_settings


def test_defaults_and_a_generated_secret(tmp_path):
    settings = load_settings({"TENDERDESK_DATA_DIR": str(tmp_path / "var")})
    tmp_path = tmp_path / "var"
    assert stat.S_IMODE(os.stat(tmp_path).st_mode) == 0o700
    assert settings.database_url == f"sqlite:///{tmp_path / 'tenderdesk.sqlite3'}"
    assert settings.timezone == "Europe/Amsterdam" and settings.default_language == "en"
    assert not settings.secure_cookies and not settings.smtp.configured
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert len(settings.secret_key) >= 48
    assert load_settings({"TENDERDESK_DATA_DIR": str(tmp_path)}).secret_key == settings.secret_key


POSTGRES_KEYS = {
    "TENDERDESK_SECRET_KEY": "s" * 48,
    "TENDERDESK_AUDIT_KEY": "a" * 48,
    "TENDERDESK_SEALING_KEY": "b" * 48,
}


def test_postgres_and_https(tmp_path):
    settings = load_settings(
        {
            "TENDERDESK_DATA_DIR": str(tmp_path),
            "DATABASE_URL": "postgresql://postgres@127.0.0.1/x",
            "TENDERDESK_PUBLIC_URL": "https://tenderdesk.utrecht.nl/",
            **POSTGRES_KEYS,
        }
    )
    assert settings.is_postgres and settings.secure_cookies
    assert settings.public_url == "https://tenderdesk.utrecht.nl"
    assert (settings.secret_key, settings.audit_key) == ("s" * 48, "a" * 48)
    # Files go where every instance on the database reads them.
    assert settings.storage == "postgres"
    assert not (tmp_path / "secret_key").exists() and not (tmp_path / "audit_key").exists()


@pytest.mark.parametrize("missing", sorted(POSTGRES_KEYS))
def test_postgres_refuses_keys_an_instance_would_generate_for_itself(tmp_path, missing):
    environ = {
        "TENDERDESK_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "postgresql://postgres@127.0.0.1/x",
        **POSTGRES_KEYS,
    }
    del environ[missing]
    with pytest.raises(SettingsError, match=f"{missing} must be set in the environment"):
        load_settings(environ)
    assert not (tmp_path / "secret_key").exists()


def test_sqlite_generates_both_keys_and_stores_files_locally(tmp_path):
    settings = load_settings({"TENDERDESK_DATA_DIR": str(tmp_path)})
    assert settings.storage == "local"
    assert settings.audit_key and settings.audit_key != settings.secret_key
    assert stat.S_IMODE(os.stat(tmp_path / "audit_key").st_mode) == 0o600
    assert load_settings({"TENDERDESK_DATA_DIR": str(tmp_path)}).audit_key == settings.audit_key
    chosen = load_settings(
        {
            "TENDERDESK_DATA_DIR": str(tmp_path),
            "DATABASE_URL": "postgresql://postgres@127.0.0.1/x",
            "TENDERDESK_STORAGE": "local",
            **POSTGRES_KEYS,
        }
    )
    assert chosen.storage == "local"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DATABASE_URL", "mysql://x", "DATABASE_URL must start with"),
        ("TENDERDESK_TIMEZONE", "Europe/Atlantis", "not a known time zone"),
        ("TENDERDESK_LANGUAGE", "fr", "TENDERDESK_LANGUAGE must be one of"),
        ("TENDERDESK_SMTP_PORT", "twenty-five", "must be a whole number"),
        ("TENDERDESK_STORAGE", "floppy", "TENDERDESK_STORAGE must be one of local, postgres"),
        ("TENDERDESK_STORAGE", "postgres", "TENDERDESK_STORAGE=postgres needs DATABASE_URL"),
    ],
)
def test_bad_settings_name_the_variable(tmp_path, name, value, message):
    with pytest.raises(SettingsError, match=message):
        load_settings({"TENDERDESK_DATA_DIR": str(tmp_path), name: value})


def test_the_audit_key_is_generated_apart_from_the_secret_key(tmp_path):
    settings = load_settings({"TENDERDESK_DATA_DIR": str(tmp_path)})
    key_file = tmp_path / "audit_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert settings.audit_key == key_file.read_text().strip() != settings.secret_key
    assert len(settings.audit_key) >= 48 and settings.audit_key not in repr(settings)
    assert load_settings({"TENDERDESK_DATA_DIR": str(tmp_path)}).audit_key == settings.audit_key
    chosen = load_settings(
        {"TENDERDESK_DATA_DIR": str(tmp_path), "TENDERDESK_AUDIT_KEY": "from the environment"}
    )
    assert chosen.audit_key == "from the environment"
    key_file.write_text("")
    with pytest.raises(SettingsError, match="audit_key is empty"):
        load_settings({"TENDERDESK_DATA_DIR": str(tmp_path)})
