"""The ``tenderdesk`` command line."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Coroutine
from typing import Any

import click

import config  # noqa: F401  (sets PICCOLO_CONF before any table is used)
from common.errors import DomainError
from common.i18n import N_
from common.identity import Actor, Role


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coroutine)


def fail(error: DomainError) -> None:
    for problem in error.problems:
        click.echo(f"error: {problem.render()}", err=True)
    sys.exit(1)


@click.group()
def main() -> None:
    """tenderdesk: subsidy rounds, tenders, scoring, letters and finance exports."""
    from config.settings import SettingsError, get_settings

    try:
        get_settings()
    except SettingsError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


@main.command()
def migrate() -> None:
    """Apply the database migrations that have not run yet."""
    from config.database import migrate as run_migrations

    run(run_migrations())
    click.echo("Database is up to date.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Load the demo data when the database is empty.")
def serve(host: str, port: int, demo: bool) -> None:
    """Migrate the database, then serve the app."""
    import uvicorn

    from config import demo as demo_data
    from config.database import migrate as run_migrations

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # Piccolo logs the database's version at every connection check: noise, not news.
    logging.getLogger("piccolo.engine.base").setLevel(logging.WARNING)
    # APScheduler logs every run of every job (the mail job runs every 15 s): only trouble.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    use_served_address(host, port)
    run(run_migrations())
    refuse_other_keys()
    if demo:
        credentials = run(demo_data.load_if_empty(click.echo))
        if credentials:
            demo_data.print_credentials(credentials, click.echo)
    checkpoint_at_start()
    click.echo(f"Serving tenderdesk at http://{host}:{port}")
    uvicorn.run(
        "config.app:create_app",
        factory=True,
        host=host,
        port=port,
        proxy_headers=True,
        log_level="info",
    )


def use_served_address(host: str, port: int) -> None:
    """Without TENDERDESK_PUBLIC_URL, links in mails and open data point where this server
    listens (``serve --port 8011`` must not announce :8000); a wildcard host as 127.0.0.1."""
    import os

    from config.settings import get_settings

    if os.environ.get("TENDERDESK_PUBLIC_URL"):
        return
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 (a comparison)
    if ":" in shown:
        shown = f"[{shown}]"
    os.environ["TENDERDESK_PUBLIC_URL"] = f"http://{shown}:{port}"
    get_settings.cache_clear()


def refuse_other_keys() -> None:
    """Exit naming each key that differs from the one the database was first started with."""
    from config import keys
    from config.settings import get_settings

    mismatches = run(keys.check(get_settings()))
    for mismatch in mismatches:
        click.echo(f"error: {mismatch.message()}", err=True)
    if mismatches:
        sys.exit(1)


@main.command()
def demo() -> None:
    """Load the demo data (safe to repeat) and print the demo users' credentials."""
    from config import demo as demo_data
    from config.database import migrate as run_migrations

    run(run_migrations())
    demo_data.print_credentials(run(demo_data.load(click.echo)), click.echo)


