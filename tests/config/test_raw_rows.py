"""config.database.raw_rows: large reads as tuples, inside a transaction and outside, on both
databases."""

from config.database import raw_rows, transaction


async def test_rows_come_as_tuples_with_their_values(make_authority):
    await make_authority("Gemeente Utrecht")
    await make_authority("Gemeente Zeist")
    query = (
        "SELECT name, CAST(standstill_days AS INTEGER) FROM authorities_authority "
        "WHERE name LIKE {} ORDER BY name"
    )
    outside = await raw_rows(query, "Gemeente%")
    assert [tuple(row) for row in outside] == [("Gemeente Utrecht", 20), ("Gemeente Zeist", 20)]
    async with transaction():
        inside = await raw_rows(query, "%Zeist")
    assert [tuple(row) for row in inside] == [("Gemeente Zeist", 20)]
    assert await raw_rows(query, "nothing") == []
