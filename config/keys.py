"""The keys every instance on one database must share, checked against the database.

Each key (``TENDERDESK_SECRET_KEY``: sessions, CSRF, signed scoresheets;
``TENDERDESK_AUDIT_KEY``: the audit chain; ``TENDERDESK_SEALING_KEY``: sealed bids) is known
to the database only by its fingerprint, an HMAC of a fixed label under the key. The first
instance to start records the fingerprints; an instance whose key differs is refused with a
message naming the key, instead of signing scoresheets or the audit chain differently from its
neighbours (or failing to open the bids sealed under the other sealing key).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from common import clock
from config.settings import Settings
from config.tables import KeyFingerprint

LABEL = "tenderdesk key fingerprint v1: {name}"


def fingerprint(name: str, key: str) -> str:
    return hmac.new(key.encode(), LABEL.format(name=name).encode(), hashlib.sha256).hexdigest()


def keys_of(settings: Settings) -> dict[str, str]:
    return {
        "TENDERDESK_SECRET_KEY": settings.secret_key,
        "TENDERDESK_AUDIT_KEY": settings.audit_key,
        "TENDERDESK_SEALING_KEY": settings.sealing_key,
    }


@dataclass(frozen=True)
class KeyMismatch:
    name: str
    recorded_at: object

    def message(self) -> str:
        return (
            f"{self.name} differs from the key this database was first started with "
            f"(recorded {self.recorded_at:%Y-%m-%d %H:%M} UTC). Every instance on the "
            f"database must use the same {self.name}; start this one with that key."
        )


async def check(settings: Settings) -> list[KeyMismatch]:
    """Record the fingerprints the database does not have yet; the keys that differ from the
    recorded ones (none: every key matches)."""
    wanted = {name: fingerprint(name, key) for name, key in keys_of(settings).items()}
    rows = await KeyFingerprint.select().where(KeyFingerprint.name.is_in(list(wanted)))
    if len(rows) < len(wanted):  # first start: record them (a read otherwise, for /health)
        now = clock.now()
        await KeyFingerprint.insert(
            *[
                KeyFingerprint(name=name, fingerprint=value, recorded_at=now)
                for name, value in wanted.items()
            ]
        ).on_conflict(target=KeyFingerprint.name, action="DO NOTHING")
        rows = await KeyFingerprint.select().where(KeyFingerprint.name.is_in(list(wanted)))
    return [
        KeyMismatch(row["name"], row["recorded_at"])
        for row in rows
        if not hmac.compare_digest(row["fingerprint"], wanted[row["name"]])
    ]
