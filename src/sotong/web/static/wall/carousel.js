// The "carousel" layout: a row of large cards that moves one card to the left every few seconds.
// The card leaving on the left fades out; the next one glides in from the right. A post that
// arrives live is the next to come in. When every post fits on screen the row stands still,
// centred.

import { contentBox, placeAt, sizeTo } from "./box.js";
import { fitText } from "./fit.js";
import { Rotation } from "./rotation.js";

/** Target card width, in ems of the wall's text size (3 cards at 1920 × 1080, 1 in portrait). */
export const CARD_EMS = 24;
const STEP_MS = 6000;
const AWAY_MS = 1000; // a little over the glide in wall.css

export function cardsAcross(width, em) {
  if (!(width > 0) || !(em > 0)) return 1;
  return Math.max(1, Math.round(width / (em * CARD_EMS)));
}

export class CarouselLayout {
  #root;
  #requestLayout;
  #rotation = new Rotation(1);
  #away = new Map(); // id -> timer: cards sliding out on the left
  #timer = 0;
  #stepMs;

  constructor(root, { requestLayout, dwellMs = null }) {
    this.#root = root;
    this.#requestLayout = requestLayout;
    this.#stepMs = dwellMs ?? STEP_MS;
  }

  arrange(entries) {
    const box = contentBox(this.#root);
    const across = cardsAcross(box.width, box.em);
    this.#rotation.resize(across);
    const live = new Set(entries.filter((entry) => entry.fresh).map(({ post }) => post.id));
    this.#rotation.sync(entries.map(({ post }) => post.id), live);
    const shown = this.#rotation.shown;

    const width = (box.width - (across - 1) * box.gap) / across;
    const rowWidth = shown.length * width + Math.max(0, shown.length - 1) * box.gap;
    const start = box.x + Math.max(0, (box.width - rowWidth) / 2);
    const slotX = (slot) => start + slot * (width + box.gap);

    const entering = [];
    for (const { post, element, isNew } of entries) {
      element.classList.add("card--boxed");
      sizeTo(element, width, box.height);
      const slot = shown.indexOf(post.id);
      if (slot >= 0) {
        this.#stopAway(post.id);
        element.classList.remove("is-parked", "is-away");
        placeAt(element, slotX(slot), box.y);
        fitText(element, `${width}x${box.height}`);
        if (isNew) entering.push(element);
      } else if (this.#away.has(post.id)) {
        element.classList.add("is-away");
        placeAt(element, box.x - width - box.gap, box.y);
      } else {
        // Waiting just beyond the right edge, hidden, ready to glide in.
        element.classList.remove("is-away");
        element.classList.add("is-parked");
        placeAt(element, box.x + box.width + box.gap, box.y);
      }
    }
    for (const id of this.#away.keys()) {
      if (!entries.some(({ post }) => post.id === id)) this.#stopAway(id);
    }
    if (!this.#timer && this.#rotation.turns) this.#schedule();
    return entering;
  }

  destroy() {
    clearTimeout(this.#timer);
    this.#timer = 0;
    for (const id of [...this.#away.keys()]) this.#stopAway(id);
  }

  #schedule() {
    this.#timer = setTimeout(() => {
      this.#timer = 0;
      const left = this.#rotation.advance();
      if (left !== null) {
        this.#away.set(
          left,
          setTimeout(() => {
            this.#away.delete(left);
            this.#requestLayout();
          }, AWAY_MS),
        );
      }
      this.#requestLayout();
    }, this.#stepMs);
  }

  #stopAway(id) {
    clearTimeout(this.#away.get(id));
    this.#away.delete(id);
  }
}
