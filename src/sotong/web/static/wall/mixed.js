// The "mixed" layout: one post large (the featured one, else the latest pinned, else the newest)
// beside a grid of the rest: side by side on a landscape screen, stacked on a portrait one. The
// grid shows whole cards only. When another post takes the large place, both cards fade into
// their new places rather than stretching.

import { contentBox, placeAt, sizeTo } from "./box.js";
import { fitText, unfit } from "./fit.js";
import { Masonry } from "./masonry.js";

const HERO_SHARE_LANDSCAPE = 0.46;
const HERO_SHARE_PORTRAIT = 0.45;

/** The post shown large, from entries in wall order (pinned first, then newest). */
export function heroOf(entries) {
  return (
    entries.find(({ post }) => post.featured === true) ??
    entries.find(({ post }) => post.pinned === true) ??
    entries[0] ??
    null
  );
}

function split(box) {
  if (box.width >= box.height) {
    const width = Math.round(box.width * HERO_SHARE_LANDSCAPE);
    return {
      hero: { x: box.x, y: box.y, width, height: box.height },
      rest: { ...box, x: box.x + width + box.gap, width: box.width - width - box.gap },
    };
  }
  const height = Math.round(box.height * HERO_SHARE_PORTRAIT);
  return {
    hero: { x: box.x, y: box.y, width: box.width, height },
    rest: { ...box, y: box.y + height + box.gap, height: box.height - height - box.gap },
  };
}

export class MixedLayout {
  #root;
  #masonry = new Masonry();
  #heroId = null;

  constructor(root) {
    this.#root = root;
  }

  arrange(entries) {
    const hero = heroOf(entries);
    const heroId = hero ? hero.post.id : null;
    const moved = [];
    if (heroId !== this.#heroId) {
      const previous = entries.find(({ post }) => post.id === this.#heroId);
      if (previous) {
        previous.element.classList.remove("card--boxed", "is-hero");
        unfit(previous.element);
        moved.push(previous);
      }
      if (hero) moved.push(hero);
      for (const { element, isNew } of moved) {
        this.#masonry.forget(element);
        if (!isNew) element.classList.add("card--unplaced"); // fade in at the new place
      }
      this.#heroId = heroId;
    }

    const { hero: heroBox, rest } = split(contentBox(this.#root));
    const entering = [];
    if (hero) {
      const { element } = hero;
      element.classList.add("card--boxed", "is-hero");
      element.classList.remove("card--offstage");
      sizeTo(element, heroBox.width, heroBox.height);
      placeAt(element, heroBox.x, heroBox.y);
      fitText(element, `${heroBox.width}x${heroBox.height}`);
      if (hero.isNew || moved.includes(hero)) entering.push(element);
    }
    const others = entries
      .filter((entry) => entry !== hero)
      .map(({ post, element }) => ({ element, pinned: post.pinned === true }));
    const placed = this.#masonry.layout(others, rest, { clip: true });
    for (const element of placed) if (!entering.includes(element)) entering.push(element);
    return entering;
  }
}
