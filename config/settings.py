"""Settings from the environment, with safe defaults. One cached :func:`get_settings`.

| variable                  | default                                   |
| ------------------------- | ----------------------------------------- |
| TENDERDESK_DATA_DIR       | ./var                                     |
| DATABASE_URL              | sqlite:///<data dir>/tenderdesk.sqlite3   |
| TENDERDESK_TIMEZONE       | Europe/Amsterdam                          |
| TENDERDESK_LANGUAGE       | en (nl also supported)                    |
| TENDERDESK_PUBLIC_URL     | http://127.0.0.1:8000 (https: secure cookies) |
| TENDERDESK_SECRET_KEY     | generated into <data dir>/secret_key (PostgreSQL: required) |
| TENDERDESK_AUDIT_KEY      | generated into <data dir>/audit_key (PostgreSQL: required) |
| TENDERDESK_STORAGE        | local (SQLite) or postgres (PostgreSQL); s3 is not built in |
| TENDERDESK_JOBS           | on (this instance runs queued jobs; 0 turns it off) |
| TENDERDESK_SMTP_HOST/PORT/USERNAME/PASSWORD/FROM/TLS | no SMTP: mail waits in the outbox |
| TENDERDESK_SESSION_HOURS  | 8 (idle time before a session ends)        |
| TENDERDESK_DB_POOL        | on (PostgreSQL connection pool; 0 turns it off) |
| TENDERDESK_SCHEDULER      | on (deadlines, reminders, mail; 0 turns it off) |
| TENDERDESK_DEBUG          | off                                       |
| TENDERDESK_OCID_PREFIX    | ocds-tdesk0 (for tests and development only: register |
|                           | your own prefix with the Open Contracting Partnership) |
| TENDERDESK_OPEN_DATA_LICENCE | https://creativecommons.org/publicdomain/zero/1.0/ (CC0) |
| TENDERDESK_OPEN_DATA_PUBLISHER | tenderdesk (the publisher named in open-data packages) |
| TENDERDESK_OPEN_DATA_NATURAL_PERSONS | omit (natural persons, such as sole traders, left |
|                           | out of open data) or pseudonymise                      |
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from common.localtime import is_valid_zone

UI_LANGUAGES: tuple[str, ...] = ("en", "nl", "da", "pl", "sv")


class SettingsError(RuntimeError):
    """A setting has a value the service cannot run with; the message names it."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str | None
    port: int
    username: str | None
    password: str | None
    sender: str
    security: str  # "starttls", "tls" or "none"

    @property
    def configured(self) -> bool:
        return bool(self.host)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    timezone: str
    default_language: str
    public_url: str
    secret_key: str
    session_hours: int
    smtp: SmtpSettings
    debug: bool
    db_pool: bool = True
    scheduler: bool = True
    reminder_days: int = 3  # evaluators who have not submitted are reminded this long before
    # Keys the audit chain (HMAC) and its checkpoints: kept out of the database, so that whoever
    # can write the database cannot rewrite the log and recompute its hashes.
    audit_key: str = field(default="", repr=False)
    # Wraps each tender's data key, with which sealed bids (prices, files) are encrypted: kept
    # out of the database, so that whoever reads the database cannot open a bid before the
    # opening (tenders.sealing).
    sealing_key: str = field(default="", repr=False)
    storage: str = "local"  # where files live: "local" (the data dir) or "postgres"
    jobs: bool = True  # this instance claims and runs queued jobs
    # Open data (OCDS, 360Giving): the ocid prefix ("ocds-" and six characters, from the Open
    # Contracting Partnership; the default is for tests and development only), the licence the
    # data is published under, the publisher's name, and what happens to natural persons
    # (sole traders): "omit" or "pseudonymise".
    ocid_prefix: str = "ocds-tdesk0"
    open_data_licence: str = "https://creativecommons.org/publicdomain/zero/1.0/"
    open_data_publisher: str = "tenderdesk"
    open_data_natural_persons: str = "omit"

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql://", "postgres://"))

    @property
    def sqlite_path(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"


STORAGE_BACKENDS = ("local", "postgres")
NATURAL_PERSON_POLICIES = ("omit", "pseudonymise")
OCID_PREFIX = re.compile(r"ocds-[a-z0-9]{6}")


def _generated_key(
    data_dir: Path,
    environ: Mapping[str, str],
    variable: str,
    file_name: str,
    postgres: bool = False,
) -> str:
    """The key set in ``variable``, or the one generated into the data dir on first run
    (readable by its owner only). With PostgreSQL several instances share the database, so a
    key each instance generated for itself would sign differently: it must come from the
    environment."""
    if environ.get(variable):
        return environ[variable]
    if postgres:
        raise SettingsError(
            f"{variable} must be set in the environment when DATABASE_URL is PostgreSQL: "
            "every instance on the database signs with the same key (generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
        )
    key_file = data_dir / file_name
    if not key_file.exists():
        # Written aside and linked into place, so no process ever reads a half-written key.
        draft = data_dir / f".{file_name}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, key_file)
        except FileExistsError:  # another process generated it a moment ago: use theirs
            pass
        finally:
            draft.unlink()
    key = key_file.read_text().strip()
    if not key:
        raise SettingsError(
            f"{key_file} is empty: remove it to generate a new key, or set {variable}"
        )
    return key


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from exc


def _flag(environ: Mapping[str, str], name: str, default: bool = True) -> bool:
    raw = (environ.get(name) or "").strip().lower()
    if not raw:
        return default
    return raw not in ("0", "false", "no", "off")


def load_settings(environ: Mapping[str, str] = os.environ) -> Settings:
    data_dir = Path(environ.get("TENDERDESK_DATA_DIR") or "var").resolve()
    # The data dir holds the database, uploaded files and the secret key: owner only.
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)

    database_url = environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'tenderdesk.sqlite3'}"
    if not database_url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise SettingsError(
            "DATABASE_URL must start with sqlite:/// or postgresql://, "
            f"not {database_url.split(':', 1)[0]}:"
        )

    timezone = environ.get("TENDERDESK_TIMEZONE") or "Europe/Amsterdam"
    if not is_valid_zone(timezone):
        raise SettingsError(f"TENDERDESK_TIMEZONE {timezone!r} is not a known time zone")

    language = environ.get("TENDERDESK_LANGUAGE") or "en"
    if language not in UI_LANGUAGES:
        raise SettingsError(f"TENDERDESK_LANGUAGE must be one of {', '.join(UI_LANGUAGES)}")

    security = (environ.get("TENDERDESK_SMTP_SECURITY") or "starttls").lower()
    if security not in ("starttls", "tls", "none"):
        raise SettingsError("TENDERDESK_SMTP_SECURITY must be starttls, tls or none")
    smtp = SmtpSettings(
        host=environ.get("TENDERDESK_SMTP_HOST") or None,
        port=_int(environ, "TENDERDESK_SMTP_PORT", 587),
        username=environ.get("TENDERDESK_SMTP_USERNAME") or None,
        password=environ.get("TENDERDESK_SMTP_PASSWORD") or None,
        sender=environ.get("TENDERDESK_SMTP_FROM") or "tenderdesk@localhost",
        security=security,
    )

    postgres = database_url.startswith(("postgresql://", "postgres://"))
    storage = (environ.get("TENDERDESK_STORAGE") or ("postgres" if postgres else "local")).lower()
    if storage not in STORAGE_BACKENDS:
        raise SettingsError(
            f"TENDERDESK_STORAGE must be one of {', '.join(STORAGE_BACKENDS)}, not {storage!r}"
        )
    if storage == "postgres" and not postgres:
        raise SettingsError("TENDERDESK_STORAGE=postgres needs DATABASE_URL to be PostgreSQL")

    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        timezone=timezone,
        default_language=language,
        public_url=(environ.get("TENDERDESK_PUBLIC_URL") or "http://127.0.0.1:8000").rstrip("/"),
        secret_key=_generated_key(
            data_dir, environ, "TENDERDESK_SECRET_KEY", "secret_key", postgres
        ),
        storage=storage,
        jobs=_flag(environ, "TENDERDESK_JOBS"),
        session_hours=_int(environ, "TENDERDESK_SESSION_HOURS", 8),
        smtp=smtp,
        debug=(environ.get("TENDERDESK_DEBUG") or "").lower() in ("1", "true", "yes"),
        db_pool=_flag(environ, "TENDERDESK_DB_POOL"),
        scheduler=_flag(environ, "TENDERDESK_SCHEDULER"),
        reminder_days=_reminder_days(environ),
        audit_key=_generated_key(data_dir, environ, "TENDERDESK_AUDIT_KEY", "audit_key", postgres),
        sealing_key=_generated_key(
            data_dir, environ, "TENDERDESK_SEALING_KEY", "sealing_key", postgres
        ),
        **_open_data(environ),
    )


