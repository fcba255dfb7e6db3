"""Demo users: one per role. Their passwords are generated per installation."""

from __future__ import annotations

from dataclasses import dataclass

from accounts import service
from accounts.tables import User
from authorities.demo import WROCLAW_AREA as WROCLAW_AREA_AUTHORITIES
from common.identity import Actor


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: str
    language: str
    authorities: str  # "all" or a comma-separated list of authority names


WROCLAW_AREA = ",".join(name for name, _ in WROCLAW_AREA_AUTHORITIES)

DEMO_USERS: list[DemoUser] = [
    DemoUser("admin@tenderdesk.example", "Ada Admin", "admin", "en", ""),
    DemoUser("officer@tenderdesk.example", "Olga de Vries", "officer", "nl", "all"),
    DemoUser("evaluator@tenderdesk.example", "Evert Jansen", "evaluator", "nl", "Gemeente Utrecht"),
    DemoUser("finance@tenderdesk.example", "Femke Bakker", "finance", "nl", "all"),
    # A second officer (bids are opened by two), and evaluators for panels of three.
    DemoUser("officer2@tenderdesk.example", "Sanne Visser", "officer", "nl", "all"),
    DemoUser(
        "evaluator2@tenderdesk.example", "Pieter de Boer", "evaluator", "nl", "Gemeente Utrecht"
    ),
    DemoUser(
        "evaluator3@tenderdesk.example",
        "Mette Sørensen",
        "evaluator",
        "da",
        "Gemeente Utrecht,Vesthimmerlands Kommune,Socialstyrelsen",
    ),
    DemoUser("evaluator4@tenderdesk.example", "Agnieszka Nowak", "evaluator", "pl", WROCLAW_AREA),
    DemoUser(
        "evaluator5@tenderdesk.example", "Lars Lindqvist", "evaluator", "sv", "Botkyrka kommun"
    ),
    # An officer per country who works in its language (the pool, the joint tender, the review).
    DemoUser(
        "officer.dk@tenderdesk.example",
        "Anne Kristensen",
        "officer",
        "da",
        "Vesthimmerlands Kommune,Socialstyrelsen",
    ),
    DemoUser(
        "officer.pl@tenderdesk.example", "Katarzyna Wiśniewska", "officer", "pl", WROCLAW_AREA
    ),
    DemoUser("officer.se@tenderdesk.example", "Sara Johansson", "officer", "sv", "Botkyrka kommun"),
]


def _authority_ids(spec: str, authorities: dict[str, int]) -> list[int]:
    if spec == "all":
        return sorted(authorities.values())
    return [authorities[name.strip()] for name in spec.split(",") if name.strip()]


async def load(
    actor: Actor, authorities: dict[str, int], known_passwords: dict[str, str]
) -> dict[str, str]:
    """Create missing demo users; returns each demo user's password by email.

    A demo user whose password is not known (its credentials file was removed) gets a new one.
    """
    passwords: dict[str, str] = {}
    for demo in DEMO_USERS:
        row = await User.select(User.id).where(User.email == demo.email).first()
        if row is None:
            form = {
                "email": demo.email,
                "name": demo.name,
                "role": demo.role,
                "language": demo.language,
                "authority_ids": _authority_ids(demo.authorities, authorities),
            }
            _, passwords[demo.email] = await service.create_user(actor, form)
        elif demo.email in known_passwords:
            passwords[demo.email] = known_passwords[demo.email]
        else:
            passwords[demo.email] = await service.reset_password(actor, row["id"])
    return passwords
