"""Benchmark: suppliers submitting their bids through the portal in the last minute before the
bid deadline, on one instance of the app.

    .venv/bin/python bench/portal.py
    .venv/bin/python bench/portal.py --postgres postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/portal.py --suppliers 100 --megabytes 1      # a smaller run

Set up through the services: an authority, a published tender with one lot and
``--suppliers`` organisations (500), each with an approved portal account. Then the app is
started as in production (``tenderdesk serve``: one process, uvicorn, its connection pool and
its scheduler, which closes the tender at the deadline while bids still come in), every
supplier signs in through ``/portal/login`` over HTTP, and each submits a bid (a price and a
PDF of ``--megabytes`` MB, 2) at a moment spread evenly over the minute before the deadline
(the last ones in its final second); ``--late`` (20) of them try again in the two seconds after
it, which must be refused.

Prints, per database: bids accepted, refused (with the reason seen: after the deadline, other)
and lost (an answer that is neither, or an accepted bid missing from the database); accepted
late (a bid stored with a moment of receipt at or after the deadline: must be 0); p50, p95 and
the maximum of the submit (request sent to answer received, accepted bids; target p95 ≤ 2 s);
and the data kept (the sealed files' bytes, the database's size).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.support import insert_organisations, per_database  # noqa: E402

PASSWORD = "Tulpen-Fietsbel-Grachtenkaas-93"
ZONE = "Europe/Amsterdam"
ARGS: argparse.Namespace


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _local(moment: datetime) -> str:
    from common.localtime import utc_to_local

    return utc_to_local(moment, ZONE).strftime("%Y-%m-%dT%H:%M")


async def _suppliers(count: int) -> list[str]:
    """``count`` organisations with an approved portal account each: their email addresses."""
    from argon2 import PasswordHasher

    from common import clock
    from portal.tables import PortalAccount, PortalMembership

    organisations = await insert_organisations(count, "Bench Zorg {n} BV")
    hashed = PasswordHasher().hash(PASSWORD)
    now = clock.now()
    emails = [f"bidder{n}@bench.example" for n in range(count)]
    for first in range(0, count, 500):
        accounts = await PortalAccount.insert(
            *[
                PortalAccount(
                    email=emails[n],
                    name=f"Bidder {n}",
                    password_hash=hashed,
                    verified_at=now,
                    created_at=now,
                )
                for n in range(first, min(count, first + 500))
            ]
        ).returning(PortalAccount.id)
        await PortalMembership.insert(
            *[
                PortalMembership(
                    account=account["id"],
                    organisation=organisations[first + n]["id"],
                    role="member",
                    status="active",
                    requested_at=now,
                    decided_at=now,
                    decided_by="bench",
                )
                for n, account in enumerate(accounts)
            ]
        )
    return emails


async def _tender(deadline: datetime) -> tuple[int, int]:
    """A published tender with one lot whose bid deadline is ``deadline`` (a whole minute)."""
    from accounts.tables import Membership, User
    from authorities import service as authorities
    from common import clock
    from common.identity import Actor, Principal, Role
    from scoring import service as scoring
    from tenders import service

    actor = Actor.system("bench")
    authority = await authorities.create_authority(
        actor, {"name": "Gemeente Utrecht", "country": "NL", "registration_number": "30280353"}
    )
    service_type = await authorities.create_service_type(
        actor,
        {"code": "household_help", "name_en": "Household help", "name_nl": "Huishoudelijke hulp"},
    )
    user = User(
        email="officer@bench.example",
        name="Bench Officer",
        role="officer",
        password_hash="-",
        created_at=clock.now(),
    )
    await user.save()
    await Membership(user=user.id, authority=authority["id"]).save()
    officer = Principal(
        user.id, user.email, user.name, Role.OFFICER, "en", frozenset({authority["id"]})
    )
    tender_id = await service.create_tender(
        officer,
        {
            "title": "Hulp bij het huishouden (bench)",
            "reference": "BENCH-PORTAL",
            "procedure": "light_regime",
            "service_type_id": str(service_type["id"]),
            "cpv_codes": "85312000-9",
            "currency": "EUR",
            "estimated_value": "1000000.00",
            "authority_id": str(authority["id"]),
            "deadline_questions": _local(deadline - timedelta(minutes=1)),
            "deadline_bids": _local(deadline),
            "electronic_submission": "on",
        },
    )
    lot_id = await service.add_lot(
        officer, tender_id, {"number": "1", "title": "Heel de stad", "winners": "10"}
    )
    lot = await service.get_lot_row(tender_id, lot_id)
    await scoring.replace_criteria(
        officer,
        lot["evaluation_id"],
        [
            {"name": "Plan", "kind": "quality", "weight": "60", "scale_type": "range",
             "scale_min": "0", "scale_max": "10", "scale_step": "1"},
            {"name": "Price", "kind": "price", "weight": "40", "formula": "relative_lowest"},
        ],
    )  # fmt: skip
    await service.publish(officer, tender_id)
    return tender_id, lot_id


def _serve(port: int) -> subprocess.Popen:
    env = {**os.environ, "TENDERDESK_DB_POOL": "1", "TENDERDESK_SCHEDULER": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "config", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return process


async def _wait_up(url: str, process: subprocess.Popen) -> None:
    import httpx

    async with httpx.AsyncClient() as client:
        for _ in range(600):
            if process.poll() is not None:
                raise RuntimeError("the app did not start")
            try:
                if (await client.get(f"{url}/health", timeout=1)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("the app did not answer")


async def _sign_in(url: str, email: str) -> Any:
    import httpx

    client = httpx.AsyncClient(base_url=url, timeout=120, follow_redirects=False)
    await client.get("/portal/login")
    token = client.cookies["tenderdesk_csrf"]
    answer = await client.post(
        "/portal/login", data={"email": email, "password": PASSWORD, "_csrf_token": token}
    )
    if answer.status_code != 303:
        raise RuntimeError(f"sign-in of {email}: {answer.status_code}")
    client.headers["x-csrftoken"] = client.cookies["tenderdesk_csrf"]
    return client


async def _submit(
    client: Any, tender_id: int, lot_id: int, number: int, at: float, content: bytes
) -> dict[str, Any]:
    """One bid sent at the monotonic moment ``at``: its outcome and duration."""
    await asyncio.sleep(max(0.0, at - time.monotonic()))
    page = f"/portal/tenders/{tender_id}/bids"
    sent_at = datetime.now(UTC)
    started = time.monotonic()
    try:
        answer = await client.post(
            page,
            data={"lot_id": str(lot_id), "price": f"{100000 + number}.00"},
            files={"files": (f"plan-{number}.pdf", content, "application/pdf")},
            headers={"referer": f"{client.base_url}{page}"},
        )
    except Exception as exc:  # every failure is a lost bid, counted
        return {"outcome": "lost", "why": repr(exc), "sent_at": sent_at}
    seconds = time.monotonic() - started
    location = answer.headers.get("location", "")
    found = re.fullmatch(rf"{page}/(\d+)", location)
    if answer.status_code == 303 and found:
        return {"outcome": "accepted", "bid": int(found.group(1)), "seconds": seconds}
    if answer.status_code == 303 and location == page:
        return {"outcome": "refused", "seconds": seconds, "sent_at": sent_at}
    return {"outcome": "lost", "why": f"{answer.status_code} {location}", "sent_at": sent_at}


def _data_size() -> int:
    from config.settings import get_settings

    root = get_settings().data_dir
    return sum(p.stat().st_size for p in Path(root).rglob("*") if p.is_file())


async def work() -> dict[str, Any]:
    from config.database import is_sqlite, raw
    from tenders.tables import Bid

    count, late = ARGS.suppliers, ARGS.late
    started = time.monotonic()
    emails = await _suppliers(count)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = _serve(port)
    try:
        await _wait_up(url, server)
        gate = asyncio.Semaphore(8)

        async def signed(email: str) -> Any:
            async with gate:
                return await _sign_in(url, email)

        clients = await asyncio.gather(*(signed(e) for e in emails))
        setup = time.monotonic() - started
        # The deadline: the first whole minute at least 75 s ahead (the tender is made now).
        ahead = datetime.now(UTC) + timedelta(seconds=75)
        deadline = (ahead + timedelta(minutes=1)).replace(second=0, microsecond=0)
        tender_id, lot_id = await _tender(deadline)
        to_deadline = (deadline - datetime.now(UTC)).total_seconds()
        zero = time.monotonic() + to_deadline  # the deadline on the monotonic clock
        base = os.urandom(ARGS.megabytes * 1024 * 1024)
        # Moments spread evenly over the last minute; the last in its final second.
        moments = [zero - 60 + 59.5 * n / max(1, count - 1) for n in range(count)]
        jobs = [
            _submit(
                client, tender_id, lot_id, n, moments[n], b"%PDF-1.4 " + bytes([n % 256]) + base
            )
            for n, client in enumerate(clients)
        ]
        jobs += [
            _submit(clients[n], tender_id, lot_id, n, zero + 2.0 * k / max(1, late), base)
            for k, n in enumerate(range(late))
        ]
        results = await asyncio.gather(*jobs)
        await asyncio.gather(*(client.aclose() for client in clients))
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    in_window, probes = results[:count], results[count:]
    stored = {
        r["id"]: r
        for r in await Bid.select(Bid.id, Bid.received_at, Bid.withdrawn_at).where(
            Bid.tender == tender_id
        )
    }
    accepted = [r for r in in_window if r["outcome"] == "accepted"]
    missing = [r for r in accepted if r["bid"] not in stored]
    durations = sorted(r["seconds"] for r in accepted)
    late_accepted = [r for r in stored.values() if r["received_at"] >= deadline]
    files = await raw(
        "SELECT COUNT(*) AS n, COALESCE(SUM(d.size), 0) AS bytes FROM tenders_bid_file f "
        "JOIN documents_file d ON d.id = f.file"
    )
    if is_sqlite():
        size = _data_size()
    else:
        size = (await raw("SELECT pg_database_size(current_database()) AS n"))[0]["n"]
    lost = [r for r in in_window if r["outcome"] == "lost"]

    def quantile(q: float) -> float:
        return durations[min(len(durations) - 1, math.ceil(q * len(durations)) - 1)]

    return {
        "suppliers": count,
        "setup_s": round(setup, 1),
        "accepted": len(accepted),
        "refused_in_window": sum(r["outcome"] == "refused" for r in in_window),
        "lost": len(lost) + len(missing),
        "lost_why": sorted({r["why"] for r in lost})[:5],
        "late_probes": late,
        "late_probes_refused": sum(r["outcome"] == "refused" for r in probes),
        "late_probes_lost": sum(r["outcome"] == "lost" for r in probes),
        "late_accepted": len(late_accepted),
        "live_bids": sum(r["withdrawn_at"] is None for r in stored.values()),
        "p50_s": round(statistics.median(durations), 3) if durations else None,
        "p95_s": round(quantile(0.95), 3) if durations else None,
        "max_s": round(durations[-1], 3) if durations else None,
        "sealed_files": files[0]["n"],
        "sealed_mib": round(files[0]["bytes"] / 2**20, 1),
        "database_mib": round(size / 2**20, 1),
    }


def main() -> None:
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--suppliers", type=int, default=500)
    parser.add_argument("--megabytes", type=int, default=2)
    parser.add_argument("--late", type=int, default=20)
    parser.add_argument("--postgres", default="")
    parser.add_argument("--run-database", default="")
    ARGS, _ = parser.parse_known_args()
    argv = [a for a in sys.argv[1:]]
    results = per_database(__file__, argv, ARGS.postgres or None, work)
    print(
        f"{ARGS.suppliers} suppliers, a {ARGS.megabytes} MB file each, in the last minute "
        f"before the deadline; {ARGS.late} tries in the 2 s after it"
    )
    for name, figures in results:
        if figures is None:
            continue
        print(f"  {name}:")
        for key, value in figures.items():
            print(f"    {key:<22} {value}")
        print(
            "    target: lost 0, late accepted 0, p95 ≤ 2 s -> "
            + (
                "met"
                if figures["lost"] == 0
                and figures["late_accepted"] == 0
                and (figures["p95_s"] or 99) <= 2
                else "NOT met"
            )
        )


if __name__ == "__main__":
    main()
