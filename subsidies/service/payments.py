"""Payments, advances and instalments, and the settlement of a grant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from audit import service as audit
from common import clock
from common.errors import DomainError, NotFound, Problem, ProblemCollector, ValidationFailed
from common.i18n import N_
from common.identity import Principal
from common.localtime import utc_to_local
from common.money import read_amount
from config.database import transaction
from subsidies import access, letters
from subsidies.domain import (
    PAYMENT_STATUS_LABELS,
    settle,
)
from subsidies.lifecycle import Action, Refused, State
from subsidies.service.review import change_state, checked_step
from subsidies.service.rounds import ZERO, authority_row
from subsidies.tables import (
    Payment,
    Report,
)


@dataclass(frozen=True)
class PaymentView:
    id: int
    application_id: int
    reference: str
    organisation: str
    kind: str
    due_on: date
    amount: Decimal
    status: str
    paid_at: datetime | None


async def payments(
    principal: Principal, round_id: int, *, application_id: int | None = None, status: str = ""
) -> list[PaymentView]:
    await access.round_row(principal, round_id)
    where = Payment.application.round == round_id
    if application_id is not None:
        where &= Payment.application == application_id
    if status:
        where &= Payment.status == status
    rows = (
        await Payment.select(
            Payment.all_columns(),
            Payment.application.reference,
            Payment.application.organisation.name,
        )
        .where(where)
        .order_by(Payment.due_on, Payment.id)
    )
    return [
        PaymentView(
            r["id"],
            r["application"],
            r["application.reference"],
            r["application.organisation.name"],
            r["kind"],
            r["due_on"],
            r["amount"],
            r["status"],
            r["paid_at"],
        )
        for r in rows
    ]


PAYMENT_STEPS = {"approved": "scheduled", "paid": "approved"}


async def set_payment_status(principal: Principal, payment_id: int, status: str) -> None:
    """scheduled → approved → paid; the first payment made moves a grant to advance paid."""
    if status not in PAYMENT_STEPS:
        raise ValidationFailed(
            [
                Problem(
                    N_("{value} is not one of {allowed}"),
                    {"value": status, "allowed": "approved, paid"},
                    "status",
                )
            ]
        )
    async with transaction():
        payment = await Payment.select().where(Payment.id == payment_id).first()
        if payment is None:
            raise NotFound(N_("Payment {id} does not exist"), id=payment_id)
        try:
            application, round_ = await access.application_row(
                principal, payment["application"], run=True
            )
        except NotFound:
            raise NotFound(N_("Payment {id} does not exist"), id=payment_id) from None
        # read again under the application's lock: another officer may have just moved it
        payment = await Payment.select().where(Payment.id == payment_id).first()
        if payment is None:
            raise NotFound(N_("Payment {id} does not exist"), id=payment_id)
        if payment["status"] != PAYMENT_STEPS[status]:
            raise await audit.conflict(
                Refused(
                    N_("A payment that is {current} cannot become {status}"),
                    translated=("current", "status"),
                    current=PAYMENT_STATUS_LABELS[payment["status"]],
                    status=PAYMENT_STATUS_LABELS[status],
                ),
                "application",
                application["id"],
                actions=("payment.approved", "payment.paid"),
                about={"payment": payment_id},
            )
        if round_["acceptance_required"] and application["accepted_at"] is None:
            raise DomainError(
                N_(
                    "The round asks the applicant to accept the grant before it is paid;"
                    " {reference} has not been accepted yet"
                ),
                reference=application["reference"],
            )
        now = clock.now()
        column = Payment.approved_at if status == "approved" else Payment.paid_at
        await Payment.update({Payment.status: status, column: now}).where(Payment.id == payment_id)
        await audit.record(
            principal.as_actor(),
            f"payment.{status}",
            "application",
            application["id"],
            before={"payment": payment_id, "status": payment["status"]},
            after={
                "payment": payment_id,
                "status": status,
                "amount": payment["amount"],
                "due_on": payment["due_on"],
            },
        )
        if status == "paid" and State(application["state"]) in (
            State.GRANTED,
            State.PARTLY_GRANTED,
        ):
            target = await checked_step(application, Action.PAY_ADVANCE)
            await change_state(
                principal, application, target, Action.PAY_ADVANCE, note={"payment": payment_id}
            )


SETTLEMENT_REASONS_LIMIT = 4000


async def settle_application(
    principal: Principal,
    application_id: int,
    final_amount: Decimal | str,
    reasons: str = "",
) -> dict[str, Decimal]:
    """The final amount (at most the grant); payments not yet made are dropped, and what is
    still owed becomes one settlement payment, or the overpayment is to be reclaimed.
    ``reasons``: why the final amount is lower than the grant, one per line, for the
    settlement decision (Awb 3:46)."""
    problems = ProblemCollector()
    value = (
        final_amount
        if isinstance(final_amount, Decimal)
        else read_amount(problems, {"final_amount": final_amount}, "final_amount")
    )
    why = tuple(line.strip() for line in reasons.splitlines() if line.strip())
    if sum(len(line) for line in why) > SETTLEMENT_REASONS_LIMIT:
        problems.add("reasons", N_("At most {limit} characters"), limit=SETTLEMENT_REASONS_LIMIT)
    problems.raise_if_any()
    assert value is not None
    async with transaction():
        row, round_ = await access.application_row(principal, application_id, run=True)
        target = await checked_step(row, Action.SETTLE)
        paid = sum(
            (
                r["amount"]
                for r in await Payment.select(Payment.amount).where(
                    (Payment.application == application_id) & (Payment.status == "paid")
                )
            ),
            ZERO,
        )
        result = settle(row["granted"] or ZERO, value, paid)
        if result.final < result.granted and not why:
            raise ValidationFailed(
                [
                    Problem(
                        N_(
                            "Give the reasons why the final amount is lower than the grant: "
                            "the settlement decision must state them"
                        ),
                        {},
                        "reasons",
                    )
                ]
            )
        await Payment.delete().where(
            (Payment.application == application_id) & (Payment.status != "paid")
        )
        now = clock.now()
        if result.to_pay > 0:
            zone = (await authority_row(round_["authority"]))["timezone"]
            await Payment(
                application=application_id,
                kind="settlement",
                due_on=utc_to_local(now, zone).date(),
                amount=result.to_pay,
            ).save()
        await change_state(
            principal,
            row,
            target,
            Action.SETTLE,
            {
                "final_amount": result.final,
                "reclaim": result.reclaim,
                "to_pay": result.to_pay,
                "settled_at": now,
            },
            note={"paid": paid, "granted": result.granted, "reasons": list(why)},
        )
        await letters.write_settlement(
            principal.as_actor(), application_id, result.granted, result.final, paid, why
        )
        return {
            "final": result.final,
            "paid": paid,
            "reclaim": result.reclaim,
            "to_pay": result.to_pay,
        }


@dataclass(frozen=True)
class ReportView:
    id: int
    kind: str
    due_on: date
    final: bool
    received_at: datetime | None
    file: int | None = None  # sent by the applicant in the portal


async def reports(principal: Principal, application_id: int) -> list[ReportView]:
    await access.application_row(principal, application_id)
    rows = await Report.select().where(Report.application == application_id).order_by(Report.due_on)
    return [
        ReportView(r["id"], r["kind"], r["due_on"], r["final"], r["received_at"], r["file"])
        for r in rows
    ]
