"""An authority's logo: uploaded by an admin on the authority's page, checked, stored, and
shown in the letterhead of every letter written after."""

import io
import struct
import zlib

from docx import Document

from audit.tables import AuditEvent
from authorities.tables import Authority
from documents.letters.bundle import letters_for
from documents.letters.kinds import LetterKind
from documents.letters.samples import sample_letter
from documents.letters.service import templates_for
from documents.storage import read
from tests.support.http import csrf_token, sign_in, text_of


def png(width: int = 4, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


async def upload(client, authority_id: int, name: str, data: bytes, kind: str):
    token = await csrf_token(client)
    return await client.post(
        f"/admin/authorities/{authority_id}/logo",
        data={"_csrf_token": token},
        files={"logo": (name, data, kind)},
    )


def header_images(data: bytes) -> list[bytes]:
    header = Document(io.BytesIO(data)).sections[0].header
    return [
        rel.target_part.blob for rel in header.part.rels.values() if rel.reltype.endswith("/image")
    ]


async def test_the_admin_uploads_a_logo_and_letters_carry_it(client, make_user, make_authority):
    authority = await make_authority("Gemeente Utrecht")
    admin = await make_user("admin")
    await sign_in(client, admin.email)
    page = await client.get(f"/admin/authorities/{authority['id']}")
    assert "Logo in the letterhead" in text_of(page.text)

    # Not an image (whatever it claims), and too large: refused, nothing stored.
    fake = await upload(client, authority["id"], "logo.png", b"GIF89a....", "image/png")
    assert fake.status_code == 422
    assert "The logo must be a PNG or JPEG image" in text_of(fake.text)
    big = await upload(client, authority["id"], "logo.png", png() + b"\0" * 600_000, "image/png")
    assert big.status_code == 422 and "larger than 512 KB" in text_of(big.text)
    assert (await Authority.select(Authority.logo_file).first())["logo_file"] is None

    logo = png()
    saved = await upload(client, authority["id"], "wapen.png", logo, "image/png")
    assert saved.status_code == 303, saved.text
    row = await Authority.select(Authority.logo_file).first()
    info, stored = await read(row["logo_file"])
    assert stored == logo and info.content_type == "image/png"
    assert await AuditEvent.count().where(AuditEvent.action == "authority.logo_set") == 1

    # The letterhead of a letter written for the authority now holds the image, above the
    # authority's name.
    templates = await templates_for(authority["id"], [(LetterKind.REJECTION, "nl")])
    [letter] = list(letters_for(templates, [("bid:1", sample_letter(LetterKind.REJECTION))], "nl"))
    assert header_images(letter.data) == [logo]
    header = [p.text for p in Document(io.BytesIO(letter.data)).sections[0].header.paragraphs]
    assert header[:2] == ["", "Gemeente Utrecht"]
    # The admin's preview of a template shows it as well.
    preview = await client.get(f"/admin/letter-templates/{authority['id']}/rejection/nl/preview")
    assert preview.status_code == 200 and header_images(preview.content) == [logo]
    # Another authority's letters have no logo.
    other = await make_authority("Gemeente Zeist")
    templates = await templates_for(other["id"], [(LetterKind.REJECTION, "nl")])
    [plain] = list(letters_for(templates, [("bid:1", sample_letter(LetterKind.REJECTION))], "nl"))
    assert header_images(plain.data) == []
