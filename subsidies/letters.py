"""The letters of subsidy rounds: decision letters, settlement decisions, the evaluation report.

Decision letters are sent once per decided round (:func:`send_decision_letters`): a grant
decision for each application holding a grant (amount, period, payment schedule, reporting
duty, six weeks to object) and a refusal with its reason for every other one (ineligible,
below the minimum score, ceiling reached). They are rendered from the stored decision before
the transaction (a process pool for large rounds, off the event loop), then recorded as sent
under ("round", id) with their files, and mailed to each applicant whose email is known, in
one transaction. A settlement decision is written inside the settlement's own transaction
(:func:`write_settlement`), under ("application", id).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from audit import service as audit
from authorities.tables import Authority
from common import clock
from common.errors import DomainError, Problem
from common.i18n import N_
from common.identity import Actor, Principal
from common.jurisdictions import jurisdiction_for
from common.localtime import utc_to_local
from common.refs import SubjectRef
from config.database import transaction
from documents import storage
from documents.letters import bundle, reports
from documents.letters import service as letter_service
from documents.letters.kinds import (
    Addressee,
    CriterionScore,
    GrantDecision,
    Letter,
    LetterKind,
    Money,
    Procedure,
    Refusal,
    RefusalReason,
    Sender,
    SettlementDecision,
)
from documents.letters.kinds import (
    Payment as LetterPayment,
)
from documents.letters.present import day, money, number
from documents.letters.service import GeneratedLetter, SentLetter
from documents.letters.templates import letter_language
from jobs.domain import Message
from jobs.service import JobContext
from notifications.letters import LetterMail, mail_letters
from scoring import service as scoring
from scoring.letters import report_from_ranking, scores_by_ref
from subsidies import access
from subsidies.domain import PAYMENT_KIND_LABELS, REPORT_LABELS, LegalBasis, RoundPhase
from subsidies.lifecycle import HOLDING_A_GRANT, STATE_LABELS, State
from subsidies.tables import AllocationLine, Application, Payment, Report, SubsidyRound
from web.i18n import translations

ROUND = "round"
APPLICATION = "application"
PARALLEL_FROM = 1000  # rounds with this many letters render on every core
DECISION_KINDS = frozenset({LetterKind.GRANT, LetterKind.REFUSAL})
PAYMENT_LABELS = {**PAYMENT_KIND_LABELS, "settlement": N_("Settlement")}
ZERO = Decimal("0.00")
MONEY_PARAMS = frozenset({"amount", "maximum"})

# The allocation's reasons that make a refusal "below the minimum score" or "ineligible";
# any other refusal is for want of budget.
BELOW_MINIMUM_REASONS = frozenset(
    {"score {score} is below the minimum {minimum}", "no score", "not ranked"}
)
INELIGIBLE_REASONS = frozenset({"not complete"})


# The allocation's reasons (short notes for the officer's table) as the sentences a letter
# gives; None: not a reason worth a sentence (the grant itself says it).
LETTER_SENTENCES: dict[str, str | None] = {
    "granted": None,
    "granted in full": None,
    "every request fits; granted in full": None,
    "place {position} in the ranking": N_(
        "Your application was placed {position} in the ranking of the applications by their "
        "scores; the budget is granted in that order."
    ),
    "complete at {moment}": N_(
        "Your application was complete on {day} at {time}; applications are handled in the "
        "order in which they were complete."
    ),
    "complete on {day}, the day the budget ran out; drawn {number} of {count} in the lottery": N_(
        "Your application was complete on {day}, the day the budget ran out. The order of "
        "the applications complete that day was drawn by lot: yours was drawn {number} of "
        "{count}."
    ),
    "ceiling reached": N_(
        "The subsidy ceiling had been reached when your application's turn came."
    ),
    "granted what was left of the budget: {amount}": N_(
        "When your application's turn came, {amount} was left of the budget; we grant that amount."
    ),
    "does not fit in what is left of the budget: {amount}": N_(
        "The amount you applied for does not fit in what was left of the budget when your "
        "application's turn came ({amount})."
    ),
    "capped at the maximum per applicant {maximum}": N_(
        "The regulation grants at most {maximum} per applicant."
    ),
    "pro rata: {percent}% of {amount}, rounded down to the cent": N_(
        "Together the applications ask for more than the budget, so every applicant receives "
        "the same share: {percent}% of {amount}, rounded down to the cent."
    ),
    "score {score} is below the minimum {minimum}": N_(
        "Your application scored {score} points; the minimum for a subsidy is {minimum} points."
    ),
    "no score": N_("Your application has no score, so it could not be ranked."),
    "not ranked": N_("Your application was not included in the ranking."),
    "not complete": N_("Your application was not complete when the application window closed."),
}


def refusal_reason(reasons: Sequence[Problem]) -> RefusalReason:
    """The reason a refusal letter gives, from the allocation line's reasons."""
    messages = {p.message for p in reasons}
    if messages & INELIGIBLE_REASONS:
        return RefusalReason.INELIGIBLE
    if messages & BELOW_MINIMUM_REASONS:
        return RefusalReason.BELOW_MINIMUM
    return RefusalReason.CEILING_REACHED


