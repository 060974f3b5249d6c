// The ticker band: the words of the newest posts crawl from right to left along the bottom of the
// screen. A post that arrives live is queued right behind the words already on screen; words that
// have crossed the screen go round again at the end of the queue. The crawl moves the track with
// `transform` only. With reduced motion the band stands still and shows one post at a time.

import { authorName, cleanText, textWithHashtags } from "./card.js";
import { reducedMotion } from "./motion.js";

const MAX_ITEMS = 24;
const MAX_CHARS = 140;
const SPEED_EMS_PER_S = 3.6;
const STILL_MS = 7000;
const REBASE_PX = 1_000_000;

function graphemes(value) {
  if (typeof Intl !== "undefined" && Intl.Segmenter) {
    return Array.from(new Intl.Segmenter().segment(value), (part) => part.segment);
  }
  return Array.from(value);
}

/** The post's text on one line, cut at `MAX_CHARS` characters with an ellipsis. */
export function excerpt(value) {
  const parts = graphemes(value.replace(/\s+/g, " ").trim());
  if (parts.length <= MAX_CHARS) return parts.join("");
  return `${parts
    .slice(0, MAX_CHARS - 1)
    .join("")
    .trimEnd()}…`;
}

export class Band {
  element;
  #track;
  #messages;
  #motion;
  #items = new Map(); // id -> {node, x, width, signature}
  #offset = 0;
  #width = 0;
  #em = 16;
  #frame = 0;
  #last = 0;
  #stillTimer = 0;
  #stillAt = null;
  #stillMs;
  #resizes;
  #onMotion = () => this.#run();

  /** `stillMs`: with reduced motion, how long each post's words stay (null: the default). */
  constructor(messages, { stillMs = null, doc = document } = {}) {
    this.#messages = messages;
    this.#stillMs = stillMs ?? STILL_MS;
    this.element = doc.createElement("aside");
    this.element.className = "band";
    // The same words are on the cards above; the band is a visual echo of them.
    this.element.setAttribute("aria-hidden", "true");
    this.#track = doc.createElement("div");
    this.#track.className = "band__track";
    this.element.append(this.#track);
    this.#motion = reducedMotion();
    this.#motion?.addEventListener?.("change", this.#onMotion);
    this.#resizes = new ResizeObserver(() => this.#measure());
    this.#resizes.observe(this.element);
  }

  /** Stops the band and takes it off the page (the screen changed layout). */
  destroy() {
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    clearTimeout(this.#stillTimer);
    this.#stillTimer = 0;
    this.#motion?.removeEventListener?.("change", this.#onMotion);
    this.#resizes.disconnect();
    this.element.remove();
  }

  /** Shows the words of `posts` (in wall order) that have any. */
  sync(posts) {
    this.#measure();
    const chosen = posts
      .map((post) => ({ post, words: excerpt(cleanText(post.text)) }))
      .filter(({ words }) => words)
      .slice(0, MAX_ITEMS);
    const keep = new Set(chosen.map(({ post }) => post.id));
    for (const [id, item] of this.#items) {
      if (keep.has(id)) continue;
      item.node.remove();
      this.#items.delete(id);
    }
    const firstFill = this.#items.size === 0;
    const added = [];
    for (const { post, words } of chosen) {
      const name = authorName(post, this.#messages);
      const signature = `${name}\n${words}`;
      const item = this.#items.get(post.id);
      if (!item) {
        added.push(this.#create(post.id, name, words, signature));
      } else if (item.signature !== signature) {
        this.#fillNode(item.node, name, words);
        item.signature = signature;
        const width = item.node.getBoundingClientRect().width;
        this.#shiftFrom(item.x + 0.5, width - item.width);
        item.width = width;
      }
    }
    if (firstFill) {
      // A screen that has just opened starts with a full band, newest words first.
      let x = this.#offset;
      for (const item of added) {
        item.x = x;
        x += item.width + this.#gap();
      }
    } else {
      for (const item of [...added].reverse()) this.#queueNext(item);
    }
    for (const item of added) this.#placeItem(item);
    this.#run();
  }

  #create(id, name, words, signature) {
    const node = this.#track.ownerDocument.createElement("span");
    node.className = "band__item";
    node.dataset.postId = id;
    this.#fillNode(node, name, words);
    this.#track.append(node);
    const item = { node, x: 0, width: node.getBoundingClientRect().width, signature };
    this.#items.set(id, item);
    return item;
  }

  #fillNode(node, name, words) {
    const doc = node.ownerDocument;
    const who = doc.createElement("span");
    who.className = "band__name";
    who.textContent = name;
    const what = doc.createElement("span");
    what.className = "band__text";
    textWithHashtags(what, words);
    node.replaceChildren(who, what);
  }

  #gap() {
    return this.#em * 2.4;
  }

  #measure() {
    this.#width = this.element.clientWidth;
    this.#em = parseFloat(getComputedStyle(this.element).fontSize) || 16;
  }

