"""The moderation page of a wall: the queue, what is on screen, the history with undo, and bans.

The page is live from the console stream (`live.py`) and acts through the moderation API
(`moderation_api.py`); its scripts are `static/console/*.js`. Their strings are translated here
and handed to them in a JSON block.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from sotong.domain import Role
from sotong.web.console.moderation_api import MAX_BULK, MAX_REASON
from sotong.web.console.render import render, text
from sotong.web.console.session import require_role
from sotong.web.policy import policy
from sotong.web.services import Services, get_services
from sotong.web.translations import N_

router = APIRouter(prefix="/admin/walls", include_in_schema=False)
ServicesDep = Annotated[Services, Depends(get_services)]

# The machine-readable codes the ingest rules give a post they send to the queue.
RULES: Final = {
    "particle": N_("Hashtag with a particle"),
    "sensitive": N_("Marked sensitive"),
    "near_duplicate": N_("Near-duplicate image"),
    "words": N_("Word list"),
    "banned": N_("Banned author"),
    "author_cap": N_("Too many posts by the author"),
    "duplicate_text": N_("Duplicate text"),
    "link_only": N_("Only a link"),
}

ACTIONS: Final = {
    "approve": N_("Approved"),
    "reject": N_("Rejected"),
    "pin": N_("Pinned"),
    "unpin": N_("Unpinned"),
    "feature": N_("Featured"),
    "unfeature": N_("Unfeatured"),
    "hide": N_("Hidden"),
    "ban": N_("Author banned"),
    "undo": N_("Undone"),
    "withdraw": N_("Withdrawn by the uploader"),
}

STRINGS: Final = {
    "live": N_("Live"),
    "connecting": N_("Connecting…"),
    "offline": N_("Offline, reconnecting…"),
    "approve": N_("Approve"),
    "reject": N_("Reject"),
    "remove": N_("Take off the wall"),
    "hide": N_("Hide"),
    "pin": N_("Pin"),
    "unpin": N_("Unpin"),
    "feature": N_("Feature"),
    "unfeature": N_("Unfeature"),
    "ban": N_("Ban author"),
    "undo": N_("Undo"),
    "select_post": N_("Select the post by %(author)s"),
    "pinned": N_("pinned"),
    "featured": N_("featured"),
    "sensitive": N_("sensitive"),
    "waiting": N_("Waiting for review"),
    "image": N_("Image"),
    "image_unavailable": N_("Image unavailable"),
    "no_text": N_("(no text)"),
    "arrived": N_("arrived %(time)s"),
    "shown": N_("on screen since %(time)s"),
    "empty_queue": N_("No posts are waiting."),
    "empty_filtered": N_("No waiting post matches the filters."),
    "empty_screen": N_("Nothing is on screen."),
    "empty_history": N_("No decisions yet."),
    "empty_bans": N_("No bans."),
    "selected": N_("%(count)s selected"),
    "new_waiting": N_("%(count)s new posts waiting"),
    "done": N_("%(action)s: %(author)s"),
    "done_many": N_("%(action)s: %(count)s posts"),
    "banned": N_("%(author)s is banned; %(count)s posts were taken down."),
    "ban_title": N_("Ban %(author)s?"),
    "lifted": N_("The ban on %(author)s was lifted."),
    "undone": N_("Undone: %(count)s posts restored."),
    "undone_none": N_("Nothing was left to undo."),
    "nothing_to_undo": N_("There is no decision of yours to undo."),
    "failed": N_("Not saved: %(message)s"),
    "problem_post_not_found": N_("Not saved: that post is no longer on this wall."),
    "problem_ban_not_found": N_("Not saved: that ban no longer exists."),
    "problem_decision_not_found": N_("Not saved: that decision no longer exists."),
    "problem_forbidden": N_("Not saved: your role cannot do this."),
    "problem_csrf_failed": N_("Not saved: the page has expired. Reload it and try again."),
    "session_ended": N_("Your session ended. Sign in again."),
    "offline_action": N_("The server could not be reached. Try again."),
    "decided_elsewhere": N_("Another moderator decided on the post you were on."),
    "by": N_("by %(actor)s"),
    "undone_by": N_("undone by %(actor)s"),
    "posts_count": N_("%(count)s posts"),
    "this_wall": N_("this wall"),
    "all_walls": N_("all walls"),
    "lift": N_("Lift"),
    "lift_named": N_("Lift the ban on %(author)s"),
    "undo_named": N_("Undo: %(action)s"),
    "load_more": N_("Older decisions"),
    "all_sources": N_("All sources"),
}


def translated(request: Request, table: dict[str, str]) -> dict[str, str]:
    _ = text(request)
    return {key: _(value) for key, value in table.items()}


@router.get("/{slug}/queue")
@policy(Role.MODERATOR)
async def queue_page(slug: str, request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.MODERATOR)
    record = services.wall_record(slug)
    config = {
        "slug": slug,
        "csrf": session.csrf_token,
        "events": f"/admin/api/walls/{slug}/events",
        "api": f"/admin/api/walls/{slug}",
        "maxBulk": MAX_BULK,
        "strings": translated(request, STRINGS),
        "rules": translated(request, RULES),
        "actions": translated(request, ACTIONS),
    }
    context = {
        "record": record,
        "config": config,
        "rules": RULES,
        "max_reason": MAX_REASON,
    }
    return render(request, "queue.html", context, session=session, wall_slug=slug)
