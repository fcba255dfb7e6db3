"""Fixtures for users, authorities and the in-process client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import AsyncExitStack

import httpx
import pytest
from argon2 import PasswordHasher
from litestar import Litestar
from litestar.testing import AsyncTestClient

from accounts.tables import Membership, User
from authorities import service as authorities
from common import clock
from common.identity import Actor, Principal, Role
from config.app import create_app
from config.settings import load_settings

TEST_PASSWORD = "correct horse battery staple"
SETUP = Actor.system("test setup")


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One real Argon2 hash of TEST_PASSWORD, reused so fixtures need not hash every time."""
    return PasswordHasher().hash(TEST_PASSWORD)


MakeUser = Callable[..., Awaitable[Principal]]
MakeAuthority = Callable[..., Awaitable[dict]]


@pytest.fixture
def make_authority(db: None) -> MakeAuthority:
    counter = iter(range(1, 10_000))

    async def make(
        name: str | None = None,
        country: str = "NL",
        registration_number: str | None = None,
        **extra: object,
    ) -> dict:
        number = next(counter)
        defaults = {"NL": f"{number:08d}", "DK": "29189587", "PL": "931934644", "SE": "212000-0043"}
        form = {
            "name": name or f"Gemeente Test {number}",
            "country": country,
            "registration_number": registration_number or defaults[country],
            **extra,
        }
        return await authorities.create_authority(SETUP, form)

    return make


@pytest.fixture
def make_user(db: None, password_hash: str) -> MakeUser:
    """Insert a user with TEST_PASSWORD; returns the principal as the app would see them."""
    counter = iter(range(1, 10_000))

    async def make(
        role: Role | str = Role.OFFICER,
        email: str | None = None,
        authorities: Iterable[int] = (),
        name: str | None = None,
        language: str = "en",
    ) -> Principal:
        role = Role(role)
        number = next(counter)
        email = email or f"{role.value}{number}@example.org"
        user = User(
            email=email,
            name=name or f"{role.value.title()} {number}",
            role=role.value,
            language=language,
            password_hash=password_hash,
            created_at=clock.now(),
        )
        await user.save()
        authority_ids = frozenset(authorities)
        if authority_ids:
            await Membership.insert(*[Membership(user=user.id, authority=a) for a in authority_ids])
        return Principal(user.id, email, user.name, role, language, authority_ids)

    return make


def no_redirects(client: AsyncTestClient) -> AsyncTestClient:
    """Tests look at redirects themselves (where they go, with which status)."""
    client.follow_redirects = False
    return client


@pytest.fixture
def settings():
    return load_settings()


@pytest.fixture
async def app(db: None) -> Litestar:
    return create_app(load_settings())


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient]:
    async with no_redirects(AsyncTestClient(app=app)) as test_client:
        yield test_client


@pytest.fixture
def client_factory(app: Litestar) -> Callable[[], AsyncTestClient]:
    """More clients of the same app, e.g. one signed in per role."""
    return lambda: no_redirects(AsyncTestClient(app=app))


@pytest.fixture
async def login(
    client_factory: Callable[[], AsyncTestClient],
) -> AsyncIterator[Callable[[Principal], Awaitable[AsyncTestClient]]]:
    """``await login(principal)``: a client of the app signed in as that user (one each)."""
    from tests.support.http import sign_in  # http needs this module's password

    async with AsyncExitStack() as stack:

        async def sign(principal: Principal) -> AsyncTestClient:
            client = await stack.enter_async_context(client_factory())
            await sign_in(client, principal.email)
            return client

        yield sign


@pytest.fixture
def parallel_client_factory(app: Litestar) -> Callable[[], httpx.AsyncClient]:
    """Clients whose requests really run at the same time (``asyncio.gather``), for races.

    Litestar's test client answers each request through a blocking portal, so two of its
    requests never overlap; these call the app in the test's own event loop. The app's
    lifespan does not run: on PostgreSQL each transaction takes its own connection, as it
    would from the pool of a server."""
    return lambda: httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver.local",
        follow_redirects=False,
    )