@main.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@click.option("--name", default=None, help="Full name (default: the part before the @).")
@click.option(
    "--language", default="en", type=click.Choice(["en", "nl", "da", "pl", "sv"]), show_default=True
)
@click.option(
    "--authority",
    "authorities",
    multiple=True,
    type=int,
    help="Id of an authority the user works for (repeatable).",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(
    email: str,
    role: str,
    name: str | None,
    language: str,
    authorities: tuple[int, ...],
    password_stdin: bool,
) -> None:
    """Create a user. Without --password-stdin a password is generated and printed."""
    from accounts import service

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    form = {
        "email": email,
        "name": name or email.split("@")[0],
        "role": role,
        "language": language,
        "authority_ids": list(authorities),
    }
    try:
        user, generated = run(service.create_user(Actor.system("cli"), form, password))
    except DomainError as exc:
        fail(exc)
    click.echo(f"Created {user['email']} ({user['role']}).")
    if password is None:
        click.echo(f"Password: {generated}")


@main.group()
def mail() -> None:
    """The mail outbox."""


@mail.command("send")
def mail_send() -> None:
    """Send the messages that are due (for cron; the app's scheduler does this too)."""
    from config.settings import get_settings
    from notifications.sender import send_due

    smtp = get_settings().smtp
    if not smtp.configured:
        click.echo("No mail server configured (TENDERDESK_SMTP_HOST); messages stay queued.")
        return
    summary = run(send_due(smtp, limit=1000))
    click.echo(f"Sent {summary.sent}; to retry {summary.retrying}; failed {summary.failed}.")


@main.group()
def storage() -> None:
    """Where uploaded and generated files are kept (TENDERDESK_STORAGE)."""


@storage.command("migrate")
@click.option(
    "--to",
    "target",
    required=True,
    type=click.Choice(["local", "postgres"]),
    help="The storage to move every file to.",
)
@click.option(
    "--from",
    "source",
    default=None,
    type=click.Choice(["local", "postgres"]),
    help="The storage the files are in (default: TENDERDESK_STORAGE).",
)
@click.option(
    "--delete-source",
    is_flag=True,
    help="Remove the files from the source, only when every file was verified.",
)
def storage_migrate(target: str, source: str | None, delete_source: bool) -> None:
    """Copy every file to another storage, each verified by its SHA-256. Safe to interrupt
    and run again. Then set TENDERDESK_STORAGE to the target and restart the instances."""
    from config.settings import get_settings
    from documents import blobs
    from documents import storage as files

    source = source or get_settings().storage
    if source == target:
        click.echo(f"error: the files are in {source} already", err=True)
        sys.exit(1)
    try:
        report = run(
            blobs.migrate(files.backend(source), files.backend(target), delete_source, click.echo)
        )
    except ValueError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    for sha256, why in report.failed:
        click.echo(f"error: {sha256}: {why}", err=True)
    click.echo(
        f"{report.verified} files verified in {target} ({report.copied} copied, "
        f"{report.present} already there), {len(report.failed)} failed."
    )
    if report.failed:
        if delete_source:
            click.echo(f"Nothing was deleted from {source}: not every file is verified.", err=True)
        sys.exit(1)
    if delete_source:
        click.echo(f"Deleted {report.deleted} files from {source}.")
    else:
        click.echo(
            f"The files stay in {source} too; run again with --delete-source to remove them there."
        )


@storage.command("sweep")
@click.option(
    "--grace-minutes",
    default=60,
    show_default=True,
    type=int,
    help="Keep unreferenced files younger than this (an upload may be committing).",
)
def storage_sweep(grace_minutes: int) -> None:
    """Remove stored content no file refers to (from uploads whose change was rolled back)."""
    from datetime import timedelta

    from documents import storage as files

    removed = run(files.sweep(timedelta(minutes=grace_minutes)))
    click.echo(f"Removed {removed} unreferenced files.")


@main.command("seal-existing")
def seal_existing() -> None:
    """Seal (encrypt) the prices and files of bids registered before bids were sealed, of the
    tenders whose bids are not opened yet; then remove the plain copies no file refers to."""
    from documents import storage as files
    from tenders import vault

    async def seal() -> tuple[dict[str, int], int]:
        return await vault.seal_existing(Actor.system("seal-existing")), await files.sweep()

    counts, removed = run(seal())
    click.echo(
        f"Sealed {counts['prices']} prices and {counts['files']} files of "
        f"{counts['tenders']} tenders; removed {removed} plain copies."
    )


@main.group()
def audit() -> None:
    """The audit log."""


def _read_checkpoint_files(paths: tuple[str, ...]) -> list[Any]:
    from pathlib import Path

    from audit.domain import parse_checkpoint

    found = []
    for path in paths:
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                found.append(parse_checkpoint(line))
            except ValueError:
                click.echo(f"error: {path} line {number} is not a checkpoint", err=True)
                sys.exit(1)
    return found


@audit.command("verify")
@click.option(
    "--checkpoint",
    "checkpoint_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="An exported checkpoint (tenderdesk audit checkpoint) to hold the chain "
    "against, besides those kept in the data dir (repeatable).",
)
def audit_verify(checkpoint_files: tuple[str, ...]) -> None:
    """Check the keyed chain and its checkpoints: exit 0 when intact, 1 naming the first
    bad event."""
    from audit import service

    result = run(service.verify(_read_checkpoint_files(checkpoint_files)))
    if not result.intact:
        assert result.problem is not None
        click.echo(f"Audit chain broken at {result.problem}", err=True)
        sys.exit(1)
    click.echo(f"Audit chain intact: {result.checked} events checked.")
    if result.anchor is None:
        click.echo(
            "No checkpoint yet: removing the newest events would not show. "
            "Run `tenderdesk audit checkpoint`."
        )
    else:
        click.echo(
            f"Held against {result.checkpoints} checkpoint(s); the newest is event "
            f"#{result.anchor.seq} of {result.anchor.made_at:%Y-%m-%d %H:%M} UTC; "
            f"{result.unanchored} event(s) since."
        )


@audit.command("checkpoint")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Also write the checkpoint to this file (to keep it elsewhere).",
)
def audit_checkpoint(output: str | None) -> None:
    """Check the events since the last checkpoint, then sign and keep a checkpoint of the newest
    event in the data dir, and print it (one JSON line) for safekeeping elsewhere."""
    from pathlib import Path

    from audit.checkpoints import CheckpointRefused, write_checkpoint

    try:
        checkpoint = run(write_checkpoint())
    except CheckpointRefused as exc:
        click.echo(f"Audit chain broken at {exc.problem}: no checkpoint written", err=True)
        sys.exit(1)
    if checkpoint is None:
        click.echo("The audit log is empty: nothing to checkpoint.", err=True)
        return
    line = checkpoint.to_json()
    click.echo(line)
    if output:
        Path(output).write_text(line + "\n", encoding="utf-8")


