// What the wall shows: one card per post id (insert-or-update, never a duplicate), in wall order,
// at most `limit` of them, laid out once per animation frame.

import { createCard, renderCard } from "./card.js";
import { Masonry } from "./layout.js";
import { overflow, wallOrder } from "./order.js";

const LIMIT = 60;
const LEAVE_MS = 120;
const STAGGER_MS = 45;
const STAGGER_MAX = 16;
const ENTER_MS = 900; // a little over the card-in animation in wall.css
const FRESH_MS = 6000;
const HIDDEN_STATUSES = new Set(["pending", "rejected", "removed"]);

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
  #masonry;
  #posts = new Map();
  #cards = new Map();
  #arrival = new Map();
  #entering = new Map(); // card -> {fresh}
  #frame = 0;
  #ready = false;
  #reducedMotion;
  #resizes;

  /** `ready`: a promise after which the first layout may happen (e.g. the font has loaded). */
  constructor(root, messages, { limit = LIMIT, doc = document, ready = Promise.resolve() } = {}) {
    this.#root = root;
    this.#body = doc.body;
    this.#messages = messages;
    this.#limit = limit;
    this.#masonry = new Masonry(root);
    this.#reducedMotion = globalThis.matchMedia?.("(prefers-reduced-motion: reduce)");
    const relayout = () => this.#schedule();
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
    card.classList.remove("card", "card--enter", "card--fresh");
    card.classList.add("card-leaving");
    delete card.dataset.postId;
    if (animate && !this.#reducedMotion?.matches && !card.classList.contains("card--unplaced")) {
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
      this.#layout();
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

  #layout() {
    // Featured cards stand out by their frame, not by spanning columns: a wide card in a live
    // masonry leaves holes or reshuffles the wall whenever a post arrives.
    const entries = this.#ordered().map((post) => ({
      element: this.#cards.get(post.id),
      pinned: post.pinned === true,
    }));
    const present = entries.filter((entry) => entry.element);
    this.#keepDomOrder(present.map((entry) => entry.element));
    const placed = this.#masonry.layout(present);
    if (placed.length === 0) return;
    void this.#root.offsetWidth; // commit first positions before transitions are switched on
    placed.forEach((card, index) => {
      const { fresh = false } = this.#entering.get(card) || {};
      this.#entering.delete(card);
      const delay = fresh ? 0 : Math.min(index, STAGGER_MAX) * STAGGER_MS;
      card.style.setProperty("--enter-delay", `${delay}ms`);
      card.classList.remove("card--unplaced");
      card.classList.add("card--enter");
      if (fresh) {
        card.classList.add("card--fresh");
        setTimeout(() => card.classList.remove("card--fresh"), FRESH_MS);
      }
      setTimeout(() => card.classList.remove("card--enter"), delay + ENTER_MS);
    });
  }
}
