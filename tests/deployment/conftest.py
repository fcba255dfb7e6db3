from tests.tenders.conftest import fixed_clock, world  # noqa: F401  (a tender, as its tests set it up)
