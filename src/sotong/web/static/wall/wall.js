// What the wall shows: one card per post id (insert-or-update, never a duplicate), in wall order,
// at most `limit` of them, arranged by the screen's layout once per animation frame.

import { forgetPlace } from "./box.js";
import { createCard, renderCard } from "./card.js";
import { unfit } from "./fit.js";
import { createLayout } from "./layouts.js";
import { reducedMotion } from "./motion.js";
import { overflow, wallOrder } from "./order.js";

const LIMIT = 60;
const LEAVE_MS = 120;
const STAGGER_MS = 45;
const STAGGER_MAX = 16;
const ENTER_MS = 900; // a little over the card-in animation in wall.css
const FRESH_MS = 6000;
const HIDDEN_STATUSES = new Set(["pending", "rejected", "removed"]);
const LAYOUT_CLASSES = [
  "card--boxed",
  "card--offstage",
  "card--enter",
  "card--fresh",
  "is-current",
  "is-hero",
  "is-parked",
  "is-away",
];

function postId(value) {
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
}

function normalise(post) {
  if (!post || typeof post !== "object") return null;
  const id = postId(post.id);
  return id === null ? null : { ...post, id };
}

export class WallView {
  #root;
  #body;
  #messages;
  #limit;
  #layout;
  #layoutName;
  #layoutOptions;
  #posts = new Map();
  #cards = new Map();
  #arrival = new Map();
  #entering = new Map(); // card -> {fresh}
  #frame = 0;
  #ready = false;
  #reducedMotion;
  #resizes;

  /**
   * `layout`: the layout's name (see layouts.js); `dwellMs`: how long rotating layouts show a
   * post (null: their own pace); `ready`: a promise after which the first layout may happen (e.g.
   * the font has loaded).
   */
  constructor(
    root,
    messages,
    {
      layout = "masonry",
      dwellMs = null,
      limit = LIMIT,
      doc = document,
      ready = Promise.resolve(),
    } = {},
  ) {
    this.#root = root;
    this.#body = doc.body;
    this.#messages = messages;
    this.#limit = limit;
    this.#reducedMotion = reducedMotion();
    const relayout = () => this.#schedule();
    this.#layoutOptions = { requestLayout: relayout, messages, dwellMs, doc };
    this.#layoutName = layout;
    this.#layout = createLayout(layout, root, this.#layoutOptions);
    this.#resizes = new ResizeObserver(relayout);
    this.#resizes.observe(root);
    globalThis.addEventListener?.("resize", relayout);
    doc.fonts?.addEventListener?.("loadingdone", relayout);
    ready.finally(() => {
      this.#ready = true;
      relayout();
    });
    this.#updateEmpty();
  }