  /** Puts a live arrival right after the words that have already entered the screen. */
  #queueNext(item) {
    const edge = this.#offset + this.#width;
    let at = edge;
    for (const other of this.#items.values()) {
      if (other !== item && other.x < edge) at = Math.max(at, other.x + other.width + this.#gap());
    }
    this.#shiftFrom(at, item.width + this.#gap(), item);
    item.x = at;
  }

  #shiftFrom(x, by, except = null) {
    if (by === 0) return;
    for (const other of this.#items.values()) {
      if (other === except || other.x < x) continue;
      other.x += by;
      this.#placeItem(other);
    }
  }

  #placeItem(item) {
    item.node.style.transform = `translate3d(${item.x}px, 0, 0)`;
  }

  /** Keeps the band crawling (with reduced motion: showing one post) while it has words. */
  #run() {
    const still = this.#motion?.matches === true;
    const idle = this.#items.size === 0;
    this.element.classList.toggle("band--still", still);
    if (still || idle) {
      cancelAnimationFrame(this.#frame);
      this.#frame = 0;
    }
    if (!still || idle) {
      clearTimeout(this.#stillTimer);
      this.#stillTimer = 0;
    }
    if (idle) return;
    if (still) {
      if (!this.#stillTimer || !this.#items.has(this.#stillAt)) this.#showStill(false);
    } else if (!this.#frame) {
      this.#last = performance.now();
      this.#frame = requestAnimationFrame((now) => this.#tick(now));
    }
  }

  #tick(now) {
    const elapsed = Math.min(100, Math.max(0, now - this.#last));
    this.#last = now;
    this.#offset += (this.#em * SPEED_EMS_PER_S * elapsed) / 1000;
    this.#recycle();
    if (this.#offset > REBASE_PX) this.#rebase();
    this.#track.style.transform = `translate3d(${-this.#offset}px, 0, 0)`;
    this.#frame = requestAnimationFrame((next) => this.#tick(next));
  }

  /** Words that have left the screen on the left join the end of the queue. */
  #recycle() {
    const gone = [...this.#items.values()]
      .filter((item) => item.x + item.width < this.#offset)
      .sort((a, b) => a.x - b.x);
    for (const item of gone) {
      let tail = this.#offset + this.#width;
      for (const other of this.#items.values()) {
        if (other !== item) tail = Math.max(tail, other.x + other.width + this.#gap());
      }
      item.x = tail;
      this.#placeItem(item);
    }
  }

  #rebase() {
    for (const item of this.#items.values()) {
      item.x -= this.#offset;
      this.#placeItem(item);
    }
    this.#offset = 0;
  }

  /** Shows one post's words (the same as before, unless `next`); swaps after a while. */
  #showStill(next) {
    clearTimeout(this.#stillTimer);
    const ordered = [...this.#items.entries()].sort(([, a], [, b]) => a.x - b.x);
    const index = ordered.findIndex(([id]) => id === this.#stillAt);
    const step = index < 0 ? 0 : next ? index + 1 : index;
    const [id] = ordered[step % ordered.length];
    this.#stillAt = id;
    for (const [itemId, item] of ordered) item.node.classList.toggle("is-current", itemId === id);
    this.#stillTimer = setTimeout(() => this.#showStill(true), this.#stillMs);
  }
}
