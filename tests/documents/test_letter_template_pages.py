"""Administrators replace letter templates per authority: pages, API, audit, refusals."""

from __future__ import annotations

import io
import json

import pytest
from docx import Document

from audit.tables import AuditEvent
from common.errors import ValidationFailed
from documents import office
from documents.letters import service
from documents.letters.kinds import LetterKind
from documents.letters.templates import default_template
from documents.tables import LetterTemplate, StoredFile
from tests.documents.letters_support import docx_text
from tests.support.fixtures import SETUP
from tests.support.http import csrf_token, post_form, sign_in, text_of

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def letterhead(*lines: str) -> bytes:
    document = Document()
    document.sections[0].header.paragraphs[0].text = "Gemeente Wrocław — {{ sender.name }}"
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


GOOD = ("Dear {{ addressee.name }},", "We grant {{ granted }}.", "{{ sender.signatory }}")
BROKEN = ("Dear {{ adressee.name }},", "We grant {{ granted }.", "{{ sender.signatory }}")


@pytest.fixture
async def admin_client(client, make_user, make_authority):
    authority = await make_authority("Gemeente Utrecht")
    admin = await make_user("admin")
    await sign_in(client, admin.email)
    return client, authority


async def upload(client, authority_id: int, data: bytes, kind="grant", language="nl"):
    token = await csrf_token(client)
    return await client.post(
        f"/admin/letter-templates/{authority_id}",
        data={"kind": kind, "language": language, "_csrf_token": token},
        files={"file": ("brief.docx", data, DOCX)},
    )


async def test_an_admin_replaces_a_template_and_letters_use_it(admin_client):
    client, authority = admin_client
    page = await client.get(f"/admin/letter-templates/{authority['id']}")
    assert page.status_code == 200
    assert "Letter templates of Gemeente Utrecht" in text_of(page.text)
    response = await upload(client, authority["id"], letterhead(*GOOD))
    assert response.status_code == 303
    rows = await LetterTemplate.select().where(LetterTemplate.authority == authority["id"])
    assert [(r["kind"], r["language"]) for r in rows] == [("grant", "nl")]
    active = await service.template_for(authority["id"], LetterKind.GRANT, "nl")
    assert active.custom and active.filename == "brief.docx"
    preview = await client.get(f"/admin/letter-templates/{authority['id']}/grant/nl/preview")
    assert preview.status_code == 200
    text = docx_text(preview.content)
    assert "Dear Zorggroep De Linde B.V.," in text and "We grant € 42.500,00." in text
    assert "Gemeente Wrocław — Gemeente Utrecht" in text
    download = await client.get(f"/admin/letter-templates/{authority['id']}/grant/nl")
    assert download.content == active.data
    assert download.headers["content-disposition"] == 'attachment; filename="grant-nl.docx"'
    assert download.headers["cache-control"] == "no-store"
    [event] = await AuditEvent.select().where(AuditEvent.action == "letter_template.uploaded")
    assert event["object_id"] == str(authority["id"])
    assert json.loads(event["after"])["filename"] == "brief.docx"
    listing = text_of((await client.get(f"/admin/letter-templates/{authority['id']}")).text)
    assert "Own template: brief.docx" in listing


async def test_a_broken_template_is_refused_with_its_locations_and_nothing_is_stored(admin_client):
    client, authority = admin_client
    files_before = await StoredFile.count()
    response = await upload(client, authority["id"], letterhead(*BROKEN))
    assert response.status_code == 422
    text = text_of(response.text)
    assert "The template was not stored" in text
    assert "document ¶2: Template error" in text and "“We grant {{ granted }.”" in text
    assert await LetterTemplate.count() == 0
    assert await StoredFile.count() == files_before
    assert await AuditEvent.count().where(AuditEvent.action == "letter_template.uploaded") == 0


async def test_an_unknown_placeholder_is_refused_with_its_paragraph(admin_client):
    client, authority = admin_client
    data = letterhead("Dear {{ adressee.name }},", "{{ sender.name }}")
    response = await upload(client, authority["id"], data, kind="rejection", language="en")
    assert response.status_code == 422
    assert "document ¶1: Unknown placeholder adressee in “Dear {{ adressee.name }},”" in text_of(
        response.text
    )


