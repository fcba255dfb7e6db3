"""The dashboard: one page per role, made of panels that each bounded context contributes.

A panel provider is an async function of the signed-in principal that returns a :class:`Panel`
(or None when it has nothing for this user). The app factory lists the providers in order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from common.identity import Principal


@dataclass(frozen=True)
class Panel:
    title: str  # message id, translated when rendered
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


PanelProvider = Callable[[Principal], Awaitable[Panel | None]]


async def panels_for(principal: Principal, providers: list[PanelProvider]) -> list[Panel]:
    found = [await provider(principal) for provider in providers]
    return [panel for panel in found if panel is not None]
