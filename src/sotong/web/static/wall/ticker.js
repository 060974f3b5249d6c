// The "ticker" layout: a compact masonry of every post (shorter text, so more posts fit), above
// a band along the bottom where the words of the newest posts crawl by.

import { Band } from "./band.js";
import { contentBox } from "./box.js";
import { Masonry } from "./masonry.js";

export class TickerLayout {
  #root;
  #masonry = new Masonry();
  #band;

  constructor(root, { messages, dwellMs = null, doc = document }) {
    this.#root = root;
    this.#band = new Band(messages, { stillMs: dwellMs, doc });
    root.after(this.#band.element);
  }

  destroy() {
    this.#band.destroy();
  }

  arrange(entries) {
    const cards = entries.map(({ post, element }) => ({ element, pinned: post.pinned === true }));
    const placed = this.#masonry.layout(cards, contentBox(this.#root));
    this.#band.sync(entries.map(({ post }) => post));
    return placed;
  }
}
