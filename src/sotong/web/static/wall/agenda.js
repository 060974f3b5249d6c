// "Now on stage" and "Up next" from the wall's agenda. The screen works out the current and the
// next session itself and wakes at the exact minute one starts or ends, so the panel changes on
// time with no message from the server (which only sends the agenda when it is edited).

import { at, serverNow } from "./clock.js";

function sessionsOf(value) {
  return (Array.isArray(value) ? value : [])
    .filter((s) => s && typeof s === "object" && typeof s.title === "string")
    .map((s) => ({ ...s, start: Date.parse(s.starts_at), end: Date.parse(s.ends_at) }))
    .filter((s) => Number.isFinite(s.start) && Number.isFinite(s.end) && s.end > s.start)
    .sort((a, b) => a.start - b.start || a.end - b.end);
}

/** {current, next, changesAt}: the session on now (the latest to have started), the next to
 * start, and when that answer changes next (ms; Infinity: never). */
export function nowAndNext(sessions, now) {
  const all = sessionsOf(sessions);
  const running = all.filter((s) => s.start <= now && now < s.end);
  const current = running.length ? running[running.length - 1] : null;
  const next = all.find((s) => s.start > now) ?? null;
  let changesAt = Infinity;
  for (const s of all) {
    if (s.start > now) changesAt = Math.min(changesAt, s.start);
    else if (s.end > now) changesAt = Math.min(changesAt, s.end);
  }
  return { current, next, changesAt };
}

function timeFormat(locale, timeZone) {
  try {
    return new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ko-KR", {
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone,
    });
  } catch {
    return new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
  }
}

export class AgendaPanel {
  #panel;
  #sessions = [];
  #cancel = () => {};
  #format;
  #onChange;

  /** `onChange(visible)` hears whether the panel has anything to show after each update. */
  constructor(panel, { locale = "ko", timeZone = "Asia/Seoul", onChange = () => {} } = {}) {
    this.#panel = panel;
    this.#format = timeFormat(locale, timeZone);
    this.#onChange = onChange;
  }

  get next() {
    return nowAndNext(this.#sessions, serverNow()).next;
  }

  setTimeZone(locale, timeZone) {
    this.#format = timeFormat(locale, timeZone);
    this.update();
  }

  setSessions(sessions) {
    this.#sessions = Array.isArray(sessions) ? sessions : [];
    this.update();
  }

  update() {
    this.#cancel();
    const { current, next, changesAt } = nowAndNext(this.#sessions, serverNow());
    this.#fill(".agenda__slot--now", current);
    this.#fill(".agenda__slot--next", next);
    const visible = Boolean(current || next);
    this.#panel.dataset.filled = String(visible);
    if (Number.isFinite(changesAt)) this.#cancel = at(changesAt, () => this.update());
    this.#onChange(visible);
  }

  #fill(selector, session) {
    const slot = this.#panel.querySelector(selector);
    if (!slot) return;
    slot.hidden = !session;
    if (!session) return;
    slot.querySelector(".agenda__title").textContent = session.title;
    const times = `${this.#format.format(session.start)}–${this.#format.format(session.end)}`;
    const parts = [times, session.room, session.speaker].filter(
      (part) => typeof part === "string" && part.trim(),
    );
    slot.querySelector(".agenda__meta").textContent = parts.join(" · ");
    slot.dataset.sessionId = String(session.id ?? "");
  }
}
