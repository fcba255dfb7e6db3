"""Portal and back office never mix, and one organisation never sees another's.

- Every portal route, walked by a member of organisation A with the ids of organisation B's
  objects (its letter, its membership, the bid B submitted in the portal, its subsidy draft,
  its granted application with its report and file) and on the tender B bids on (asking a
  question and bidding there with empty forms): nothing of B is shown, served or changed (B's
  bid is neither withdrawn nor replaced, its receipt not shown); every route of B's bids and
  applications answers 404.
- Every back-office route of the app's route table, walked with a portal session (restored
  before each request, since a refusal ends it): 401, 403 or a redirect to /login, never a
  page or data.
- A back-office session is refused on every portal route that needs a portal account.
"""

from __future__ import annotations

from litestar import Litestar

from accounts.sessions import SESSION_COOKIE, DatabaseSessionStore
from accounts.tables import WebSession
from organisations.tables import Organisation
from portal.service import bids as portal_bids
from portal.service.accounts import load_portal_user
from portal.tables import PortalAccount, PortalMembership
from subsidies.tables import Application, ApplicationFile, Report
from tenders.tables import Bid, Candidate, CandidateFile
from tests.authz import collect
from tests.portal.conftest import Scene
from tests.portal.subsidy import SECRET_TITLE, PortalRounds, portal_rounds_fixture  # noqa: F401
from tests.portal.support import portal_sign_in
from tests.portal.test_participation import requested_by_b
from tests.support.http import CSRF_COOKIE, csrf_token, sign_in, text_of
from tests.test_authorization import call, concrete_path, registered_routes


def portal_routes() -> list[tuple[str, str]]:
    return sorted(key for key, roles in collect().items() if "portal" in roles)


def with_ids(template: str, ids: dict[str, int]) -> str:
    path = template
    for name, value in ids.items():
        path = path.replace(f"{{{name}:int}}", str(value))
    return path.replace("{decision:str}", "approve").replace("{token:str}", "x.y")


async def b_secrets(scene: Scene) -> list[str]:
    name = (
        await Organisation.select(Organisation.name)
        .where(Organisation.id == scene.organisations["b"])
        .first()
    )["name"]
    return [name, scene.emails["b"], "gunningsvoornemen-thuishulp-west.docx", SECRET_TITLE]


def subsidy_ids(rounds: PortalRounds, draft: bool = False) -> dict[str, int]:
    """Organisation B's application (its draft, or its grant), report and file."""
    return {
        "application_id": rounds.b_draft if draft else rounds.b_granted,
        "round_id": rounds.decided_round,
        "report_id": rounds.b_report,
    }


async def subsidy_rows() -> list:
    return [
        await Application.select().order_by(Application.id),
        await Report.select().order_by(Report.id),
        await ApplicationFile.select().order_by(ApplicationFile.id),
    ]


async def portal_bid(scene: Scene, key: str) -> int:
    """A bid organisation ``key`` submits in the portal (replacing its officer-entered one)."""
    account = (
        await PortalAccount.select(PortalAccount.id)
        .where(PortalAccount.email == scene.emails[key])
        .first()
    )
    user = await load_portal_user(account["id"])
    assert user is not None
    return await portal_bids.submit(
        user,
        scene.tender_id,
        scene.lot_id,
        {"price": "98765.43"},
        [("plan-thuishulp-west.pdf", "application/pdf", b"%PDF-1.4 plan of " + key.encode())],
    )


Walk = list[tuple[str, str, dict[str, int]]]


def every_route(others: dict[str, int]) -> Walk:
    return [(method, template, others) for method, template in portal_routes()]


async def walk(client, walks: Walk, secrets: list[str]) -> list[str]:
    """Each portal route (but signing out) called with another's ids: what showed a secret,
    failed (5xx), forgot the session (401), or did not answer 404 on another's letter, bid or
    application."""
    problems = []
    for method, template, ids in walks:
        if (method, template) == ("POST", "/portal/logout"):
            continue
        path = with_ids(template, ids)
        response = await call(client, method, path)
        shown = [s for s in secrets if s in text_of(response.text)]
        if shown:
            problems.append(f"{method} {path}: shows {shown}")
        if response.status_code >= 500 or response.status_code == 401:
            problems.append(f"{method} {path}: {response.status_code}")
        for marker, what in (
            ("/portal/inbox/letters", "letter"),
            ("{application_id:int}", "application"),
            ("{bid_id:int}", "bid"),
        ):
            if marker in template and response.status_code != 404:
                problems.append(
                    f"{method} {path}: another's {what} answered {response.status_code}"
                )
    return problems