def subject_ref(application_id: int) -> str:
    return f"application:{application_id}"


def round_code(row: Mapping[str, Any]) -> str:
    """How letters and the CLI name a round: its regulation's reference, else R<id>."""
    return row["regulation_reference"] or f"R{row['id']}"


def _problems(text: str) -> tuple[Problem, ...]:
    return tuple(Problem(r["message"], r["params"]) for r in json.loads(text or "[]"))


class RoundWriter:
    """What the letters of one round share: sender, procedure, day, language."""

    def __init__(self, round_: Mapping[str, Any], authority: Mapping[str, Any]) -> None:
        self.round = round_
        self.authority = authority
        self.language = letter_language(authority["language"])
        self.today = utc_to_local(clock.now(), authority["timezone"]).date()
        self.currency = round_["currency"]
        self.sender = Sender.of_authority(authority)
        self.law = jurisdiction_for(authority["country"])
        self.procedure = Procedure(title=round_["title"], reference=round_code(round_))
        self._ = translations(self.language).gettext

    def t(self, message: str, **params: Any) -> str:
        text = self._(message)
        return text.format(**params) if params else text

    def money(self, amount: Decimal | None) -> Money:
        return Money(amount if amount is not None else ZERO, self.currency)

    def reason(self, problem: Problem) -> str | None:
        """An allocation reason as a sentence in the letter's language (None: no reason to
        give), its amounts, numbers and days written the language's way ("€ 25.000,00",
        "3 februari 2022"), not "25,000.00" or "2022-02-03 10:05:00"."""
        sentence = LETTER_SENTENCES.get(problem.message, problem.message)
        if sentence is None:
            return None
        params = dict(problem.params)
        if "moment" in params:
            moment = datetime.fromisoformat(str(params.pop("moment")))
            params |= {"day": day(moment.date(), self.language), "time": moment.strftime("%H:%M")}
        elif "day" in params:
            params["day"] = day(date.fromisoformat(str(params["day"])), self.language)
        for name, value in params.items():
            if name in ("day", "time"):
                continue
            try:
                figure = Decimal(str(value).replace(",", ""))
            except ArithmeticError:
                continue
            params[name] = (
                money(self.money(figure), self.language)
                if name in MONEY_PARAMS
                else number(figure, self.language)
            )
        return Problem(sentence, params).text(self._)

    def reasons(self, problems: Sequence[Problem]) -> tuple[str, ...]:
        return tuple(text for p in problems if (text := self.reason(p)) is not None)

    def common(self, row: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "sender": self.sender,
            "date": self.today,
            "reference": row["reference"],
            "procedure": self.procedure,
            "addressee": addressee_of(row),
        }

    def activity(self, row: Mapping[str, Any]) -> str:
        return row["title"] or self.round["title"]

    def conditions(self) -> tuple[str, ...]:
        found = [
            self.t(
                N_(
                    "Spend the subsidy on the activities described in your "
                    "application, within the grant period."
                )
            )
        ]
        if self.round["regulation_name"]:
            found.insert(
                0,
                self.t(
                    N_("This grant is subject to {regulation}."),
                    regulation=self.round["regulation_name"],
                ),
            )
        found.append(self.t(N_("Tell us at once when the activities change or cannot take place.")))
        return tuple(found)

    def grant(
        self,
        row: Mapping[str, Any],
        line: Mapping[str, Any] | None,
        payments: Sequence[Mapping[str, Any]],
        due: Sequence[Mapping[str, Any]],
    ) -> GrantDecision:
        granted = row["granted"] or ZERO
        partly = (
            ()
            if granted >= row["requested"] or line is None
            else self.reasons(_problems(line["reasons"]))
        )
        finals = [r for r in due if r["final"]] or list(due)
        report_due = max((r["due_on"] for r in finals), default=None)
        kinds = list(dict.fromkeys(r["kind"] for r in finals))
        reporting = "; ".join(self.t(REPORT_LABELS[k]) for k in kinds if k in REPORT_LABELS)
        return GrantDecision(
            **self.common(row),
            activity=self.activity(row),
            requested=self.money(row["requested"]),
            granted=self.money(granted),
            period_start=self.round["period_start"],
            period_end=self.round["period_end"],
            reasons_partly=partly,
            conditions=self.conditions(),
            payments=tuple(
                LetterPayment(
                    p["due_on"],
                    self.money(p["amount"]),
                    self.t(PAYMENT_LABELS.get(p["kind"], p["kind"])),
                )
                for p in payments
            ),
            reporting=reporting
            or self.t(
                N_("No settlement report is needed: the subsidy is settled at the granted amount.")
            ),
            report_due=report_due,
            legal_basis=self.legal_basis(),
        )

    def legal_basis(self) -> str:
        """The article(s) and regulation the round's decisions rest on, as the letter cites
        them: "artikel 4 van de Subsidieregeling dagbesteding 2027"; without them only the
        round's regulation ("de Nadere regel Sociale Prestatie"), or nothing."""
        regulation, articles = self.round["basis_regulation"], self.round["basis_articles"]
        if regulation and articles:
            several = LegalBasis(regulation, articles).several
            return self.t(
                N_("articles {articles} of the {regulation}")
                if several
                else N_("article {articles} of the {regulation}"),
                articles=articles,
                regulation=regulation,
            )
        if self.round["regulation_name"]:
            return self.t(N_("the {regulation}"), regulation=self.round["regulation_name"])
        return ""

    def refusal(
        self,
        row: Mapping[str, Any],
        line: Mapping[str, Any] | None,
        scores: tuple[CriterionScore, ...] = (),
    ) -> Refusal:
        """``scores``: the application's scores per criterion where the round was ranked
        by the review; an application refused as ineligible was never scored."""
        if line is None or row["state"] == State.INELIGIBLE.value:
            reason, details = (
                RefusalReason.INELIGIBLE,
                tuple(d.strip() for d in (row["state_reason"] or "").split(";") if d.strip()),
            )
            score, scores = None, ()
        else:
            problems = _problems(line["reasons"])
            reason, details = refusal_reason(problems), self.reasons(problems)
            score = line["score"]
        return Refusal(
            **self.common(row),
            activity=self.activity(row),
            requested=self.money(row["requested"]),
            reason=reason,
            details=details,
            score=score,
            minimum_score=self.round["minimum_score"],
            ceiling=self.money(self.round["ceiling"]),
            scores=scores,
            legal_basis=self.legal_basis(),
        )

    def mail(self, letter: SentLetter, row: Mapping[str, Any]) -> LetterMail:
        return LetterMail(
            letter,
            row["contact_email"],
            row["contact_name"] or row["organisation.name"],
            self.language,
            self.round["title"],
            self.authority["name"],
            addressee_of(row).worded(self.language)["greeting"],
        )


