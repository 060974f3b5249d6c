// What a screen shows, kept in the browser's storage, so a screen reloaded while the network or
// the server is down shows the same posts at once instead of an empty wall. The stream then starts
// afresh: its `reset` replaces them in one swap (cards that stay are kept, by id), so a saved state
// from another database or an old release can never linger.

const VERSION = 1;
const MAX_AGE_MS = 3 * 24 * 3600 * 1000;
const SAVE_EVERY_MS = 2000;

function key(slug) {
  return `sotong:wall:${slug}`;
}

/** The saved state of a wall's screen: {posts, announcement, agenda, wall, savedAt}, or null. */
export function restore(slug, storage = globalThis.localStorage) {
  try {
    const saved = JSON.parse(storage?.getItem(key(slug)) ?? "null");
    if (!saved || saved.version !== VERSION || !Array.isArray(saved.posts)) return null;
    if (!(Date.now() - saved.savedAt < MAX_AGE_MS)) return null;
    return saved;
  } catch {
    return null;
  }
}

export class Persister {
  #slug;
  #read;
  #storage;
  #timer = 0;

  /** `read()` returns the state to keep; it is saved at most every two seconds. */
  constructor(slug, read, storage = globalThis.localStorage) {
    this.#slug = slug;
    this.#read = read;
    this.#storage = storage;
    globalThis.addEventListener?.("pagehide", () => this.save());
  }

  schedule() {
    if (this.#timer) return;
    this.#timer = setTimeout(() => this.save(), SAVE_EVERY_MS);
  }

  save() {
    clearTimeout(this.#timer);
    this.#timer = 0;
    try {
      const state = this.#read();
      if (!state) return;
      this.#storage?.setItem(
        key(this.#slug),
        JSON.stringify({ version: VERSION, savedAt: Date.now(), ...state }),
      );
    } catch {
      // Storage full or disabled: the screen still works, it just starts empty after a reload.
    }
  }
}
