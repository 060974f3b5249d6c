// The console's live stream: what screens get, plus the queue's `queued` and `unqueued`.
//
// EventSource reconnects by itself after a network error and sends Last-Event-ID, so the server
// replays what was missed. When it gives up (the server answered with an error, e.g. the session
// ended), a new one is opened after a jittered backoff with ?last_event_id=N.

const TYPES = ["reset", "post", "remove", "queued", "unqueued", "wall"];
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 15000;

function withLastEventId(url, id) {
  const target = new URL(url, location.href);
  if (id) target.searchParams.set("last_event_id", id);
  return target.href;
}

export class ConsoleStream {
  #url;
  #handlers;
  #source = null;
  #lastEventId = "";
  #attempt = 0;
  #timer = 0;

  /** handlers: one per event type, plus state("connecting" | "live" | "offline"). */
  constructor(url, handlers) {
    this.#url = url;
    this.#handlers = handlers;
  }

  start() {
    this.#open();
    addEventListener("online", () => {
      if (this.#timer) this.#open();
    });
  }

  #open() {
    clearTimeout(this.#timer);
    this.#timer = 0;
    this.#handlers.state?.("connecting");
    const source = new EventSource(withLastEventId(this.#url, this.#lastEventId));
    this.#source = source;
    source.addEventListener("open", () => {
      if (this.#source !== source) return;
      this.#attempt = 0;
      this.#handlers.state?.("live");
    });
    source.addEventListener("error", () => {
      if (this.#source !== source) return;
      if (source.readyState === EventSource.CLOSED) {
        this.#handlers.state?.("offline");
        source.close();
        const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** this.#attempt);
        this.#attempt += 1;
        this.#timer = setTimeout(() => this.#open(), ceiling / 2 + Math.random() * (ceiling / 2));
      } else {
        this.#handlers.state?.("connecting");
      }
    });
    for (const type of TYPES) {
      source.addEventListener(type, (event) => {
        if (this.#source !== source) return;
        if (event.lastEventId) this.#lastEventId = event.lastEventId;
        let data;
        try {
          data = JSON.parse(event.data);
        } catch {
          return;
        }
        try {
          this.#handlers[type]?.(data);
        } catch (error) {
          console.error(`sotong: could not apply a "${type}" event`, error);
        }
      });
    }
  }
}
