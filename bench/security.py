"""Benchmark: what the security measures cost, on SQLite in a fresh data dir.

- sign-in: the time of an unknown address, a wrong password, a throttled attempt and a right
  password (``accounts.service.authenticate``; each runs one Argon2 verification), median and
  spread of ``--logins`` attempts each: the figures behind "the same timing";
- the audit chain: appending ``--events`` events (in batches of 100 per transaction), verifying
  them all (HMAC-SHA256 under the audit key) and signing a checkpoint.

    .venv/bin/python bench/security.py
    .venv/bin/python bench/security.py --logins 50 --events 100000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


async def _time(work, times: int) -> list[float]:
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        await work()
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def _line(name: str, spent: list[float]) -> str:
    quartiles = statistics.quantiles(spent, n=4) if len(spent) > 1 else [spent[0]] * 3
    return (
        f"  {name:<28} median {statistics.median(spent):7.1f} ms   "
        f"quartiles {quartiles[0]:.1f}–{quartiles[2]:.1f} ms"
    )


async def main(logins: int, events: int) -> None:
    from accounts import service as accounts
    from accounts.domain import ACCOUNT_THROTTLE
    from audit import checkpoints
    from audit import service as audit
    from common.identity import Actor
    from config.database import migrate, transaction

    await migrate()
    _, password = await accounts.create_user(
        Actor.system("bench"), {"email": "olga@example.org", "name": "Olga", "role": "officer"}
    )
    _, _ = await accounts.create_user(
        Actor.system("bench"), {"email": "wait@example.org", "name": "Wait", "role": "officer"}
    )
    for _ in range(ACCOUNT_THROTTLE.free_failures + 8):  # a wait of minutes
        await accounts.authenticate("wait@example.org", "wrong", "192.0.2.1")

    print(f"sign-in, {logins} attempts each (one Argon2 verification in every branch):")
    cases = {
        "unknown address": ("nobody@example.org", "whatever", "198.51.100.1"),
        "wrong password": ("olga@example.org", "wrong", "198.51.100.2"),
        "throttled (right password)": ("wait@example.org", "whatever", "198.51.100.3"),
        "right password": ("olga@example.org", password, "198.51.100.4"),
    }
    for name, (email, secret, address) in cases.items():
        spent = await _time(
            lambda e=email, s=secret, a=address: accounts.authenticate(e, s, a), logins
        )
        print(_line(name, spent))

    actor = Actor(1, "bench@example.org")
    started = time.perf_counter()
    for start in range(0, events, 100):
        async with transaction():
            await audit.record_many(
                actor,
                [
                    audit.NewEvent("thing.changed", "thing", n, {"n": n}, {"n": n + 1})
                    for n in range(start, min(events, start + 100))
                ],
            )
    appended = time.perf_counter() - started
    started = time.perf_counter()
    result = await audit.verify()
    verified = time.perf_counter() - started
    started = time.perf_counter()
    await checkpoints.write_checkpoint()
    signed = time.perf_counter() - started
    assert result.intact
    print(f"audit chain, {result.checked:,} events:")
    print(f"  append (100 per transaction) {appended:7.2f} s")
    print(
        f"  verify (HMAC-SHA256)         {verified:7.2f} s "
        f"({result.checked / verified:,.0f} events/s)"
    )
    print(f"  first checkpoint (checks all) {signed:6.2f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--logins", type=int, default=20)
    parser.add_argument("--events", type=int, default=20_000)
    args = parser.parse_args()
    os.environ["TENDERDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="tenderdesk-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ["PICCOLO_CONF"] = "config.piccolo_conf"
    asyncio.run(main(args.logins, args.events))
