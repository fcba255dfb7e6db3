"""Shared keys checked against the database, and the load balancer's health checks."""

import asyncio
import dataclasses
import os
import subprocess
import sys

from config import keys
from config.database import raw
from config.settings import load_settings
from config.tables import KeyFingerprint
from tests.support.browser import ROOT, _free_port


async def test_first_start_records_fingerprints_and_a_different_key_is_named(db):
    settings = load_settings()
    assert await keys.check(settings) == []
    rows = {r["name"]: r["fingerprint"] for r in await KeyFingerprint.select()}
    assert set(rows) == {
        "TENDERDESK_SECRET_KEY",
        "TENDERDESK_AUDIT_KEY",
        "TENDERDESK_SEALING_KEY",
    }
    # The fingerprint is an HMAC under the key, never the key itself.
    assert settings.secret_key not in rows.values() and len(rows["TENDERDESK_SECRET_KEY"]) == 64
    assert await keys.check(settings) == []  # the same keys again

    other = dataclasses.replace(settings, audit_key="another audit key")
    [mismatch] = await keys.check(other)
    assert mismatch.name == "TENDERDESK_AUDIT_KEY"
    assert "TENDERDESK_AUDIT_KEY differs from the key this database was first started with" in (
        mismatch.message()
    )
    assert {r["name"]: r["fingerprint"] for r in await KeyFingerprint.select()} == rows


async def test_serve_refuses_to_start_with_another_secret_key(db):
    """The instance exits before serving, naming the key (both databases)."""
    await keys.check(load_settings())
    port = str(_free_port())
    refused = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "config", "serve", "--port", port],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TENDERDESK_SECRET_KEY": "not the key the database knows"},
    )
    assert refused.returncode == 1
    assert "TENDERDESK_SECRET_KEY differs from the key this database was first started" in (
        refused.stderr
    )
    assert "Serving tenderdesk" not in refused.stdout


async def test_live_and_ready_say_nothing_about_the_database(client):
    live = await client.get("/health/live")
    assert live.status_code == 200 and live.json() == {"status": "alive"}
    ready = await client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "keys": "ok"},
    }
    for body in (live.text, ready.text):
        assert "sqlite" not in body.lower() and "postgres" not in body.lower()


async def test_not_ready_with_another_key_or_a_migration_missing(client, app):
    await client.get("/health/ready")  # records this instance's keys
    app.state.settings = dataclasses.replace(app.state.settings, secret_key="changed")
    ready = await client.get("/health/ready")
    assert ready.status_code == 503
    assert ready.json() == {
        "status": "not ready",
        "checks": {"database": "ok", "migrations": "ok", "keys": "mismatch"},
    }
    assert (await client.get("/health/live")).status_code == 200

    [newest] = await raw(
        'SELECT id, app_name, name, ran_on FROM "migration" ORDER BY id DESC LIMIT 1'
    )
    await raw('DELETE FROM "migration" WHERE id = {}', newest["id"])
    try:
        assert (await client.get("/health/ready")).json()["checks"]["migrations"] == "pending"
    finally:
        await raw(
            'INSERT INTO "migration" (name, app_name, ran_on) VALUES ({}, {}, {})',
            newest["name"],
            newest["app_name"],
            newest["ran_on"],
        )