def addressee_of(row: Mapping[str, Any]) -> Addressee:
    """The applicant, its contact the application's (else the organisation's). The contact is
    greeted by name only when the organisation's salutation is that of this very person."""
    address = tuple(
        line.strip() for line in (row["organisation.address"] or "").splitlines() if line.strip()
    )
    known = row["organisation.contact_name"] or ""
    contact = row["contact_name"] or known
    same = " ".join(contact.split()).casefold() == " ".join(known.split()).casefold()
    return Addressee(
        name=row["organisation.name"],
        contact_person=contact,
        address=address,
        email=row["contact_email"],
        registration_number=row["organisation.registration_number"],
        form_of_address=row["organisation.contact_form_of_address"] if same else "",
        surname=row["organisation.contact_surname"] if same else "",
    )


APPLICATION_COLUMNS = (
    Application.id,
    Application.reference,
    Application.title,
    Application.contact_name,
    Application.contact_email,
    Application.requested,
    Application.granted,
    Application.state,
    Application.state_reason,
    Application.organisation.name,
    Application.organisation.address,
    Application.organisation.registration_number,
    Application.organisation.contact_name,
    Application.organisation.contact_form_of_address,
    Application.organisation.contact_surname,
)


async def _authority(authority_id: int) -> dict[str, Any]:
    row = await Authority.select().where(Authority.id == authority_id).first()
    assert row is not None, "a round's authority exists (restrict on delete)"
    return row


