"""The navigation bar: each item names the roles that see it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from common.identity import Principal, Role


@dataclass(frozen=True)
class NavItem:
    label: str  # message id, translated when rendered
    href: str
    roles: frozenset[Role]


def items_for(principal: Principal | None, items: Iterable[NavItem]) -> list[NavItem]:
    if principal is None:
        return []
    return [item for item in items if principal.role in item.roles]
