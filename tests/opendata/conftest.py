"""The tenders' test world (a clock, an authority, officers), to drive real tenders here."""

from tests.tenders.conftest import fixed_clock, world  # noqa: F401 (fixtures)
