"""The command line as an operator uses it."""

from accounts.demo import DEMO_USERS
from accounts.tables import User
from authorities.tables import Authority
from config.demo import credentials_file
from tests.support.cli import tenderdesk


async def test_create_user_prints_a_generated_password(db):
    result = tenderdesk(
        "create-user", "Olga@Utrecht.nl", "--role", "officer", "--name", "Olga de Vries"
    )
    assert result.returncode == 0, result.stderr
    assert "Created olga@utrecht.nl (officer)." in result.stdout
    assert "Password: " in result.stdout
    row = await User.select(User.name, User.role).where(User.email == "olga@utrecht.nl").first()
    assert row == {"name": "Olga de Vries", "role": "officer"}


async def test_create_user_reads_the_password_from_stdin_and_refuses_bad_input(db):
    ok = tenderdesk(
        "create-user",
        "eva@utrecht.nl",
        "--role",
        "evaluator",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert ok.returncode == 0 and "Password:" not in ok.stdout
    short = tenderdesk(
        "create-user", "x@utrecht.nl", "--role", "evaluator", "--password-stdin", stdin="short\n"
    )
    assert short.returncode == 1
    assert "A password needs at least 12 characters" in short.stderr
    guessable = tenderdesk(
        "create-user",
        "z@utrecht.nl",
        "--role",
        "evaluator",
        "--password-stdin",
        stdin="aaaaaaaaaaaa\n",
    )
    assert guessable.returncode == 1 and "too easy to guess" in guessable.stderr
    again = tenderdesk("create-user", "EVA@utrecht.nl", "--role", "evaluator")
    assert again.returncode == 1 and "already exists" in again.stderr
    wrong_role = tenderdesk("create-user", "y@utrecht.nl", "--role", "king")
    assert wrong_role.returncode == 2


async def test_demo_is_idempotent_and_prints_the_same_credentials(db):
    first = tenderdesk("demo")
    assert first.returncode == 0, first.stderr
    for email in ("admin@", "officer@", "evaluator@", "finance@"):
        assert email in first.stdout
    authorities = await Authority.count()
    assert authorities == 19  # Utrecht, 2 Danish, 15 Wrocław area, Botkyrka
    # Building the demo data takes a while: each step is announced as it starts.
    assert "Demo data: tender UTR-2021-HBH ..." in first.stdout
    second = tenderdesk("demo")
    assert second.returncode == 0
    assert "Demo data: tender" not in second.stdout  # nothing left to build
    credentials = first.stdout[first.stdout.index("Demo users") :]
    assert second.stdout[second.stdout.index("Demo users") :] == credentials
    assert await Authority.count() == authorities
    assert await User.count() == len(DEMO_USERS)
    assert credentials_file().exists()


def test_serve_announces_the_address_it_listens_on_unless_a_public_url_is_set(monkeypatch):
    from config.cli import use_served_address
    from config.settings import get_settings

    monkeypatch.delenv("TENDERDESK_PUBLIC_URL", raising=False)
    use_served_address("127.0.0.1", 8011)
    assert get_settings().public_url == "http://127.0.0.1:8011"
    use_served_address("0.0.0.0", 8012)  # the first answer stands: the variable is now set
    assert get_settings().public_url == "http://127.0.0.1:8011"
    monkeypatch.delenv("TENDERDESK_PUBLIC_URL")
    use_served_address("0.0.0.0", 8012)
    assert get_settings().public_url == "http://127.0.0.1:8012"
    monkeypatch.setenv("TENDERDESK_PUBLIC_URL", "https://tenderdesk.utrecht.nl")
    get_settings.cache_clear()
    use_served_address("127.0.0.1", 8013)
    assert get_settings().public_url == "https://tenderdesk.utrecht.nl"
    monkeypatch.delenv("TENDERDESK_PUBLIC_URL")
    get_settings.cache_clear()
