"""The documents of a subject, as its evaluator reads them from the scoring pages.

The engine knows nothing of bids or applications: the context that owns an evaluation (a tender
for its lots, a subsidy round) provides a :class:`SubjectDocuments` for its owner references,
registered at the composition root (``config.app``). The engine decides who is asking about
which subject (:func:`scoring.sheets.subject_for_documents`: assigned, declared free of conflict,
not excluded); the owner decides whether that person may read that document now (sealed bids,
sealed prices) and records every access. Under a blind evaluation the documents are named by
the subject's code, never by the file names the bidder gave them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Protocol

from common.errors import NotFound
from common.i18n import N_
from common.identity import Principal


@dataclass(frozen=True)
class SubjectOnSheet:
    """A subject an evaluator may see, as the owner's document source is told of it."""

    evaluation_id: int
    owner_ref: str
    ref: str
    code: str
    names_hidden: bool


@dataclass(frozen=True)
class SubjectDocument:
    id: int
    name: str  # as shown to the evaluator: under the code when names are hidden
    size: int


@dataclass(frozen=True)
class DocumentFile:
    filename: str  # as served: under the code when names are hidden
    content_type: str
    chunks: AsyncIterator[bytes]  # streamed, never whole in memory


class SubjectDocuments(Protocol):
    def owns(self, owner_ref: str) -> bool: ...

    async def documents(
        self, principal: Principal, subject: SubjectOnSheet
    ) -> list[SubjectDocument]: ...

    async def read(
        self, principal: Principal, subject: SubjectOnSheet, document_id: int
    ) -> DocumentFile: ...


def coded_name(code: str, number: int, filename: str) -> str:
    """A document's name under a blind code: ``K7QF-document-2.pdf`` (only the extension of
    the original name is kept)."""
    suffix = PurePath(filename).suffix.lower()
    if not suffix[1:].isalnum() or len(suffix) > 6:
        suffix = ""
    return f"{code}-document-{number}{suffix}"


def source_for(sources: Sequence[SubjectDocuments], owner_ref: str) -> SubjectDocuments | None:
    return next((s for s in sources if s.owns(owner_ref)), None)


async def documents_of(
    sources: Sequence[SubjectDocuments], principal: Principal, subject: SubjectOnSheet
) -> list[SubjectDocument]:
    """The subject's documents the principal may read now (none when its owner has none)."""
    source = source_for(sources, subject.owner_ref)
    return [] if source is None else await source.documents(principal, subject)


async def read_document(
    sources: Sequence[SubjectDocuments],
    principal: Principal,
    subject: SubjectOnSheet,
    document_id: int,
) -> DocumentFile:
    source = source_for(sources, subject.owner_ref)
    if source is None:
        raise NotFound(N_("File {id} does not exist"), id=document_id)
    return await source.read(principal, subject, document_id)
