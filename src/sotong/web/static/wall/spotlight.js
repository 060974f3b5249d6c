// The "spotlight" layout: one post at a time, large, changing with a calm cross-fade. Pinned and
// featured posts come first in every round, then the newest; a post that arrives live is shown
// right after the current one. Each post stays longer when it has more to read.

import { contentBox, placeAt, sizeTo } from "./box.js";
import { fitText } from "./fit.js";
import { highlightedFirst } from "./order.js";
import { Rotation } from "./rotation.js";

const MIN_DWELL_MS = 7000;
const MAX_DWELL_MS = 15000;
const DWELL_MS_PER_CHAR = 45;

/** How long `post` stays on screen. */
export function dwellFor(post) {
  const length = typeof post?.text === "string" ? Array.from(post.text).length : 0;
  return Math.min(MAX_DWELL_MS, MIN_DWELL_MS + length * DWELL_MS_PER_CHAR);
}

export class SpotlightLayout {
  #root;
  #requestLayout;
  #rotation = new Rotation(1);
  #current = null;
  #timer = 0;
  #dwellMs;

  constructor(root, { requestLayout, dwellMs = null }) {
    this.#root = root;
    this.#requestLayout = requestLayout;
    this.#dwellMs = dwellMs;
  }

  arrange(entries) {
    const ordered = highlightedFirst(entries.map(({ post }) => post)).map((post) => post.id);
    const live = new Set(entries.filter((entry) => entry.fresh).map(({ post }) => post.id));
    this.#rotation.sync(ordered, live);
    const [currentId = null] = this.#rotation.shown;

    const box = contentBox(this.#root);
    const entering = [];
    let currentPost = null;
    for (const { post, element, isNew } of entries) {
      const current = post.id === currentId;
      element.classList.add("card--boxed");
      sizeTo(element, box.width, box.height);
      placeAt(element, box.x, box.y);
      if (current) {
        currentPost = post;
        fitText(element, `${box.width}x${box.height}`);
        if (isNew) entering.push(element);
      }
      element.classList.toggle("is-current", current);
    }

    if (currentId !== this.#current || (!this.#timer && this.#rotation.turns)) {
      this.#current = currentId;
      this.#schedule(currentPost);
    }
    return entering;
  }

  destroy() {
    clearTimeout(this.#timer);
    this.#timer = 0;
  }

  #schedule(post) {
    clearTimeout(this.#timer);
    this.#timer = 0;
    if (!post || !this.#rotation.turns) return;
    this.#timer = setTimeout(() => {
      this.#timer = 0;
      this.#rotation.advance();
      this.#requestLayout();
    }, this.#dwellMs ?? dwellFor(post));
  }
}
