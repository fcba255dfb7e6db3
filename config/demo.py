"""The demo data of every bounded context, loaded in dependency order (safe to repeat).

The demo users' passwords are generated on first load and kept in the data dir
(``demo-credentials.json``, readable only by its owner) so that later runs print the same ones.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from accounts import demo as accounts_demo
from accounts.tables import User
from authorities import demo as authorities_demo
from common.identity import Actor
from config.settings import get_settings
from portal import demo as portal_demo
from subsidies import demo as subsidies_demo
from tenders import demo as tenders_demo

DEMO_ACTOR = Actor.system("demo")


def credentials_file() -> Path:
    return get_settings().data_dir / "demo-credentials.json"


def _read_credentials() -> dict[str, str]:
    path = credentials_file()
    return json.loads(path.read_text()) if path.exists() else {}


def _write_credentials(passwords: dict[str, str]) -> None:
    path = credentials_file()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(passwords, handle, indent=2)


def _quiet(line: str) -> None:
    """Progress goes nowhere unless the caller asks for it."""


async def load(progress: Callable[[str], None] = _quiet) -> dict[str, str]:
    """Load whatever demo data is missing; returns the demo users' passwords by email.

    ``progress`` is told each step as it starts: on a fresh database the whole takes tens of
    seconds, and a command that says nothing meanwhile looks stuck."""
    progress("Demo data: authorities and users ...")
    authorities = await authorities_demo.load(DEMO_ACTOR)
    service_types = await authorities_demo.load_service_types(DEMO_ACTOR)
    known = _read_credentials()
    passwords = await accounts_demo.load(DEMO_ACTOR, authorities, known)
    _write_credentials({**known, **passwords})
    progress("Demo data: subsidy rounds ...")
    await subsidies_demo.load(authorities)
    await tenders_demo.load(authorities, service_types, progress)
    passwords = {**passwords, **await portal_demo.load(DEMO_ACTOR, known)}
    _write_credentials(passwords)
    progress("Demo data: ready.")
    return passwords


async def load_if_empty(progress: Callable[[str], None] = _quiet) -> dict[str, str]:
    """Load the demo data into an empty database; otherwise return the known credentials."""
    if not await User.exists():
        return await load(progress)
    return _read_credentials()


def print_credentials(passwords: dict[str, str], echo: Callable[[str], None]) -> None:
    roles = {user.email: user.role for user in accounts_demo.DEMO_USERS}
    echo("Demo users (sign in at /login; the supplier and the applicant at /portal/login):")
    for email, password in passwords.items():
        portal_roles = {
            portal_demo.DEMO_SUPPLIER: "supplier",
            portal_demo.DEMO_APPLICANT: "applicant",
        }
        role = roles.get(email, portal_roles.get(email, ""))
        echo(f"  {role:<10} {email:<34} {password}")
