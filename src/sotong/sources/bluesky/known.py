"""The posts this wall holds from Bluesky, so deletes and deactivations can find them.

A Jetstream delete names only (did, rkey), and an account event only the DID; looking every one
of them up in the database would cost a query per event of the whole network. Instead the source
keeps the AT-URIs it stored in a bounded map, filled from the database when it starts and then
as it ingests. A post older than the newest `capacity` ones is no longer tracked: its delete at
the source is then not noticed (a moderator can still remove it).
"""

from __future__ import annotations

from collections import OrderedDict

from sotong.sources.bluesky.parse import SOURCE, split_at_uri
from sotong.store.database import Database
from sotong.store.posts import recent_external_ids

DEFAULT_CAPACITY = 100_000


class KnownPosts:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self._uris: OrderedDict[str, str] = OrderedDict()
        self._by_did: dict[str, set[str]] = {}

    def __contains__(self, uri: object) -> bool:
        return uri in self._uris

    def __len__(self) -> int:
        return len(self._uris)

    def clear(self) -> None:
        self._uris.clear()
        self._by_did.clear()

    def add(self, uri: str, did: str) -> None:
        if uri in self._uris:
            self._uris.move_to_end(uri)
            return
        self._uris[uri] = did
        self._by_did.setdefault(did, set()).add(uri)
        while len(self._uris) > self.capacity:
            old_uri, old_did = self._uris.popitem(last=False)
            self._forget(old_uri, old_did)

    def discard(self, uri: str) -> None:
        did = self._uris.pop(uri, None)
        if did is not None:
            self._forget(uri, did)

    def pop_author(self, did: str) -> list[str]:
        """Every tracked post of one account, no longer tracked."""
        uris = sorted(self._by_did.pop(did, ()))
        for uri in uris:
            self._uris.pop(uri, None)
        return uris

    def _forget(self, uri: str, did: str) -> None:
        uris = self._by_did.get(did)
        if uris is not None:
            uris.discard(uri)
            if not uris:
                del self._by_did[did]


async def load_known(db: Database, wall_id: int, known: KnownPosts) -> int:
    """Track the wall's newest Bluesky posts that are still on it; returns how many."""
    async with db.read() as connection:
        rows = await recent_external_ids(connection, wall_id, SOURCE, known.capacity)
    loaded = 0
    for uri in reversed(rows):
        location = split_at_uri(uri)
        if location is not None:
            known.add(uri, location[0])
            loaded += 1
    return loaded
