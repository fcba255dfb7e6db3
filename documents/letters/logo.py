"""An authority's letterhead logo, kept as a stored file that every letter written from then on
carries (:mod:`documents.letters.letterhead`). The check of the image is the authority's rule
(:func:`authorities.domain.check_logo`); storing it is this context's work, so that
``authorities`` needs no file store and ``documents`` stays the one that depends."""

from __future__ import annotations

from audit import service as audit
from authorities import service as authorities
from authorities.domain import MAX_LOGO_BYTES, check_logo
from authorities.tables import Authority
from common.identity import Actor
from config.database import lock, transaction
from documents import storage


async def set_logo(actor: Actor, authority_id: int, filename: str, data: bytes) -> None:
    """Keep ``data`` as the authority's letterhead logo (PNG or JPEG, size-checked); the
    letters written from now on carry it."""
    content_type, extension = check_logo(data)
    async with transaction():
        await lock(Authority, authority_id)
        current = await authorities.get_authority(authority_id)
        stored = await storage.store(
            actor, f"logo.{extension}", content_type, data, max_bytes=MAX_LOGO_BYTES
        )
        await Authority.update({Authority.logo_file: stored.id}).where(Authority.id == authority_id)
        await audit.record(
            actor,
            "authority.logo_set",
            "authority",
            authority_id,
            before={"logo_file": current["logo_file"]},
            after={"logo_file": stored.id, "filename": filename, "sha256": stored.sha256},
        )
