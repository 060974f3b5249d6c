// The wall's layouts by name. Each one places the cards the wall gives it:
// `arrange(entries)` gets {post, element, isNew, fresh} in wall order, puts every element in
// its place, and returns the elements that should play the entrance animation.

import { CarouselLayout } from "./carousel.js";
import { MasonryLayout } from "./masonry.js";
import { MixedLayout } from "./mixed.js";
import { SpotlightLayout } from "./spotlight.js";
import { TickerLayout } from "./ticker.js";

const LAYOUTS = {
  masonry: MasonryLayout,
  spotlight: SpotlightLayout,
  carousel: CarouselLayout,
  ticker: TickerLayout,
  mixed: MixedLayout,
};

/**
 * `options`: {requestLayout() to arrange again soon, messages, dwellMs (null: the layout's own
 * pace), doc}.
 */
export function createLayout(name, root, options) {
  const known = Object.hasOwn(LAYOUTS, name) ? name : "masonry";
  root.dataset.layout = known;
  return new LAYOUTS[known](root, options);
}