def _grouped(rows: Iterable[Mapping[str, Any]]) -> dict[int, list[Mapping[str, Any]]]:
    grouped: dict[int, list[Mapping[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["application"], []).append(row)
    return grouped


async def _decision_letters(
    principal: Principal, writer: RoundWriter
) -> tuple[list[tuple[str, Letter]], dict[str, Mapping[str, Any]]]:
    """(ref, letter) for every decided or ineligible application, and the rows by ref."""
    round_id = writer.round["id"]
    evaluation_id = writer.round["evaluation_id"]
    scores = (
        {}
        if evaluation_id is None
        else scores_by_ref(
            await scoring.ranking(principal, evaluation_id, explain=None), writer.language
        )
    )
    holding = [s.value for s in HOLDING_A_GRANT]
    rows = (
        await Application.select(*APPLICATION_COLUMNS)
        .where(
            (Application.round == round_id)
            & Application.state.is_in([*holding, State.REFUSED.value, State.INELIGIBLE.value])
        )
        .order_by(Application.reference)
    )
    lines = {
        r["application"]: r
        for r in await AllocationLine.select(
            AllocationLine.application, AllocationLine.score, AllocationLine.reasons
        ).where(AllocationLine.round == round_id)
    }
    payments = _grouped(
        await Payment.select(Payment.application, Payment.kind, Payment.due_on, Payment.amount)
        .where(Payment.application.round == round_id)
        .order_by(Payment.due_on, Payment.id)
    )
    due = _grouped(
        await Report.select(Report.application, Report.kind, Report.due_on, Report.final)
        .where(Report.application.round == round_id)
        .order_by(Report.due_on)
    )
    pairs: list[tuple[str, Letter]] = []
    by_ref: dict[str, Mapping[str, Any]] = {}
    for row in rows:
        ref = subject_ref(row["id"])
        by_ref[ref] = row
        line = lines.get(row["id"])
        if row["state"] in holding:
            pairs.append(
                (ref, writer.grant(row, line, payments.get(row["id"], []), due.get(row["id"], [])))
            )
        else:
            pairs.append((ref, writer.refusal(row, line, scores.get(ref, ()))))
    return pairs, by_ref


def _render_all(
    templates: bundle.Templates,
    pairs: list[tuple[str, Letter]],
    language: str,
    rendered: Callable[[int], None] | None = None,
) -> list[GeneratedLetter]:
    """Every letter rendered (on every core for large rounds), named after the addressee and
    the application's reference: ``grant-stichting-de-linde-r12-0003.docx``. ``rendered``
    is told how many are done as they come."""
    render = bundle.letters_in_parallel if len(pairs) >= PARALLEL_FROM else bundle.letters_for
    found: list[GeneratedLetter] = []
    for (_, letter), generated in zip(pairs, render(templates, pairs, language), strict=True):
        found.append(dataclasses.replace(generated, filename=bundle.letter_filename(letter)))
        if rendered is not None:
            rendered(len(found))
    return found


async def _decision_letters_sent(round_id: int) -> bool:
    return any(s.kind in DECISION_KINDS for s in await letter_service.sent_letters(ROUND, round_id))


async def check_can_send(
    principal: Principal, round_id: int, *, lock: bool = True
) -> dict[str, Any]:
    """The round, when its decision letters may be sent now (by this user). With ``lock``
    (the default; inside a transaction) the round stays locked until it ends, so that two
    senders at once are told one after the other, and the second finds the letters sent."""
    row = await access.round_row(principal, round_id, run=True, lock=lock)
    if row["phase"] != RoundPhase.DECIDED.value:
        raise DomainError(N_("Decide the round first: the letters state the decision"))
    if await _decision_letters_sent(round_id):
        raise await audit.conflict(
            DomainError(N_("The decision letters of this round have already been sent")),
            "subsidy_round",
            round_id,
            actions=("round.letters_sent",),
        )
    return row


async def send_decision_letters(
    principal: Principal, round_id: int, job: JobContext | None = None
) -> list[LetterView]:
    """Write, record and mail the decision letters of a decided round, once. As a job
    (``job``), rendering reports its progress and the job is marked done in the transaction
    that records the letters."""
    row = await check_can_send(principal, round_id, lock=False)  # before the long rendering
    writer = RoundWriter(row, await _authority(row["authority"]))
    pairs, by_ref = await _decision_letters(principal, writer)
    if not pairs:
        raise DomainError(N_("No application of this round has a decision to send"))
    templates = await letter_service.templates_for(
        row["authority"],
        [(LetterKind.GRANT, writer.language), (LetterKind.REFUSAL, writer.language)],
    )
    if job is not None:
        job.progress(0, len(pairs))
    generated = await asyncio.to_thread(
        _render_all, templates, pairs, writer.language, job.progress if job is not None else None
    )
    actor = principal.as_actor()
    async with transaction():
        await check_can_send(principal, round_id)  # locked: perhaps sent by someone meanwhile
        sent = await letter_service.record_sent(actor, ROUND, round_id, generated, keep=True)
        queued = await mail_letters(
            actor, ROUND, round_id, [writer.mail(s, by_ref[s.ref]) for s in sent]
        )
        await audit.record(
            actor,
            "round.letters_sent",
            "subsidy_round",
            round_id,
            after={
                "grant": sum(1 for s in sent if s.kind is LetterKind.GRANT),
                "refusal": sum(1 for s in sent if s.kind is LetterKind.REFUSAL),
                "mailed": queued,
            },
        )
        if job is not None:
            await job.finish(
                Message(N_("{count} decision letters have been sent."), {"count": len(sent)})
            )
    return [_view(s) for s in sent]


async def write_settlement(
    actor: Actor,
    application_id: int,
    granted: Decimal,
    final: Decimal,
    paid: Decimal,
    reasons: tuple[str, ...] = (),
) -> SentLetter:
    """The settlement decision of one application, recorded and mailed; call it inside the
    settlement's transaction (after the application and its payments are updated)."""
    [row] = await Application.select(*APPLICATION_COLUMNS, Application.round).where(
        Application.id == application_id
    )
    round_ = await SubsidyRound.select().where(SubsidyRound.id == row["round"]).first()
    assert round_ is not None
    writer = RoundWriter(round_, await _authority(round_["authority"]))
    letter = SettlementDecision(
        **writer.common(row),
        activity=writer.activity(row),
        granted=writer.money(granted),
        final_amount=writer.money(final),
        paid=writer.money(paid),
        payment_due=None if final == paid else writer.law.payment_last_day(writer.today),
        legal_basis=writer.legal_basis(),
        considerations=reasons,
    )
    templates = await letter_service.templates_for(
        round_["authority"], [(LetterKind.SETTLEMENT, writer.language)]
    )
    [generated] = await asyncio.to_thread(
        _render_all, templates, [(subject_ref(application_id), letter)], writer.language
    )
    [sent] = await letter_service.record_sent(actor, APPLICATION, application_id, [generated])
    await mail_letters(actor, APPLICATION, application_id, [writer.mail(sent, row)])
    return sent


# --- reading and downloading ----------------------------------------------------------------


@dataclass(frozen=True)
class LetterView:
    """A letter sent, as the pages and the API list it."""

    file_id: int | None
    filename: str
    kind: LetterKind
    addressee: str
    application_id: int | None
    sha256: str
    size: int
    sent_at: datetime  # UTC


def _view(letter: SentLetter) -> LetterView:
    application_id = (
        SubjectRef.parse(letter.ref).id if letter.ref.startswith("application:") else None
    )
    return LetterView(
        letter.file_id,
        letter.filename,
        letter.kind,
        letter.addressee,
        application_id,
        letter.sha256,
        letter.size,
        letter.sent_at,
    )


async def _round_letters(round_id: int) -> list[LetterView]:
    """The round's decision letters, then the settlement decisions of its applications."""
    found = [_view(s) for s in await letter_service.sent_letters(ROUND, round_id)]
    settled = (
        await Application.select(Application.id)
        .where((Application.round == round_id) & Application.settled_at.is_not_null())
        .order_by(Application.settled_at)
    )
    for row in settled:
        found.extend(_view(s) for s in await letter_service.sent_letters(APPLICATION, row["id"]))
    return found


async def round_letters(principal: Principal, round_id: int) -> list[LetterView]:
    await access.round_row(principal, round_id)
    return await _round_letters(round_id)


async def application_letters(principal: Principal, application_id: int) -> list[LetterView]:
    row, _ = await access.application_row(principal, application_id)
    return await _application_letters(row)


async def _application_letters(row: Mapping[str, Any]) -> list[LetterView]:
    ref = subject_ref(row["id"])
    return [
        *(_view(s) for s in await letter_service.sent_letters(ROUND, row["round"]) if s.ref == ref),
        *(_view(s) for s in await letter_service.sent_letters(APPLICATION, row["id"])),
    ]


async def read_round_letter(
    principal: Principal,
    round_id: int,
    file_id: int,
) -> tuple[storage.FileInfo, bytes]:
    return await bundle.read_stored(await round_letters(principal, round_id), file_id)


async def read_application_letter(
    principal: Principal,
    application_id: int,
    file_id: int,
) -> tuple[storage.FileInfo, bytes]:
    return await bundle.read_stored(await application_letters(principal, application_id), file_id)


def zip_of(letters: Sequence[LetterView], pdf: bool = False) -> AsyncIterator[bytes]:
    """The letters as one zip, streamed as it is built; PDF only where LibreOffice is."""
    if pdf:
        bundle.require_pdf()
    return bundle.zip_stream_async(bundle.stored_files(letters, pdf))


async def round_zip_name(principal: Principal, round_id: int, pdf: bool = False) -> str:
    row = await access.round_row(principal, round_id)
    return storage.safe_filename(f"letters-{round_code(row)}{'-pdf' if pdf else ''}.zip")


async def letters_of_round(
    reference: str,
    pdf: bool = False,
) -> list[tuple[str, bytes]] | None:
    """For the CLI: the stored letters of the round named ``reference`` (its regulation
    reference, or R<id>) as (filename, data), converted to PDF with ``pdf`` (LibreOffice);
    None when there is no such round."""
    wanted = reference.strip()
    row = None
    if wanted[:1] in ("R", "r") and wanted[1:].isdigit():
        row = (
            await SubsidyRound.select(SubsidyRound.id)
            .where(SubsidyRound.id == int(wanted[1:]))
            .first()
        )
    if row is None and wanted:
        row = (
            await SubsidyRound.select(SubsidyRound.id)
            .where(SubsidyRound.regulation_reference == wanted)
            .order_by(SubsidyRound.id, ascending=False)
            .first()
        )
    if row is None:
        return None
    return [item async for item in bundle.stored_files(await _round_letters(row["id"]), pdf)]


# --- the evaluation report ------------------------------------------------------------------


async def evaluation_report(principal: Principal, round_id: int) -> tuple[str, bytes]:
    """The evaluation report of a scored round (.docx), with the decision's amounts."""
    row = await access.round_row(principal, round_id)
    if row["evaluation_id"] is None:
        raise DomainError(N_("This round was not scored: it has no evaluation report"))
    writer = RoundWriter(row, await _authority(row["authority"]))
    ranking = await scoring.ranking(principal, row["evaluation_id"], explain=None)
    tree = await scoring.criteria(principal, row["evaluation_id"])
    report = report_from_ranking(
        ranking,
        tree,
        authority=writer.authority["name"],
        procedure=writer.procedure,
        on=writer.today,
        language=writer.language,
        decision=await _decision(writer),
    )
    data = await asyncio.to_thread(reports.evaluation_report, report, writer.language)
    return storage.safe_filename(f"evaluation-report-{round_code(row)}.docx"), data


async def _decision(writer: RoundWriter) -> tuple[str, ...]:
    if writer.round["decided_at"] is None:
        return ()
    rows = (
        await Application.select(
            Application.reference,
            Application.organisation.name,
            Application.state,
            Application.granted,
        )
        .where((Application.round == writer.round["id"]) & Application.decided_at.is_not_null())
        .order_by(Application.reference)
    )
    lines = []
    total = ZERO
    for r in rows:
        if r["state"] == State.REFUSED.value:
            lines.append(
                writer.t(
                    N_("{reference} {name}: refused"),
                    reference=r["reference"],
                    name=r["organisation.name"],
                )
            )
            continue
        total += r["granted"] or ZERO
        lines.append(
            writer.t(
                N_("{reference} {name}: {state}, {amount}"),
                reference=r["reference"],
                name=r["organisation.name"],
                state=writer.t(STATE_LABELS[State(r["state"])]).lower(),
                amount=money(writer.money(r["granted"]), writer.language),
            )
        )
    lines.append(
        writer.t(
            N_("Granted in total: {amount} of the ceiling {ceiling}"),
            amount=money(writer.money(total), writer.language),
            ceiling=money(writer.money(writer.round["ceiling"]), writer.language),
        )
    )
    return tuple(lines)
