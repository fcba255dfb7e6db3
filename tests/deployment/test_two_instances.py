"""Two `tenderdesk serve` instances with different data dirs on one PostgreSQL, as behind a
load balancer: whatever one stores, the other serves; a job queued on one runs on the other;
an instance with another key is refused at start.

Instance A runs no jobs (TENDERDESK_JOBS=0), instance B does. The user's cookies go to both,
as a load balancer would send them. PostgreSQL only (see ``needs_postgres``).
"""

import asyncio
import hashlib
import io
import os
import subprocess
import sys
import time
import zipfile
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from common import clock
from config.settings import get_settings
from jobs.tables import Job
from scoring.tables import Score
from subsidies import service as subsidies
from tenders import bids, openings
from tenders import service as tenders
from tests.deployment.support import Instance, needs_postgres
from tests.scoring.conftest import make_scenario
from tests.scoring.scoresheet_support import fill, rows_of
from tests.subsidies.conftest import SEPTEMBER, Setup, round_form
from tests.subsidies.test_letters import decided_round
from tests.support.browser import ROOT, _free_port
from tests.support.fixtures import TEST_PASSWORD

pytestmark = needs_postgres
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    a = Instance(tmp_path_factory.mktemp("instance-a"), TENDERDESK_JOBS="0")
    b = Instance(tmp_path_factory.mktemp("instance-b"), TENDERDESK_JOBS="1")
    try:
        a.wait_ready()
        b.wait_ready()
        yield a, b
    finally:
        a.stop()
        b.stop()


class User:
    """One person's browser: its cookies go to whichever instance answers."""

    def __init__(self) -> None:
        self.http = httpx.AsyncClient(timeout=60)

    async def sign_in(self, instance: Instance, email: str) -> None:
        await self.http.get(f"{instance.url}/login")
        signed = await self.http.post(
            f"{instance.url}/login",
            data={"email": email, "password": TEST_PASSWORD, "_csrf_token": self.token},
        )
        assert signed.status_code == 303, signed.text[:300]

    @property
    def token(self) -> str:
        return self.http.cookies["tenderdesk_csrf"]

    async def post(self, url: str, data=None, **kwargs):
        return await self.http.post(url, data={**(data or {}), "_csrf_token": self.token}, **kwargs)


async def until(condition, seconds: float = 120, what: str = "") -> None:
    ends = time.monotonic() + seconds
    while not await condition():
        assert time.monotonic() < ends, f"timed out waiting for {what}"
        await asyncio.sleep(0.25)


async def test_a_bid_document_uploaded_through_one_downloads_through_the_other(pair, world):
    a, b = pair
    world.clock.set(datetime.now(UTC))  # the instances run on the real clock
    tender_id = await world.tender()
    await tenders.publish(world.officer, tender_id)
    [lot_id] = await world.lot_ids(tender_id)
    document = b"%PDF-1.4 plan van aanpak " + os.urandom(300_000)
    officer = User()
    await officer.sign_in(a, world.officer.email)
    sent = await officer.post(
        f"{a.url}/tenders/{tender_id}/bids",
        {
            "lot_id": str(lot_id),
            "name": "Zorg Plus BV",
            "country": "NL",
            "registration_number": "30280353",
            "price": "100000",
            "paper_reason": "Delivered on a USB stick at the front desk",
        },
        files={"files": ("plan-van-aanpak.pdf", document, "application/pdf")},
    )
    assert sent.status_code == 303, sent.text[:500]
    [row] = await bids.BidFile.select()
    # The deadline passes (on the test's clock) and two officers open the bids.
    world.travel(timedelta(days=41))
    await openings.approve_opening(world.officer, tender_id)
    assert await openings.approve_opening(world.second, tender_id)

    url = f"/tenders/{tender_id}/bids/{row['bid']}/files/{row['file']}"
    downloaded = await officer.http.get(f"{b.url}{url}")
    assert downloaded.status_code == 200, downloaded.text[:300]
    assert downloaded.content == document
    assert "plan-van-aanpak.pdf" in downloaded.headers["content-disposition"]
    # Nothing of it on either instance's disk: it lives in the database.
    for instance in (a, b):
        assert not list((instance.data_dir / "files").glob("**/*"))


