"""The tenders context's tables. Foreign keys point within tenders or to shared contexts only.

Scoring evaluations are referenced by id (``evaluation_id``), not by foreign key: the engine is
another context and knows its owners only by ``owner_ref``.
"""

from decimal import Decimal

from piccolo.columns import (
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from accounts.tables import User
from authorities.tables import Authority, ServiceType
from documents.tables import StoredFile
from organisations.tables import Organisation


class Tender(Table, tablename="tenders_tender"):
    title = Varchar(length=200)
    reference = Varchar(length=60, index=True)
    description = Text(default="")
    procedure = Varchar(length=30)
    phase = Varchar(length=20, index=True)
    lead_authority = ForeignKey(references=Authority, on_delete=OnDelete.restrict, index=True)
    service_type = ForeignKey(
        references=ServiceType, null=True, default=None, on_delete=OnDelete.restrict
    )
    cpv_codes = Varchar(length=300, default="")
    currency = Varchar(length=3)
    estimated_value = Numeric(digits=(14, 2), null=True, default=None)
    budget_line = Varchar(length=100, default="")  # finance's budget line, "6.1.2 Wmo dagbesteding"
    contract_start = Date(null=True, default=None)
    contract_end = Date(null=True, default=None)
    extension_options = Text(default="")
    max_candidates = Integer(null=True, default=None)
    two_envelope = Boolean(default=False)
    electronic_submission = Boolean(default=True)
    lead_officer = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    deadline_requests = Timestamptz(null=True, default=None)
    deadline_questions = Timestamptz(null=True, default=None)
    deadline_bids = Timestamptz(null=True, default=None)
    published_at = Timestamptz(null=True, default=None)
    invited_at = Timestamptz(null=True, default=None)
    opened_at = Timestamptz(null=True, default=None)
    decisions_sent_at = Timestamptz(null=True, default=None)
    standstill_ends_at = Timestamptz(null=True, default=None)
    awarded_at = Timestamptz(null=True, default=None)
    closed_reason = Text(default="")
    selection_evaluation_id = Integer(null=True, default=None)
    phase_changed_at = Timestamptz()  # when the phase was changed (applied)
    # When a deadline-driven change was due (earlier than phase_changed_at when it was caught
    # up after downtime); None for a change someone made.
    phase_due_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz(index=True)
    # Marked "not published" in open data by an officer, with the reason (audited): the
    # open-data endpoints and exports leave the tender out while this is set.
    open_data_withheld_at = Timestamptz(null=True, default=None)
    open_data_withheld_reason = Text(default="")


class TenderAuthority(Table, tablename="tenders_authority"):
    """A contracting authority of a (joint) procurement with its share in percent."""

    tender = ForeignKey(references=Tender, on_delete=OnDelete.cascade, index=True)
    authority = ForeignKey(references=Authority, on_delete=OnDelete.restrict, index=True)
    share = Numeric(digits=(5, 2), default=Decimal(100))


class Lot(Table, tablename="tenders_lot"):
    tender = ForeignKey(references=Tender, on_delete=OnDelete.cascade, index=True)
    number = Integer()
    title = Varchar(length=200)
    description = Text(default="")
    winners = Integer(default=1)
    estimated_value = Numeric(digits=(14, 2), null=True, default=None)
    evaluation_id = Integer(null=True, default=None)
    intent_at = Timestamptz(null=True, default=None)
    intent_deviates = Boolean(default=False)
    intent_reason = Text(default="")
    # The officer's description of the characteristics and relative advantages of the winning
    # bid(s), given in every rejection (Aanbestedingswet art. 2.130).
    intent_advantages = Text(default="")
    # Declared unsuccessful (no valid bid, or none the authority can accept): out of the
    # ranking and the award; the rest of the tender goes on.
    unsuccessful_at = Timestamptz(null=True, default=None)
    unsuccessful_reason = Text(default="")


class TenderDocument(Table, tablename="tenders_document"):
    """One version of a tender document; a new version keeps the older ones."""

    tender = ForeignKey(references=Tender, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=200)
    version = Integer(default=1)
    file = ForeignKey(references=StoredFile, on_delete=OnDelete.restrict)
    uploaded_at = Timestamptz()
    uploaded_by = Varchar(length=255)


class Candidate(Table, tablename="tenders_candidate"):
    """An organisation that asked to participate (preselection)."""

    tender = ForeignKey(references=Tender, on_delete=OnDelete.cascade, index=True)
    # indexed: the portal reads an organisation's candidacies (its inbox, its pages)
    organisation = ForeignKey(references=Organisation, on_delete=OnDelete.restrict, index=True)
    received_at = Timestamptz()
    contact = Varchar(length=300, default="")
    status = Varchar(length=20, default="pending")  # pending, admitted, rejected, dropped
    reason = Text(default="")
    decided_at = Timestamptz(null=True, default=None)


class CandidateRequest(Table, tablename="tenders_candidate_request"):
    """A request to participate that the candidate submitted itself, through the portal (an
    officer-registered candidate has none): the portal account (by id and as the audit names
    it, ``portal:<email>``; tenders do not know the portal's tables), when it came first, how
    often it was replaced, and when an officer opened its sealed files (None: still sealed)."""

    candidate = ForeignKey(references=Candidate, on_delete=OnDelete.cascade, unique=True)
    account_id = Integer()
    submitted_by = Varchar(length=255)
    first_received_at = Timestamptz()
    version = Integer(default=1)
    opened_at = Timestamptz(null=True, default=None)


class CandidateFile(Table, tablename="tenders_candidate_file"):
    """A file of a request to participate: "document" or "espd" (the UEA/ESPD). Sealed like a
    bid file (tenders.vault) until the requests are opened: ``file`` holds the encrypted content
    named "sealed" and ``sealed_name`` the encrypted name and type; the opening replaces them by
    the plain file and empties ``sealed_name``. ``sha256`` and ``size`` are those of the content
    as received (the receipt)."""

    candidate = ForeignKey(references=Candidate, on_delete=OnDelete.cascade, index=True)
    file = ForeignKey(references=StoredFile, on_delete=OnDelete.restrict)
    kind = Varchar(length=10, default="document")
    sealed_name = Text(default="")
    sha256 = Varchar(length=64)
    size = Integer()
    received_at = Timestamptz()


class Requirement(Table, tablename="tenders_requirement"):
    """An exclusion ground or a suitability requirement, assessed pass/fail per candidate."""

    tender = ForeignKey(references=Tender, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=20)  # exclusion, suitability
    name = Varchar(length=300)


class Assessment(Table, tablename="tenders_assessment"):
    candidate = ForeignKey(references=Candidate, on_delete=OnDelete.cascade, index=True)
    requirement = ForeignKey(references=Requirement, on_delete=OnDelete.cascade)
    passed = Boolean()
    note = Text(default="")


class Declaration(Table, tablename="tenders_declaration"):
    """What a candidate declared of a requirement in its request to participate (through the
    portal): that it meets it or not; the officer assesses it beside the declaration."""

    candidate = ForeignKey(references=Candidate, on_delete=OnDelete.cascade, index=True)
    requirement = ForeignKey(references=Requirement, on_delete=OnDelete.cascade)
    met = Boolean()
    declared_at = Timestamptz()


class DialogueRound(Table, tablename="tenders_dialogue_round"):
    tender = ForeignKey(references=Tender, on_delete=OnDelete.cascade, index=True)
    number = Integer()
    topic = Varchar(length=300)


class DialogueSession(Table, tablename="tenders_dialogue_session"):
    round = ForeignKey(references=DialogueRound, on_delete=OnDelete.cascade, index=True)
    candidate = ForeignKey(references=Candidate, on_delete=OnDelete.cascade)
    held_at = Timestamptz()
    attendees = Text(default="")
    minutes = Text(default="")
    file = ForeignKey(references=StoredFile, null=True, default=None, on_delete=OnDelete.restrict)


class Question(Table, tablename="tenders_question"):
    """A clarification question; published (Nota van Inlichtingen) without the asker."""

    tender = ForeignKey(references=Tender, on_delete=OnDelete.cascade, index=True)
    number = Integer()
    asked_at = Timestamptz()
    asker = Varchar(length=300)
    question = Text()
    answer = Text(default="")
    answered_at = Timestamptz(null=True, default=None)
    # Asked by a supplier through the portal: its organisation (never published).
    organisation = ForeignKey(
        references=Organisation, on_delete=OnDelete.restrict, null=True, default=None, index=True
    )


class TenderKey(Table, tablename="tenders_key"):
    """A tender's key pair for sealing its bids (tenders.sealing): the public key seals; the
    private key (the data key) is kept only wrapped by the master key that lives outside the
    database, and ``fingerprint`` names that master key."""

    tender = ForeignKey(references=Tender, on_delete=OnDelete.cascade, unique=True)
    public_key = Varchar(length=64)
    wrapped = Text()
    fingerprint = Varchar(length=64)
    created_at = Timestamptz()


class Bid(Table, tablename="tenders_bid"):
    """A bid on one lot. Price and files are sealed until the opening; with two envelopes the
    price (and the price documents) until the prices are opened (see scoring.envelope).

    Sealed means encrypted at rest (tenders.sealing): until its envelope is opened the price is
    only in ``sealed_price`` (``price`` is empty); the opening decrypts it into ``price``.
    ``paper_reason``: an officer registered a bid received on paper, and why (empty for a
    bid the supplier submitted).

    ``submitted_by_account``: the portal account (``portal.tables.PortalAccount``) that
    submitted the bid for its organisation, None for a bid an officer registered; an id and
    ``submitted_by`` (its name and email as they were) rather than a foreign key, since the
    portal builds on tenders and not the other way round."""

    tender = ForeignKey(references=Tender, on_delete=OnDelete.cascade, index=True)
    lot = ForeignKey(references=Lot, on_delete=OnDelete.cascade, index=True)
    # indexed: the portal reads an organisation's bids (its inbox, its pages)
    organisation = ForeignKey(references=Organisation, on_delete=OnDelete.restrict, index=True)
    received_at = Timestamptz()
    price = Numeric(digits=(14, 2), null=True, default=None)
    sealed_price = Text(default="")
    registered_by = Varchar(length=255)
    paper_reason = Text(default="")
    submitted_by_account = Integer(null=True, default=None, index=True)
    submitted_by = Varchar(length=255, default="")
    withdrawn_at = Timestamptz(null=True, default=None)
    withdrawn_reason = Text(default="")
    winner = Boolean(default=False)


class BidFile(Table, tablename="tenders_bid_file"):
    """A document of a bid, in its envelope: "quality" (opened at the bid opening) or "price"
    (with two envelopes: opened with the prices; see scoring.envelope).

    While sealed, ``file`` holds the encrypted content under the name "sealed" and
    ``sealed_name`` the encrypted name and type; the opening replaces it by the decrypted file
    and empties ``sealed_name``.

    ``sha256`` and ``size``: of the content as received (before sealing), for the bidder's
    receipt; not secret (empty for files registered before receipts existed)."""

    bid = ForeignKey(references=Bid, on_delete=OnDelete.cascade, index=True)
    file = ForeignKey(references=StoredFile, on_delete=OnDelete.restrict)
    envelope = Varchar(length=10, default="quality")
    sealed_name = Text(default="")
    sha256 = Varchar(length=64, default="")
    size = BigInt(default=0)


class OpeningApproval(Table, tablename="tenders_opening_approval"):
    """One officer's part in opening the bids (four eyes: two different officers)."""

    tender = ForeignKey(references=Tender, on_delete=OnDelete.cascade, index=True)
    officer = ForeignKey(references=User, on_delete=OnDelete.restrict)
    approved_at = Timestamptz()


class Objection(Table, tablename="tenders_objection"):
    tender = ForeignKey(references=Tender, on_delete=OnDelete.cascade, index=True)
    lot = ForeignKey(references=Lot, null=True, default=None, on_delete=OnDelete.cascade)
    objector = Varchar(length=300)
    received_at = Timestamptz()
    grounds = Text()
    resolved_at = Timestamptz(null=True, default=None)
    resolution = Text(default="")


class Contract(Table, tablename="tenders_contract"):
    tender = ForeignKey(references=Tender, on_delete=OnDelete.cascade, index=True)
    lot = ForeignKey(references=Lot, on_delete=OnDelete.cascade)
    bid = ForeignKey(references=Bid, on_delete=OnDelete.restrict)
    organisation = ForeignKey(references=Organisation, on_delete=OnDelete.restrict)
    value = Numeric(digits=(14, 2))
    currency = Varchar(length=3)
    start = Date()
    end = Date()
    signed_on = Date()


TABLES = [
    Tender,
    TenderAuthority,
    Lot,
    TenderDocument,
    Candidate,
    CandidateRequest,
    CandidateFile,
    Requirement,
    Assessment,
    Declaration,
    DialogueRound,
    DialogueSession,
    Question,
    TenderKey,
    Bid,
    BidFile,
    OpeningApproval,
    Objection,
    Contract,
]
