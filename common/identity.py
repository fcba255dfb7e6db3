"""Who acts: the roles, the signed-in principal and the actor an audit event names.

The shared kernel every context builds on (guards, services, the audit log), so that none of
them needs to import ``accounts`` (which keeps the users) or ``audit`` (which keeps the events)
just to say who is acting. Pure Python.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from common.i18n import N_


@dataclass(frozen=True)
class Actor:
    """Who caused an event: a user, or the system itself (scheduler, CLI)."""

    id: int | None
    label: str

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(None, label)


class Role(StrEnum):
    ADMIN = "admin"
    OFFICER = "officer"
    EVALUATOR = "evaluator"
    FINANCE = "finance"


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: N_("Administrator"),
    Role.OFFICER: N_("Procurement officer"),
    Role.EVALUATOR: N_("Evaluator"),
    Role.FINANCE: N_("Finance"),
}


@dataclass(frozen=True)
class Principal:
    """The signed-in user as every guard and service sees them."""

    id: int
    email: str
    name: str
    role: Role
    language: str
    authority_ids: frozenset[int]

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def can_see_authority(self, authority_id: int) -> bool:
        """Officers and finance work for their authorities; administrators see all of them."""
        return self.is_admin or authority_id in self.authority_ids

    def can_see_any(self, authority_ids: Collection[int]) -> bool:
        return self.is_admin or bool(self.authority_ids.intersection(authority_ids))

    def as_actor(self) -> Actor:
        return Actor(self.id, self.email)