@audit.command("harden")
@click.option("--role", required=True, help="The database role the app connects as.")
@click.option("--print-sql", is_flag=True, help="Only print the statements.")
def audit_harden(role: str, print_sql: bool) -> None:
    """PostgreSQL: leave ROLE only SELECT and INSERT on the audit log (run as the owner)."""
    from audit.hardening import HardeningError, harden, statements

    try:
        if print_sql:
            for statement in statements(role):
                click.echo(statement + ";")
            return
        report = run(harden(role))
    except HardeningError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    rights = ", ".join(f"{name} {'yes' if ok else 'no'}" for name, ok in report.privileges.items())
    click.echo(f"{report.role} on the audit log: {rights}.")
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)


def checkpoint_at_start() -> None:
    """Anchor the chain as the app starts (after migrations and demo data)."""
    from audit.checkpoints import CheckpointRefused, write_checkpoint

    try:
        run(write_checkpoint())
    except CheckpointRefused as exc:
        logging.getLogger("tenderdesk").error(
            "The audit chain is broken at %s: no checkpoint written. Run `tenderdesk audit "
            "verify`.",
            exc.problem,
        )


async def _evaluator(who: str) -> Any:
    """The evaluator by email or id, as a principal."""
    from accounts.service import load_principal
    from accounts.tables import User

    query = User.select(User.id)
    row = await (
        query.where(User.id == int(who))
        if who.isdigit()
        else query.where(User.email == who.strip().lower())
    ).first()
    principal = await load_principal(row["id"]) if row else None
    if principal is None or principal.role is not Role.EVALUATOR:
        raise DomainError(N_("No active evaluator {who}"), who=who)
    return principal


@main.command("scoresheet")
@click.argument("evaluation", type=int)
@click.argument("evaluator")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="Where to write the .xlsx file.",
)
def scoresheet(evaluation: int, evaluator: str, output: str) -> None:
    """Write EVALUATOR's (email or id) scoresheet of EVALUATION to a file."""
    from pathlib import Path

    from scoring import scoresheets

    async def work() -> Any:
        return await scoresheets.scoresheet(await _evaluator(evaluator), evaluation)

    try:
        download = run(work())
    except DomainError as exc:
        fail(exc)
    Path(output).write_bytes(download.data)
    click.echo(f"Wrote {output} ({len(download.data)} bytes).")


@main.command("scoresheet-import")
@click.argument("evaluation", type=int)
@click.argument("evaluator")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--submit", is_flag=True, help="Submit the scores as final.")
def scoresheet_import(evaluation: int, evaluator: str, file: str, submit: bool) -> None:
    """Store a filled scoresheet: exit 0 when stored, 1 listing every problem."""
    from pathlib import Path

    from scoring import scoresheets

    path = Path(file)
    data = path.read_bytes()

    async def work() -> Any:
        return await scoresheets.import_scoresheet(
            await _evaluator(evaluator), evaluation, path.name, data, submit
        )

    try:
        summary = run(work())
    except DomainError as exc:
        fail(exc)
    click.echo(
        f"Stored {summary.rows} rows: {summary.added} added, {summary.changed} changed, "
        f"{summary.removed} removed, {summary.unchanged} unchanged"
        + ("; submitted." if summary.submitted else ".")
    )


