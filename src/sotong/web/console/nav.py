"""The sections of a wall in the console, and who sees them."""

from __future__ import annotations

from dataclasses import dataclass

from sotong.domain import Role
from sotong.web.translations import N_


@dataclass(frozen=True, slots=True)
class Section:
    path: str  # after /admin/walls/{slug}
    label: str
    role: Role


ROLE_NAMES = {Role.OWNER: N_("owner"), Role.MODERATOR: N_("moderator"), Role.JUDGE: N_("judge")}

SECTIONS: tuple[Section, ...] = (
    Section("/queue", N_("Queue"), Role.MODERATOR),
    Section("/rules", N_("Rules"), Role.MODERATOR),
    Section("/settings", N_("Settings"), Role.OWNER),
    Section("/display", N_("Display"), Role.OWNER),
    Section("/agenda", N_("Agenda"), Role.OWNER),
    Section("/screens", N_("Screens"), Role.MODERATOR),
    Section("/tokens", N_("API tokens"), Role.OWNER),
    Section("/contests", N_("Contest"), Role.MODERATOR),
    Section("/judging", N_("Judging"), Role.JUDGE),
)


def wall_sections(slug: str, role: Role) -> list[dict[str, str]]:
    return [
        {"href": f"/admin/walls/{slug}{section.path}", "label": section.label}
        for section in SECTIONS
        if role.grants(section.role)
    ]