def _open_data(environ: Mapping[str, str]) -> dict[str, str]:
    prefix = environ.get("TENDERDESK_OCID_PREFIX") or "ocds-tdesk0"
    if not OCID_PREFIX.fullmatch(prefix):
        raise SettingsError(
            "TENDERDESK_OCID_PREFIX must be 'ocds-' and six lower-case letters or digits, "
            f"not {prefix!r}"
        )
    persons = (environ.get("TENDERDESK_OPEN_DATA_NATURAL_PERSONS") or "omit").lower()
    if persons not in NATURAL_PERSON_POLICIES:
        raise SettingsError(
            "TENDERDESK_OPEN_DATA_NATURAL_PERSONS must be one of "
            f"{', '.join(NATURAL_PERSON_POLICIES)}"
        )
    return {
        "ocid_prefix": prefix,
        "open_data_licence": environ.get("TENDERDESK_OPEN_DATA_LICENCE")
        or "https://creativecommons.org/publicdomain/zero/1.0/",
        "open_data_publisher": environ.get("TENDERDESK_OPEN_DATA_PUBLISHER") or "tenderdesk",
        "open_data_natural_persons": persons,
    }


def _reminder_days(environ: Mapping[str, str]) -> int:
    days = _int(environ, "TENDERDESK_REMINDER_DAYS", 3)
    if not 0 <= days <= 60:
        raise SettingsError("TENDERDESK_REMINDER_DAYS must be between 0 and 60")
    return days


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
