"""Each role's dashboard answers "what needs me now": an officer sees their running tenders and
the next deadlines; finance sees the next deadlines (payments, decisions) too."""

from common.identity import Role
from tests.support.http import sign_in, text_of


async def test_officer_and_finance_see_their_tenders_and_deadlines(
    client, make_user, make_authority
):
    authority = await make_authority()
    await make_user(Role.OFFICER, email="olga@example.org", authorities=[authority["id"]])
    await sign_in(client, "olga@example.org")
    officer = text_of((await client.get("/")).text)
    assert "Your tenders" in officer and "No tender is running." in officer
    assert "Next deadlines" in officer
    await make_user(Role.FINANCE, email="femke@example.org", authorities=[authority["id"]])
    await sign_in(client, "femke@example.org")
    finance = text_of((await client.get("/")).text)
    assert "Next deadlines" in finance and "Your tenders" not in finance