async def test_a_file_that_is_not_a_template_is_refused(admin_client):
    client, authority = admin_client
    response = await upload(client, authority["id"], b"%PDF-1.7 a letter")
    assert response.status_code == 422
    page = text_of(response.text)
    assert "The file is not a Word document (.docx)" in page and "file:" not in page


async def test_the_upload_needs_a_kind_and_a_language(admin_client):
    client, authority = admin_client
    response = await upload(client, authority["id"], letterhead(*GOOD), kind="memo")
    assert response.status_code == 422
    assert "Choose the kind of letter and the language" in text_of(response.text)


async def test_resetting_goes_back_to_the_default_and_is_audited(admin_client):
    client, authority = admin_client
    await upload(client, authority["id"], letterhead(*GOOD))
    response = await post_form(client, f"/admin/letter-templates/{authority['id']}/grant/nl/reset")
    assert response.status_code == 303
    active = await service.template_for(authority["id"], LetterKind.GRANT, "nl")
    assert not active.custom and active.data == default_template(LetterKind.GRANT, "nl")[0]
    [event] = await AuditEvent.select().where(AuditEvent.action == "letter_template.reset")
    assert json.loads(event["before"])["filename"] == "brief.docx"


async def test_unknown_kinds_languages_and_authorities_are_not_found(admin_client):
    client, authority = admin_client
    base = f"/admin/letter-templates/{authority['id']}"
    assert (await client.get(f"{base}/memo/nl")).status_code == 404
    assert (await client.get(f"{base}/grant/fr")).status_code == 404
    assert (await client.get("/admin/letter-templates/999999")).status_code == 404
    assert (await client.get("/admin/letter-templates/999999/grant/nl")).status_code == 404


async def test_templates_of_one_authority_do_not_touch_another(admin_client, make_authority):
    client, authority = admin_client
    other = await make_authority("Gemeente Zeist")
    await upload(client, authority["id"], letterhead(*GOOD))
    assert not (await service.template_for(other["id"], LetterKind.GRANT, "nl")).custom
    assert not (await service.template_for(authority["id"], LetterKind.GRANT, "en")).custom


async def test_the_pdf_state_is_shown(admin_client, monkeypatch):
    client, authority = admin_client
    monkeypatch.setattr(office, "available", lambda: False)
    page = text_of((await client.get(f"/admin/letter-templates/{authority['id']}")).text)
    assert "PDF is unavailable: LibreOffice is not installed on this server." in page
    assert "PDF unavailable" in page
    response = await client.get(
        f"/admin/letter-templates/{authority['id']}/grant/nl/preview?format=pdf"
    )
    assert response.status_code == 409
    assert "PDF is not available: LibreOffice is not installed" in text_of(response.text)


async def test_the_api_lists_replaces_refuses_and_resets(admin_client):
    client, authority = admin_client
    url = f"/api/v1/letter-templates/{authority['id']}"
    slots = (await client.get(url)).json()
    assert len(slots) == len(LetterKind) * 5
    danish = next(s for s in slots if s["kind"] == "grant" and s["language"] == "da")
    assert danish == {**danish, "custom": False, "written_in": "da"}  # shipped in Danish
    refused = await client.put(
        f"{url}/grant/da", files={"data": ("x.docx", letterhead(*BROKEN), DOCX)}
    )
    assert refused.status_code == 422
    # a part that does not parse is reported for that; its names are checked once it does
    assert refused.json()["problems"] == [
        {
            "location": "document ¶2",
            "message": "Template error “unexpected '}'” in “We grant {{ granted }.”",
        }
    ]
    stored = await client.put(
        f"{url}/grant/da", files={"data": ("dk.docx", letterhead(*GOOD), DOCX)}
    )
    assert stored.status_code == 200
    assert stored.json()["custom"] and stored.json()["written_in"] == "da"
    active = await service.template_for(authority["id"], LetterKind.GRANT, "da")
    assert active.custom and active.written_in == "da"
    assert (await client.delete(f"{url}/grant/da")).status_code == 204
    assert not (await service.template_for(authority["id"], LetterKind.GRANT, "da")).custom


async def test_the_service_refuses_an_empty_upload(db, make_authority):
    authority = await make_authority()
    with pytest.raises(ValidationFailed, match=r"Choose a \.docx file"):
        await service.upload_template(SETUP, authority["id"], LetterKind.GRANT, "nl", "a.docx", b"")
