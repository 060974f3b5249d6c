"""Server-Sent Events framing (WHATWG HTML, "Server-sent events")."""

from __future__ import annotations

from sotong.domain import EventType, StoredEvent

HEARTBEAT = b": keep-alive\n\n"
RETRY_MILLISECONDS = 2000
PREAMBLE = f"retry: {RETRY_MILLISECONDS}\n\n".encode()


def frame(seq: int, event_type: EventType | str, data: str) -> bytes:
    # Serialised JSON never holds a raw newline, so the data fits on one `data:` line.
    return f"id: {seq}\nevent: {event_type}\ndata: {data}\n\n".encode()


def event_frame(event: StoredEvent) -> bytes:
    return frame(event.seq, event.type, event.data)


def frame_for(event: StoredEvent, *, private: bool) -> bytes:
    """The event's frame for a viewer; empty for a private event and a public viewer."""
    return event_frame(event) if private or not event.type.private else b""