async def test_a_member_walks_every_portal_route_and_sees_nothing_of_another(
    scene: Scene, portal_rounds: PortalRounds, client_factory
) -> None:
    secrets = await b_secrets(scene)
    b_bid = await portal_bid(scene, "b")
    others = {
        "membership_id": scene.memberships["b"],
        "file_id": scene.letters["b"],
        "tender_id": scene.tender_id,
        "document_id": scene.document_id,
        "bid_id": b_bid,
    }
    before = await PortalMembership.select().order_by(PortalMembership.id)
    subsidies_before = await subsidy_rows()
    bids_before = await Bid.select().order_by(Bid.id)
    async with client_factory() as anna:
        await portal_sign_in(anna, scene.emails["a"])
        walks = every_route(others | subsidy_ids(portal_rounds))
        walks += [  # B's draft too, and B's application's own file
            (m, t, others | subsidy_ids(portal_rounds, draft=True))
            for m, t in portal_routes()
            if "{application_id:int}" in t
        ]
        walks.append(
            (
                "GET",
                "/portal/applications/{application_id:int}/files/{file_id:int}",
                others | subsidy_ids(portal_rounds) | {"file_id": portal_rounds.b_file},
            )
        )
        problems = await walk(anna, walks, secrets)
        # Her own letter and pages do answer (the walk is not refused for everything).
        assert (await anna.get(f"/portal/inbox/letters/{scene.letters['a']}")).status_code == 200
        assert (await anna.get("/portal/organisation")).status_code == 200
        a_bid = await portal_bid(scene, "a")
        receipt = await anna.get(f"/portal/tenders/{scene.tender_id}/bids/{a_bid}")
        assert receipt.status_code == 200 and "SHA-256" in receipt.text
    assert not problems, "\n".join(problems)
    assert await PortalMembership.select().order_by(PortalMembership.id) == before
    # Nothing of B's applications changed (A's own draft may have been started by the walk).
    after = await subsidy_rows()
    assert [r for r in after[0] if r["organisation"] == scene.organisations["b"]] == [
        r for r in subsidies_before[0] if r["organisation"] == scene.organisations["b"]
    ]
    assert after[1:] == subsidies_before[1:]
    # Nothing of B's changed: only A's own bid came (and replaced A's earlier one).
    after = {b["id"]: b for b in await Bid.select().order_by(Bid.id)}
    for bid in bids_before:
        if bid["organisation"] == scene.organisations["b"]:
            assert after[bid["id"]] == bid


async def test_a_portal_session_is_refused_on_every_back_office_route(
    app: Litestar, scene: Scene, client_factory
) -> None:
    table = collect()
    back_office = sorted(
        (method, template)
        for method, template in registered_routes(app)
        if not template.startswith("/portal")
        and "anonymous" not in table.get((method, template), frozenset())
    )
    assert len(back_office) > 100  # the whole table, not a sample
    store = DatabaseSessionStore()
    problems = []
    async with client_factory() as anna:
        await portal_sign_in(anna, scene.emails["a"])
        key = anna.cookies[SESSION_COOKIE]
        token = anna.cookies[CSRF_COOKIE]
        data = (await WebSession.select(WebSession.data).where(WebSession.key == key).first())[
            "data"
        ]

        async def restore() -> None:
            # A refusal ends the session (and the client drops its cookie): restore both.
            await store.set(key, data, 3600)
            anna.cookies.clear()
            anna.cookies.set(SESSION_COOKIE, key)
            anna.cookies.set(CSRF_COOKIE, token)
            anna.headers["x-csrftoken"] = token

        for method, template in back_office:
            await restore()
            response = await call(anna, method, concrete_path(template))
            status = response.status_code
            location = response.headers.get("location", "")
            refused = status in (401, 403) or (status == 303 and location.startswith("/login"))
            if not refused:
                problems.append(f"{method} {template}: {status} {location}")
        # The restored session is the portal session: the portal still knows her.
        await restore()
        assert (await anna.get("/portal/inbox")).status_code == 200
    assert not problems, "\n".join(problems)


async def test_a_back_office_session_is_refused_in_the_portal(
    scene: Scene, portal_rounds: PortalRounds, client_factory
) -> None:
    async with client_factory() as officer:
        await sign_in(officer, scene.world.officer.email)
        for method, template in portal_routes():
            path = with_ids(
                template,
                {
                    "membership_id": scene.memberships["a"],
                    "file_id": scene.letters["a"],
                    "tender_id": scene.tender_id,
                    **subsidy_ids(portal_rounds),
                    "bid_id": scene.bids["a"],
                },
            )
            response = await call(officer, method, path)
            assert response.status_code == 403, (method, path, response.status_code)
        # Nor may it sign in to the portal on top of its session.
        response = await officer.post(
            "/portal/login",
            data={
                "email": scene.emails["a"],
                "password": "x",
                "_csrf_token": await csrf_token(officer),
            },
        )
        assert response.status_code == 403
        # The public tender pages are open to everyone, the officer too.
        assert (await officer.get(f"/portal/tenders/{scene.tender_id}")).status_code == 200


async def test_a_member_walks_every_portal_route_on_a_tender_another_requested(
    scene: Scene, client_factory
) -> None:
    """Organisation B requested to participate in a restricted procedure: A, walking every
    portal route with that tender (and B's candidacy and file ids), sees nothing of B's
    request (its name, its receipt's digests) and changes nothing of it."""
    tender_id, receipt = await requested_by_b(scene)
    candidate = {"candidate_id": receipt.candidate_id}
    files = await CandidateFile.select().order_by(CandidateFile.id)
    secrets = [*await b_secrets(scene), *(f.sha256 for f in receipt.files)]
    others = {
        "membership_id": scene.memberships["b"],
        "file_id": files[0]["file"],
        "tender_id": tender_id,
        "document_id": scene.document_id,
        **candidate,
    }
    before = await Candidate.select().order_by(Candidate.id)
    async with client_factory() as anna:
        await portal_sign_in(anna, scene.emails["a"])
        problems = await walk(anna, every_route(others), secrets)
        # Her own request page answers, without B's request in it.
        page = await anna.get(f"/portal/tenders/{tender_id}/participation")
        assert page.status_code == 200
        assert "Your organisation has not requested to participate." in text_of(page.text)
    assert not problems, "\n".join(problems)
    assert await Candidate.select().order_by(Candidate.id) == before
    assert await CandidateFile.select().order_by(CandidateFile.id) == files
