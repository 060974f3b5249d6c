// The live connection: Server-Sent Events with resume.
//
// After a network error the browser's EventSource reconnects by itself and sends Last-Event-ID.
// When the connection fails hard (readyState CLOSED: the server answered 5xx, or not an event
// stream) we open a new EventSource after a jittered backoff, 1 s doubling to 15 s, with
// ?last_event_id=N so the server replays what was missed. Events go to the handlers registered
// in dispatch.js, whatever their type.

import { dispatch, eventTypes, onNewType } from "./dispatch.js";

const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 15000;
const OFFLINE_AFTER_MS = 4000;

export function withLastEventId(url, lastEventId, base = globalThis.location?.href, params = {}) {
  const target = new URL(url, base);
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === undefined) target.searchParams.delete(name);
    else target.searchParams.set(name, value);
  }
  if (lastEventId) target.searchParams.set("last_event_id", lastEventId);
  else target.searchParams.delete("last_event_id");
  return target.href;
}

export function backoffDelay(attempt, random = Math.random) {
  const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attempt));
  return ceiling / 2 + random() * (ceiling / 2);
}

export class LiveStream {
  #url;
  #handlers;
  #source = null;
  #lastEventId = "";
  #attempt = 0;
  #retryTimer = 0;
  #offlineTimer = 0;
  #state = "";
  #params;
  #subscribed = new Set();

  /**
   * handlers: state("connecting" | "live" | "offline"), eventId(id) after each event; `params`:
   * extra query parameters (which screen this is); `lastEventId`: where to resume (a screen that
   * restored what it showed before a reload).
   */
  constructor(url, handlers, { params = {}, lastEventId = "" } = {}) {
    this.#url = url;
    this.#handlers = handlers;
    this.#params = { ...params };
    this.#lastEventId = lastEventId;
    onNewType((type) => this.#subscribe(this.#source, type));
  }

  /** New query parameters; the stream reopens at once and resumes where it was. */
  setParams(params) {
    this.#params = { ...this.#params, ...params };
    if (this.#source) this.#open();
  }

  get lastEventId() {
    return this.#lastEventId;
  }

  start() {
    this.#setState("connecting");
    this.#open();
    globalThis.addEventListener?.("online", () => this.#reconnectNowIfWaiting());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.#reconnectNowIfWaiting();
    });
  }

  #open() {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = 0;
    this.#source?.close();
    const source = new EventSource(
      withLastEventId(this.#url, this.#lastEventId, undefined, this.#params),
    );
    this.#source = source;
    this.#subscribed = new Set();
    source.addEventListener("open", () => {
      if (this.#source !== source) return;
      this.#attempt = 0;
      this.#setState("live");
    });
    source.addEventListener("error", () => {
      if (this.#source !== source) return;
      if (source.readyState === EventSource.CLOSED) {
        this.#setState("offline");
        this.#scheduleReopen();
      } else {
        this.#setState("connecting");
      }
    });
    for (const type of eventTypes()) this.#subscribe(source, type);
  }

  #subscribe(source, type) {
    if (!source || source !== this.#source || this.#subscribed.has(type)) return;
    this.#subscribed.add(type);
    source.addEventListener(type, (event) => {
      if (this.#source !== source) return;
      this.#receive(type, event);
    });
  }

  #receive(type, event) {
    let data = null;
    try {
      data = JSON.parse(event.data);
    } catch {
      data = null;
    }
    if (data !== null) dispatch(type, data);
    if (event.lastEventId) {
      this.#lastEventId = event.lastEventId;
      this.#handlers.eventId?.(event.lastEventId);
    }
    if (this.#state !== "live") this.#setState("live");
  }

  #scheduleReopen() {
    this.#source?.close();
    if (this.#retryTimer) return;
    const delay = backoffDelay(this.#attempt);
    this.#attempt += 1;
    this.#retryTimer = setTimeout(() => this.#open(), delay);
  }

  #reconnectNowIfWaiting() {
    if (this.#retryTimer) this.#open();
  }

  #setState(state) {
    if (state === "connecting") {
      // A short blip stays "connecting"; a longer outage is shown as offline.
      if (this.#state === "offline" || this.#offlineTimer) return;
      this.#offlineTimer = setTimeout(() => {
        this.#offlineTimer = 0;
        if (this.#source?.readyState !== EventSource.OPEN) this.#setState("offline");
      }, OFFLINE_AFTER_MS);
    } else {
      clearTimeout(this.#offlineTimer);
      this.#offlineTimer = 0;
    }
    if (state === this.#state) return;
    this.#state = state;
    this.#handlers.state?.(state);
  }
}
