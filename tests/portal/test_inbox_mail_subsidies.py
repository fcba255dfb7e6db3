"""A subsidy decision letter reaches the applicant's portal members too: the mail names the
round and links to the inbox, which lists the letter."""

from __future__ import annotations

from documents.letters.kinds import LetterKind
from documents.letters.service import GeneratedLetter, record_sent
from notifications.tables import OutboxMessage
from organisations.tables import Organisation
from portal.service import accounts as portal_accounts
from portal.tables import PortalAccount, PortalMembership
from tests.portal.support import portal_sign_in, register_and_verify
from tests.subsidies.conftest import APPLICANTS, Setup, fixed_clock, imported, setup  # noqa: F401
from tests.support.http import text_of


async def test_a_grant_letter_is_mailed_to_the_applicants_members(
    setup: Setup,  # noqa: F811 - the fixture imported above
    client_factory,
) -> None:
    ids = await imported(setup)
    name, number = APPLICANTS[0][0], APPLICANTS[0][1]
    async with client_factory() as client:
        await register_and_verify(client, "els@mantelzorg.example", number, name)
    [org] = await Organisation.select(Organisation.id).where(
        Organisation.registration_number == number
    )
    [account] = await PortalAccount.select(PortalAccount.id).where(
        PortalAccount.email == "els@mantelzorg.example"
    )
    [membership] = await PortalMembership.select(PortalMembership.id).where(
        PortalMembership.account == account["id"]
    )
    await portal_accounts.decide_as_officer(
        setup.officer, org["id"], membership["id"], True, "member"
    )
    [sent] = await record_sent(
        setup.officer.as_actor(),
        "round",
        setup.round_id,
        [
            GeneratedLetter(
                "toekenning.docx",
                LetterKind.GRANT,
                "nl",
                name,
                f"application:{ids[name]}",
                b"PK\x03\x04 EUR 40.000 toegekend",
            )
        ],
    )
    [mail] = await OutboxMessage.select().where(OutboxMessage.kind == "portal_inbox")
    assert mail["recipient"] == "els@mantelzorg.example"
    assert f"/portal/inbox#letter-{sent.file_id}" in mail["body"]
    assert "40.000" not in mail["body"]
    async with client_factory() as els:
        await portal_sign_in(els, "els@mantelzorg.example")
        inbox = text_of((await els.get("/portal/inbox")).text)
    assert "toekenning.docx" in inbox