  /** Replaces everything shown by `posts` (newest first); cards that stay are kept, not redrawn. */
  reset(posts) {
    const incoming = (Array.isArray(posts) ? posts : []).map(normalise).filter(Boolean);
    const keep = new Set(incoming.map((post) => post.id));
    for (const id of [...this.#posts.keys()]) {
      if (!keep.has(id)) this.#drop(id, { animate: true });
    }
    const now = Date.now();
    incoming.forEach((post, index) => this.#put(post, { arrival: now - index }));
    this.#changed();
  }

  /** A post became visible or changed: insert it, or update its card in place. */
  upsert(raw) {
    const post = normalise(raw);
    if (post === null) return;
    if (typeof post.status === "string" && HIDDEN_STATUSES.has(post.status)) {
      this.#drop(post.id, { animate: true });
    } else {
      this.#put(post, { arrival: Date.now(), fresh: true });
    }
    this.#changed();
  }

  /** A post left the wall: its card goes at once. */
  remove(id) {
    const key = postId(id);
    if (key === null) return;
    this.#drop(key, { animate: true });
    this.#changed();
  }

  get size() {
    return this.#cards.size;
  }

  get layout() {
    return this.#layoutName;
  }

  /** The posts shown, in wall order (what a screen keeps to show again after a reload). */
  get posts() {
    return this.#ordered();
  }

  /**
   * Switches to another layout (or the same one with another `dwellMs`) in place: the cards are
   * kept, placed afresh and faded in; nothing is fetched again.
   */
  setLayout(name, { dwellMs = this.#layoutOptions.dwellMs } = {}) {
    if (name === this.#layoutName && dwellMs === this.#layoutOptions.dwellMs) return;
    this.#layout.destroy?.();
    this.#layoutOptions = { ...this.#layoutOptions, dwellMs };
    for (const card of this.#cards.values()) {
      card.classList.remove(...LAYOUT_CLASSES);
      forgetPlace(card);
      unfit(card);
      card.classList.add("card--unplaced");
      this.#entering.set(card, { fresh: false });
    }
    this.#layoutName = name;
    this.#layout = createLayout(name, this.#root, this.#layoutOptions);
    this.#schedule();
  }

  #put(post, { arrival, fresh = false }) {
    const existing = this.#cards.get(post.id);
    this.#posts.set(post.id, post);
    if (existing) {
      renderCard(existing, post, this.#messages);
      return;
    }
    if (!this.#arrival.has(post.id)) this.#arrival.set(post.id, arrival);
    const card = createCard(post, this.#messages);
    card.classList.add("card--unplaced");
    this.#cards.set(post.id, card);
    this.#entering.set(card, { fresh });
    this.#resizes.observe(card);
    this.#root.append(card);
  }

  #drop(id, { animate }) {
    const card = this.#cards.get(id);
    this.#posts.delete(id);
    this.#arrival.delete(id);
    if (!card) return;
    this.#cards.delete(id);
    this.#entering.delete(card);
    this.#resizes.unobserve(card);
    // Out of the wall's contract at once (no .card, no data-post-id); the ghost fades briefly.
    // Only a card that could be seen fades out; a hidden one (waiting its turn) goes at once.
    const seen = card.checkVisibility?.({ checkOpacity: true, checkVisibilityCSS: true }) ?? true;
    card.classList.remove("card", "card--enter", "card--fresh");
    card.classList.add("card-leaving");
    delete card.dataset.postId;
    if (animate && seen && !this.#reducedMotion?.matches) {
      setTimeout(() => card.remove(), LEAVE_MS);
    } else {
      card.remove();
    }
  }

  #ordered() {
    return [...this.#posts.values()].sort(wallOrder(this.#arrival));
  }

  #changed() {
    for (const id of overflow(this.#ordered(), this.#limit)) this.#drop(id, { animate: false });
    this.#updateEmpty();
    this.#schedule();
  }

  #updateEmpty() {
    this.#body.dataset.empty = String(this.#cards.size === 0);
  }

  #schedule() {
    if (this.#frame || !this.#ready) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.#arrange();
    });
  }

  /** Document order follows wall order (for assistive technology and `.card:first-child`). */
  #keepDomOrder(cards) {
    let cursor = this.#root.firstElementChild;
    for (const card of cards) {
      while (cursor?.classList.contains("card-leaving")) cursor = cursor.nextElementSibling;
      if (cursor === card) {
        cursor = cursor.nextElementSibling;
        continue;
      }
      // moveBefore keeps a moving card's running transition; insertBefore would restart it
      if (typeof this.#root.moveBefore === "function") this.#root.moveBefore(card, cursor);
      else this.#root.insertBefore(card, cursor);
    }
  }

  #arrange() {
    const entries = this.#ordered()
      .map((post) => {
        const element = this.#cards.get(post.id);
        const entering = this.#entering.get(element);
        return { post, element, isNew: Boolean(entering), fresh: entering?.fresh === true };
      })
      .filter((entry) => entry.element);
    this.#keepDomOrder(entries.map((entry) => entry.element));
    const entering = this.#layout.arrange(entries);
    const fresh = new Set(entries.filter((entry) => entry.fresh).map((entry) => entry.element));
    for (const entry of entries) this.#entering.delete(entry.element);

    const unplaced = entries.filter((entry) => entry.element.classList.contains("card--unplaced"));
    if (unplaced.length === 0 && entering.length === 0) return;
    void this.#root.offsetWidth; // commit first positions before transitions are switched on
    for (const { element } of unplaced) element.classList.remove("card--unplaced");
    entering.forEach((card, index) => {
      const isFresh = fresh.has(card);
      const delay = isFresh ? 0 : Math.min(index, STAGGER_MAX) * STAGGER_MS;
      card.style.setProperty("--enter-delay", `${delay}ms`);
      if (card.classList.contains("card--enter")) {
        card.classList.remove("card--enter");
        void card.offsetWidth; // restart the animation for a card that enters again
      }
      card.classList.add("card--enter");
      if (isFresh) {
        card.classList.add("card--fresh");
        setTimeout(() => card.classList.remove("card--fresh"), FRESH_MS);
      }
      setTimeout(() => card.classList.remove("card--enter"), delay + ENTER_MS);
    });
  }
}
