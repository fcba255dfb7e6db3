"""Requests to participate that candidates submit themselves (through the supplier portal).

A request is received on the same terms as one an officer registers
(:func:`tenders.procurement.require_requests_open`, :func:`require_new_candidate`): while the
tender is published, before the requests deadline (the server's clock; not at it), one per
organisation; the tender's row is locked first, so two requests at once come one after the
other. It carries the documents of the request (at least one), the UEA/ESPD as a file, and a
declaration for each exclusion ground and suitability requirement of the tender: met or not.

The files are sealed with the tender's key as bid files are (:mod:`tenders.vault`): nobody,
officers and database readers included, reads them before an officer opens the requests, which
is possible once the requests deadline has passed (:func:`open_requests`; every file decrypted
in place, on record). The receipt keeps the moment of receipt and each file's SHA-256 and size
as received. The candidate replaces or withdraws its request until the deadline; a withdrawn
request is gone (its files with it), its events stay in the log.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from hashlib import sha256
from typing import Any

from audit import service as audit
from common import clock
from common.errors import DomainError, NotFound, ProblemCollector
from common.i18n import N_
from common.identity import Actor, Principal
from config import database
from config.database import transaction
from documents import storage
from documents.tables import StoredFile
from tenders import sealing, vault
from tenders.access import TenderRef, as_reader, load
from tenders.domain import local_text
from tenders.procedures import PROCEDURE_TYPES, Phase
from tenders.procurement import require_new_candidate, require_requests_open
from tenders.service import TICKER, apply_due, for_change
from tenders.tables import (
    Candidate,
    CandidateFile,
    CandidateRequest,
    Declaration,
    Requirement,
    Tender,
)

DOCUMENT = "document"
ESPD = "espd"
FILE_KINDS = {DOCUMENT: N_("Document"), ESPD: N_("UEA/ESPD")}
MAX_FILES = 20
NO_REQUESTS = N_("This procedure has no requests to participate: bid directly")
WITHDRAW_LATE = N_(
    "Requests to participate could be withdrawn until {deadline}; this came at {received}"
)


@dataclass(frozen=True)
class RequestFile:
    """A file of a request as received: its kind (:data:`FILE_KINDS`) and content."""

    kind: str
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ReceivedFile:
    kind: str
    size: int
    sha256: str
    filename: str = ""  # known on the receipt given at submission, and after the opening


@dataclass(frozen=True)
class Receipt:
    """What a candidate is given for its request: the moment of receipt (server clock, UTC;
    shown in the authority's zone), the version (1, then each replacement) and every file's
    SHA-256 as received."""

    tender_id: int
    candidate_id: int
    received_at: datetime
    zone: str
    version: int
    files: tuple[ReceivedFile, ...]


@dataclass(frozen=True)
class PortalRequest:
    """A request as the officers see it: who submitted it through the portal and when, its
    files (readable once opened), its declarations by requirement."""

    candidate_id: int
    submitted_by: str
    first_received_at: datetime
    received_at: datetime
    version: int
    opened_at: datetime | None
    files: tuple[dict[str, Any], ...]
    declarations: dict[int, bool] = field(default_factory=dict)


def _context(tender_id: int, candidate_id: int, kind: str) -> str:
    return f"tender:{tender_id}:candidate:{candidate_id}:file:{kind}"


def check_files(files: Sequence[RequestFile], problems: ProblemCollector) -> None:
    """At least one document, exactly one UEA/ESPD, each file within the size rules."""
    kinds = [f.kind for f in files]
    if any(kind not in FILE_KINDS for kind in kinds):
        problems.add("documents", N_("Unknown kind of file"))
    if DOCUMENT not in kinds:
        problems.add("documents", N_("Attach at least one document of the request"))
    if kinds.count(ESPD) != 1:
        problems.add("espd", N_("Attach the UEA/ESPD as one file"))
    if len(files) > MAX_FILES:
        problems.add("documents", N_("At most {limit} files per request"), limit=MAX_FILES)
    for f in files:
        try:
            storage.check_size(f.filename, len(f.data))
        except DomainError as exc:
            problems.add(
                "espd" if f.kind == ESPD else "documents",
                exc.problem.message,
                **exc.problem.params,
            )


async def _for_request(tender_id: int) -> TenderRef:
    """The published tender with preselection, locked, its due deadline step applied first."""
    await database.lock(Tender, tender_id)
    await apply_due(TICKER, tender_id, clock.now())
    tender = await load(tender_id)
    if tender.row["published_at"] is None:
        raise NotFound(N_("Tender {id} does not exist"), id=tender_id)
    if not PROCEDURE_TYPES[tender.row["procedure"]].selects:
        raise DomainError(NO_REQUESTS)
    return tender


async def _own(tender_id: int, organisation_id: int) -> dict[str, Any] | None:
    return (
        await Candidate.select(Candidate.id, Candidate.status)
        .where((Candidate.tender == tender_id) & (Candidate.organisation == organisation_id))
        .first()
    )


async def _request_of(candidate_id: int) -> dict[str, Any] | None:
    return await CandidateRequest.select().where(CandidateRequest.candidate == candidate_id).first()


async def _drop_files(candidate_id: int) -> None:
    rows = await CandidateFile.select(CandidateFile.file).where(
        CandidateFile.candidate == candidate_id
    )
    await CandidateFile.delete().where(CandidateFile.candidate == candidate_id)
    if rows:
        await StoredFile.delete().where(StoredFile.id.is_in([r["file"] for r in rows]))


async def _seal(
    actor: Actor, tender_id: int, candidate_id: int, files: Sequence[RequestFile], moment: datetime
) -> tuple[ReceivedFile, ...]:
    key = await vault.public_key(tender_id)
    received = []
    for f in files:
        context = _context(tender_id, candidate_id, f.kind)
        stored = await storage.store(
            actor,
            vault.SEALED_NAME,
            vault.SEALED_TYPE,
            sealing.seal_bytes(key, f.data, context),
            max_bytes=storage.DEFAULT_MAX_BYTES + 1024,  # the content was checked as received
        )
        digest = sha256(f.data).hexdigest()
        await CandidateFile(
            candidate=candidate_id,
            file=stored.id,
            kind=f.kind,
            sealed_name=sealing.seal_name(
                key, storage.safe_filename(f.filename), f.content_type, context
            ),
            sha256=digest,
            size=len(f.data),
            received_at=moment,
        ).save()
        received.append(
            ReceivedFile(f.kind, len(f.data), digest, storage.safe_filename(f.filename))
        )
    return tuple(received)


async def submit(
    actor: Actor,
    account_id: int,
    tender_id: int,
    organisation_id: int,
    organisation_name: str,
    contact: str,
    files: Sequence[RequestFile],
    declared: Collection[int],
    replace: bool = False,
) -> Receipt:
    """The organisation's request to participate, received now; with ``replace`` it takes
    the place of the organisation's earlier request (files and declarations), which must have
    come through the portal. ``declared``: the requirements the organisation declares it meets
    (the others are declared not met)."""
    problems = ProblemCollector()
    check_files(files, problems)
    problems.raise_if_any()
    async with transaction():
        tender = await _for_request(tender_id)
        moment = clock.now()
        await require_requests_open(tender, moment)
        requirement_ids = {
            r["id"]
            for r in await Requirement.select(Requirement.id).where(Requirement.tender == tender_id)
        }
        unknown = sorted(set(declared) - requirement_ids)
        if unknown:
            raise NotFound(N_("Requirement {id} does not exist"), id=unknown[0])
        own = await _own(tender_id, organisation_id)
        request = await _request_of(own["id"]) if own else None
        if own is not None and (not replace or request is None):
            if request is not None:
                raise DomainError(
                    N_("{name} has already requested to participate: replace or withdraw it"),
                    name=organisation_name,
                )
            await require_new_candidate(tender_id, organisation_id, organisation_name)
        if own is None:
            row = Candidate(
                tender=tender_id,
                organisation=organisation_id,
                received_at=moment,
                contact=contact[:300],
                status="pending",
            )
            await row.save()
            candidate_id, version = int(row.id), 1
            await CandidateRequest(
                candidate=candidate_id,
                account_id=account_id,
                submitted_by=actor.label[:255],
                first_received_at=moment,
            ).save()
            action = "candidate.requested"
        else:
            assert request is not None
            candidate_id, version = int(own["id"]), int(request["version"]) + 1
            await _drop_files(candidate_id)
            await Declaration.delete().where(Declaration.candidate == candidate_id)
            await Candidate.update(
                {Candidate.received_at: moment, Candidate.contact: contact[:300]}
            ).where(Candidate.id == candidate_id)
            await CandidateRequest.update(
                {
                    CandidateRequest.version: version,
                    CandidateRequest.account_id: account_id,
                    CandidateRequest.submitted_by: actor.label[:255],
                }
            ).where(CandidateRequest.candidate == candidate_id)
            action = "candidate.request_replaced"
        received = await _seal(actor, tender_id, candidate_id, files, moment)
        if requirement_ids:
            await Declaration.insert(
                *[
                    Declaration(
                        candidate=candidate_id,
                        requirement=rid,
                        met=rid in declared,
                        declared_at=moment,
                    )
                    for rid in sorted(requirement_ids)
                ]
            )
        # Neither the files' names nor their content go into the log (readable before the
        # opening); their digests are the receipt's.
        await audit.record(
            actor,
            action,
            "tender",
            tender_id,
            after={
                "candidate": candidate_id,
                "organisation": organisation_name,
                "received_at": moment,
                "version": version,
                "files": [{"kind": f.kind, "size": f.size, "sha256": f.sha256} for f in received],
                "declared_met": sorted(set(declared)),
            },
        )
    return Receipt(tender_id, candidate_id, moment, tender.zone, version, received)


async def withdraw(
    actor: Actor, tender_id: int, organisation_id: int, organisation_name: str
) -> None:
    """The organisation takes its request back, before the requests deadline."""
    async with transaction():
        tender = await _for_request(tender_id)
        await require_requests_open(tender, clock.now(), WITHDRAW_LATE)
        own = await _own(tender_id, organisation_id)
        if own is None or await _request_of(own["id"]) is None:
            raise NotFound(N_("Your organisation has no request to participate in this tender"))
        await _drop_files(own["id"])
        await Candidate.delete().where(Candidate.id == own["id"])
        await audit.record(
            actor,
            "candidate.request_withdrawn",
            "tender",
            tender_id,
            before={"candidate": own["id"], "organisation": organisation_name},
        )


async def own_request(tender_id: int, organisation_id: int) -> dict[str, Any] | None:
    """The organisation's request on the tender as the portal shows it (status, receipt), or
    None. An officer-registered candidacy shows its status, without a receipt."""
    own = (
        await Candidate.select(
            Candidate.id,
            Candidate.status,
            Candidate.reason,
            Candidate.received_at,
            Candidate.decided_at,
        )
        .where((Candidate.tender == tender_id) & (Candidate.organisation == organisation_id))
        .first()
    )
    if own is None:
        return None
    request = await _request_of(own["id"])
    own["portal"] = request is not None
    own["version"] = request["version"] if request else 0
    own["first_received_at"] = request["first_received_at"] if request else None
    own["files"] = await (
        CandidateFile.select(CandidateFile.kind, CandidateFile.size, CandidateFile.sha256)
        .where(CandidateFile.candidate == own["id"])
        .order_by(CandidateFile.id)
    )
    own["declarations"] = {
        r["requirement"]: r["met"]
        for r in await Declaration.select(Declaration.requirement, Declaration.met).where(
            Declaration.candidate == own["id"]
        )
    }
    return own


# --- the officers' side -----------------------------------------------------------------------


async def portal_requests(principal: Principal, tender_id: int) -> dict[int, PortalRequest]:
    """The requests that came through the portal, by candidate (the others were registered by
    an officer). A file's name is given once the requests are opened."""
    await as_reader(principal, tender_id)
    rows = await CandidateRequest.select(
        CandidateRequest.all_columns(), CandidateRequest.candidate.received_at
    ).where(CandidateRequest.candidate.tender == tender_id)
    ids = [r["candidate"] for r in rows] or [0]
    files: dict[int, list[dict[str, Any]]] = {}
    for f in (
        await CandidateFile.select(
            CandidateFile.id,
            CandidateFile.candidate,
            CandidateFile.file,
            CandidateFile.kind,
            CandidateFile.size,
            CandidateFile.sha256,
            CandidateFile.sealed_name,
            CandidateFile.file.filename,
        )
        .where(CandidateFile.candidate.is_in(ids))
        .order_by(CandidateFile.id)
    ):
        f["sealed"] = f["sealed_name"] != ""
        f["filename"] = "" if f["sealed"] else f["file.filename"]
        files.setdefault(f["candidate"], []).append(f)
    declared: dict[int, dict[int, bool]] = {}
    for d in await Declaration.select(
        Declaration.candidate, Declaration.requirement, Declaration.met
    ).where(Declaration.candidate.is_in(ids)):
        declared.setdefault(d["candidate"], {})[d["requirement"]] = d["met"]
    return {
        r["candidate"]: PortalRequest(
            r["candidate"],
            r["submitted_by"],
            r["first_received_at"],
            r["candidate.received_at"],
            r["version"],
            r["opened_at"],
            tuple(files.get(r["candidate"], ())),
            declared.get(r["candidate"], {}),
        )
        for r in rows
    }


def may_open(tender: TenderRef, now: datetime) -> bool:
    """The requests are opened once the requests deadline has passed."""
    deadline = tender.row["deadline_requests"]
    return deadline is not None and now >= deadline and tender.phase is not Phase.DRAFT


async def open_requests(principal: Principal, tender_id: int) -> int:
    """Decrypt the sealed files of the requests received through the portal, now that the
    requests deadline has passed; returns how many were opened (0 when already done)."""
    async with transaction():
        tender = await for_change(principal, tender_id)
        now = clock.now()
        if not may_open(tender, now) or tender.phase is Phase.PUBLISHED:
            raise DomainError(
                N_("The requests to participate can be opened after their deadline, {deadline}"),
                deadline=local_text(tender.row["deadline_requests"], tender.zone)
                if tender.row["deadline_requests"]
                else "—",
            )
        sealed = await CandidateFile.select(
            CandidateFile.id,
            CandidateFile.candidate,
            CandidateFile.file,
            CandidateFile.kind,
            CandidateFile.sealed_name,
        ).where((CandidateFile.candidate.tender == tender_id) & (CandidateFile.sealed_name != ""))
        if not sealed:
            return 0
        key = await vault.data_key(tender_id)
        # Every file is opened before any is written: a seal that does not open leaves no
        # plain copy behind.
        opened = [(row, *await _open_file(tender_id, key, row)) for row in sealed]
        for row, filename, content_type, plain in opened:
            await storage.replace(row["file"], filename, content_type, plain)
            await CandidateFile.update({CandidateFile.sealed_name: ""}).where(
                CandidateFile.id == row["id"]
            )
        await CandidateRequest.update({CandidateRequest.opened_at: now}).where(
            CandidateRequest.candidate.is_in(sorted({row["candidate"] for row in sealed}))
        )
        await audit.record(
            principal.as_actor(),
            "candidate.requests_opened",
            "tender",
            tender_id,
            after={"files": len(sealed), "candidates": len({row["candidate"] for row in sealed})},
        )
        return len(sealed)


async def _open_file(tender_id: int, key: bytes, row: dict[str, Any]) -> tuple[str, str, bytes]:
    context = _context(tender_id, row["candidate"], row["kind"])
    filename, content_type = sealing.open_name(key, row["sealed_name"], context)
    _, data = await storage.read(row["file"])
    return filename, content_type, sealing.open_bytes(key, data, context)


async def candidate_file(
    principal: Principal, tender_id: int, candidate_id: int, file_id: int
) -> tuple[storage.FileInfo, AsyncIterator[bytes]]:
    """A file of a request to participate for the tender's readers, once opened; every
    attempt is audited, a refused one (still sealed) too."""
    await as_reader(principal, tender_id)
    row = (
        await CandidateFile.select(CandidateFile.kind, CandidateFile.sealed_name)
        .where(
            (CandidateFile.candidate == candidate_id)
            & (CandidateFile.file == file_id)
            & (CandidateFile.candidate.tender == tender_id)
        )
        .first()
    )
    if row is None:
        raise NotFound(N_("File {id} does not exist"), id=file_id)
    sealed = row["sealed_name"] != ""
    async with transaction():
        await audit.record(
            principal.as_actor(),
            "candidate.sealed_access_refused" if sealed else "candidate.file_downloaded",
            "tender",
            tender_id,
            after={"candidate": candidate_id, "file": file_id, "kind": row["kind"]},
        )
    if sealed:
        raise DomainError(N_("The requests to participate are sealed until an officer opens them"))
    return await storage.stream(file_id)
