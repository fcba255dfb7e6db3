"""Every 360Giving package from the demo data validates against the local schema: the whole
package, each page of it, and the file `tenderdesk export 360giving` writes (run on SQLite and
on PostgreSQL, as the suite is)."""

from __future__ import annotations

import json

from config import demo
from tests.opendata.giving_schema import problems
from tests.support.cli import tenderdesk

URL = "/open-data/360giving/grants.json"


async def test_demo_packages_validate(client, tmp_path):
    await demo.load()
    whole = (await client.get(URL)).json()
    assert problems(whole) == []
    grants = whole["grants"]
    assert {g["currency"] for g in grants} >= {"EUR", "DKK", "PLN"}
    assert all(isinstance(g["amountAwarded"], int | float) for g in grants)
    countries = {g["recipientOrganization"][0]["id"][:6] for g in grants}
    assert {"NL-KVK", "DK-CVR"} <= countries and countries & {"PL-NIP", "PL-REG"}
    seen, after = [], 0
    while True:
        page = (await client.get(f"{URL}?limit=25&after={after}")).json()
        if not page["grants"]:
            break
        assert problems(page) == []
        seen += page["grants"]
        after = int(seen[-1]["id"].rsplit("-", 1)[1])
    assert [g["id"] for g in seen] == [g["id"] for g in grants]

    exported = tmp_path / "grants.json"
    result = tenderdesk("export", "360giving", "-o", str(exported))
    assert result.returncode == 0, result.stderr
    assert f"({len(grants)} items)" in result.stdout
    written = json.loads(exported.read_text(encoding="utf-8"))
    assert problems(written) == []
    assert written["grants"] == grants