# Open-data exports beside the finance views: format -> "module:function", an
# ``async def f(path: str) -> int`` that writes the file and says how many items it holds.
OPEN_DATA_EXPORTS: dict[str, str] = {
    "ocds": "opendata.ocds.export:export_to_file",
    "360giving": "opendata.giving.cli:write_package",
}


@main.command("export")
@click.argument(
    "view", type=click.Choice(["awards", "shares", "budget", "payments", *OPEN_DATA_EXPORTS])
)
@click.option(
    "--format", "file_format", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True
)
@click.option("--authority", default="", help="Only this authority's awards (its id).")
@click.option("--from", "period_from", default="", help="Period overlapping from (YYYY-MM-DD).")
@click.option("--to", "period_to", default="", help="Period overlapping until (YYYY-MM-DD).")
@click.option("--service-type", default="", help="Only this service type.")
@click.option("--reference", default="", help="Tender or round reference, or part of it.")
@click.option("--status", default="", help="Only rows with this status.")
@click.option("--separator", type=click.Choice([";", ","]), default=";", show_default=True)
@click.option("--decimal-point", is_flag=True, help="csv: 1234.56 instead of 1234,56.")
@click.option(
    "--language",
    default=None,
    type=click.Choice(["en", "nl", "da", "pl", "sv"]),
    help="Language of the headers (default: the configured language).",
)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
def export(
    view: str,
    file_format: str,
    output: str,
    separator: str,
    decimal_point: bool,
    language: str | None,
    **filters: str,
) -> None:
    """Write a finance export (for scheduled exports): exit 0 when written, 1 on bad filters.
    Or open data: ``ocds`` (every published tender's OCDS releases, one release package),
    ``360giving`` (every published grant, one 360Giving package)."""
    if view in OPEN_DATA_EXPORTS:
        _export_open_data(view, output)
        return
    from finance.cli import export_sheets, write_file

    params = {
        "authority": filters["authority"],
        "from": filters["period_from"],
        "to": filters["period_to"],
        "service_type": filters["service_type"],
        "reference": filters["reference"],
        "status": filters["status"],
    }
    try:
        exported = run(export_sheets(view, params, language))
    except DomainError as error:
        fail(error)
    count = write_file(exported, file_format, output, separator, not decimal_point)
    click.echo(f"Wrote {output} ({count} rows).")


def _export_open_data(view: str, output: str) -> None:
    from importlib import import_module

    module, function = OPEN_DATA_EXPORTS[view].split(":")
    count = run(getattr(import_module(module), function)(output))
    click.echo(f"Wrote {output} ({count} items).")


# Where ``tenderdesk letters`` looks up a reference, in order: each is "module:function", an
# ``async def f(reference: str, pdf: bool = False) -> list[tuple[str, bytes]] | None`` giving
# the letters sent for the tender or round with that reference (None: not one of its own).
# A round is named by its regulation reference or R<id>.
LETTER_SOURCES: tuple[str, ...] = (
    "tenders.letters:letters_of_tender",
    "subsidies.letters:letters_of_round",
)


async def _sent_letters(reference: str, pdf: bool) -> list[tuple[str, bytes]] | None:
    import importlib

    for source in LETTER_SOURCES:
        module, _, name = source.partition(":")
        found = await getattr(importlib.import_module(module), name)(reference, pdf)
        if found is not None:
            return found
    return None


@main.command("letters")
@click.argument("reference")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="Where to write the .zip file.",
)
@click.option("--pdf", is_flag=True, help="The letters as PDF (needs LibreOffice).")
def letters(reference: str, output: str, pdf: bool) -> None:
    """Write every letter sent for a tender or round (by REFERENCE) into one zip."""
    from pathlib import Path

    from documents.letters.bundle import require_pdf, zip_stream

    try:
        if pdf:
            require_pdf()
        found = run(_sent_letters(reference, pdf))
    except DomainError as exc:
        fail(exc)
    if found is None:
        click.echo(f"error: no tender or round with the reference {reference}", err=True)
        sys.exit(1)
    with Path(output).open("wb") as handle:
        for chunk in zip_stream(found):
            handle.write(chunk)
    click.echo(f"Wrote {output} ({len(found)} letters).")


if __name__ == "__main__":
    main()
