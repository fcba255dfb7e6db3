import pytest

from audit.domain import Actor
from common.errors import DomainError
from config.database import transaction
from documents import storage

ACTOR = Actor(3, "olga@utrecht.nl")


def test_safe_filename_drops_directories_and_control_characters():
    assert storage.safe_filename("../../etc/passwd") == "passwd"
    assert storage.safe_filename("C:\\Users\\x\\Offerte 2026.pdf") == "Offerte 2026.pdf"
    assert storage.safe_filename(".hidden\x00name") == "hiddenname"
    assert storage.safe_filename("") == "file"


async def test_store_and_read_back(db):
    async with transaction():
        first = await storage.store(ACTOR, "minutes.txt", "text/plain", b"Dialogue round 1")
        second = await storage.store(ACTOR, "copy.txt", "text/plain", b"Dialogue round 1")
    assert first.id != second.id and first.sha256 == second.sha256
    found, data = await storage.read(first.id)
    assert (found.filename, found.size, data) == ("minutes.txt", 16, b"Dialogue round 1")


async def test_empty_and_oversized_files_are_refused(db):
    async with transaction():
        with pytest.raises(DomainError, match="is empty"):
            await storage.store(ACTOR, "a.pdf", "application/pdf", b"")
        with pytest.raises(DomainError, match="larger than 1 MB"):
            await storage.store(ACTOR, "b.pdf", "application/pdf", b"x" * (1024 * 1024 + 1),
                                max_bytes=1024 * 1024)