async def test_a_scoresheet_generated_by_one_imports_through_the_other(
    pair, make_user, make_authority
):
    a, b = pair
    scenario = await make_scenario(make_user, make_authority)
    evaluator = scenario.evaluators[0]
    await scenario.declare_all(evaluator)
    user = User()
    await user.sign_in(a, evaluator.email)
    base = f"/scoring/evaluations/{scenario.evaluation_id}"
    sheet = await user.http.get(f"{a.url}{base}/scoresheet")
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith(XLSX)
    assert len(rows_of(sheet.content)) == 9
    filled = fill(sheet.content, {2: (8, "Clear"), 3: (9.5, "Very good"), 4: (1, "")})
    stored = await user.post(
        f"{b.url}{base}/scoresheet", files={"file": ("scores.xlsx", filled, XLSX)}
    )
    # Signed by A with the shared key, so B accepts it as its own.
    assert stored.status_code == 200, stored.text[-1500:]
    assert "Your scores have been stored as drafts." in stored.text
    assert await Score.count() == 3


async def test_letters_sent_by_one_zip_through_the_other_and_the_job_ran_on_the_other(
    pair, make_user, make_authority
):
    a, b = pair
    with clock.use_clock(clock.FixedClock(SEPTEMBER)) as moment:
        authority = await make_authority("Gemeente Utrecht")
        officer = await make_user("officer", authorities=[authority["id"]])
        created = await subsidies.create_round(officer, round_form(authority["id"]))
        await subsidies.open_round(officer, created.id)
        s = Setup(officer, await make_user("evaluator"), authority["id"], created.id)
        await decided_round(s, moment)
    user = User()
    await user.sign_in(a, officer.email)
    base = f"/subsidies/rounds/{created.id}"
    queued = await user.post(f"{a.url}{base}/letters", {"confirm": "yes"})
    assert queued.status_code == 303 and queued.headers["location"].startswith("/jobs/")
    job_url = queued.headers["location"]
    job_id = int(job_url.rsplit("/", 1)[1])

    async def done() -> bool:
        answer = await user.http.get(f"{a.url}/api/v1/jobs/{job_id}")
        assert answer.json()["state"] in ("queued", "running", "done"), answer.text
        return answer.json()["state"] == "done"

    await until(done, what="the letters job")
    [job] = await Job.select(Job.claimed_by).where(Job.id == job_id)
    # Queued through A, which runs no jobs; B claimed and ran it.
    assert job["claimed_by"].split(":")[1] == str(b.process.pid)
    page = await user.http.get(f"{a.url}{job_url}")
    assert "5 decision letters have been sent." in page.text

    listed = (await user.http.get(f"{a.url}/api/v1{base}/letters")).json()
    assert len(listed) == 5
    archive = await user.http.get(f"{a.url}{base}/letters.zip")
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        found = {name: hashlib.sha256(opened.read(name)).hexdigest() for name in opened.namelist()}
    assert sorted(found.values()) == sorted(x["sha256"] for x in listed)


def _serve(port: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``tenderdesk serve`` started with ``env``, until it stops (it is expected to refuse)."""
    return subprocess.run(
        [sys.executable, "-m", "config", "serve", "--port", port],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_an_instance_with_another_key_is_refused_at_start(pair, tmp_path):
    """A runs with the run's keys (recorded by the database); a third instance with another
    audit key does not start, and says which key differs."""
    settings = get_settings()
    a, _ = pair
    # (Other tests empty every table; ready records A's keys again, as its start did.)
    assert httpx.get(f"{a.url}/health/ready", timeout=5).status_code == 200
    port = str(_free_port())
    for name in ("TENDERDESK_AUDIT_KEY", "TENDERDESK_SECRET_KEY", "TENDERDESK_SEALING_KEY"):
        own_key = {"TENDERDESK_DATA_DIR": str(tmp_path / "third"), name: "a key of its own"}
        refused = _serve(port, {**os.environ, **own_key})
        assert refused.returncode == 1
        assert f"error: {name} differs from the key this database was first started" in (
            refused.stderr
        )
    missing = _serve(
        port,
        {
            **{k: v for k, v in os.environ.items() if k != "TENDERDESK_AUDIT_KEY"},
            "TENDERDESK_DATA_DIR": str(tmp_path / "fourth"),
        },
    )
    assert missing.returncode == 1
    assert "TENDERDESK_AUDIT_KEY must be set in the environment" in missing.stderr
    assert settings.is_postgres
    for instance in pair:
        assert httpx.get(f"{instance.url}/health/ready", timeout=5).status_code == 200
