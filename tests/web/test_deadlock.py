"""A deadlock PostgreSQL broke by rolling one transaction back is a refusal, not a crash."""

from __future__ import annotations

from asyncpg.exceptions import DeadlockDetectedError

from common.identity import Role
from tenders import service
from tests.support.http import sign_in


async def test_a_rolled_back_deadlock_answers_409_with_a_message(
    client, make_user, monkeypatch
) -> None:
    async def deadlocked(*args, **kwargs):
        raise DeadlockDetectedError("deadlock detected")

    monkeypatch.setattr(service, "cancel", deadlocked)
    officer = await make_user(Role.OFFICER)
    await sign_in(client, officer.email)
    response = await client.post("/api/v1/tenders/1/actions/cancel", json={"reason": "x"})
    assert response.status_code == 409
    assert "try again" in response.json()["detail"]
