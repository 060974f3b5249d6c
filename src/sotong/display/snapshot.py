"""The `reset` a screen gets when it starts without a replay: the posts, and everything else the
screen shows, read in one snapshot with the event id it stands for, so a screen that was away
for long (or restarted) shows the current wall settings, announcement and agenda at once.

`{"posts": [Post...], "wall": {...}, "announcement": {...} | null, "agenda": [...], "now": "..."}`;
`now` is the server's clock, which screens use to time the agenda and countdowns even when the
venue PC's own clock is wrong.
"""

from __future__ import annotations

from sotong.clock import utc_now
from sotong.config import LiveSettings
from sotong.display.actions import agenda_on_screen, announcement_to_wire
from sotong.domain import EventType, Wall
from sotong.live import sse
from sotong.store.announcements import current_announcement
from sotong.store.database import Database
from sotong.store.posts import screen_posts
from sotong.store.walls import last_event_seq, load_wall
from sotong.wire import dumps, post_to_wire, wall_settings_to_wire


async def screen_reset(db: Database, wall: Wall, settings: LiveSettings) -> tuple[int, bytes]:
    now = utc_now()
    async with db.read(snapshot=True) as connection:
        seq = await last_event_seq(connection, wall.id)
        posts = await screen_posts(connection, wall.id, settings.snapshot_size)
        record = await load_wall(connection, wall.id)
        announcement = await current_announcement(connection, wall.id, now)
        agenda = await agenda_on_screen(connection, wall.id, now)
    data = {
        "posts": [post_to_wire(post) for post in posts],
        "wall": wall_settings_to_wire(record.settings, record.version) if record else None,
        "announcement": announcement_to_wire(announcement),
        "agenda": agenda,
        "now": now.isoformat(),
    }
    return seq, sse.frame(seq, EventType.RESET, dumps(data))
