// Masonry with sticky columns. A card keeps the column it was given, so when a post arrives only
// the column it lands in moves down; the rest of the wall stays still and readable. A CSS
// transition on transform makes moved cards glide to their new place (FLIP-style).

import { contentBox, placeAt, sizeTo } from "./box.js";

/** Target column width, in ems of the wall's text size. */
export const COLUMN_EMS = 17.5;
const MAX_COLUMNS = 12;

/** How many columns fit in `width` px for text of `em` px (4 at 1920 × 1080, 2 at 1080 × 1920). */
export function columnCount(width, em) {
  if (!(width > 0) || !(em > 0)) return 1;
  return Math.max(1, Math.min(MAX_COLUMNS, Math.round(width / (em * COLUMN_EMS))));
}

/**
 * The column for a new card of `span` columns: the leftmost of the columns whose `fill` (how much
 * is already stacked there) is lowest. Updates `fill` with the card's `height` (+ gap).
 */
export function chooseColumn(fill, span, height, gap) {
  const width = Math.max(1, Math.min(span, fill.length));
  let column = 0;
  let best = Infinity;
  for (let c = 0; c + width <= fill.length; c++) {
    const level = Math.max(...fill.slice(c, c + width));
    if (level < best - 0.5) {
      column = c;
      best = level;
    }
  }
  for (let c = column; c < column + width; c++) fill[c] = best + height + gap;
  return column;
}

function chooseColumnAt(fill, column, span, height, gap) {
  const level = Math.max(...fill.slice(column, column + span));
  for (let c = column; c < column + span; c++) fill[c] = level + height + gap;
}

/**
 * Stacks `items` ({column, span, height}, in wall order) in their columns; a card spanning two
 * columns starts below both. Returns [{x, y, width}] relative to the region's corner.
 */
export function stackItems(items, { columns, columnWidth, gap }) {
  const bottoms = new Array(columns).fill(0);
  return items.map(({ column, span, height }) => {
    const width = Math.max(1, Math.min(span, columns));
    const first = Math.max(0, Math.min(column, columns - width));
    const y = Math.max(...bottoms.slice(first, first + width));
    for (let c = first; c < first + width; c++) bottoms[c] = y + height + gap;
    return {
      x: first * (columnWidth + gap),
      y,
      width: width * columnWidth + (width - 1) * gap,
    };
  });
}

export class Masonry {
  #columns = 0;
  #slots = new WeakMap(); // card -> {column, span, pinned}
  #seen = new WeakSet();

  /**
   * Lays out `entries` ({element, pinned, span = 1}, in wall order) in `region` (a content box).
   * With `clip`, cards that would reach below the region are hidden instead of cut. Returns the
   * elements placed for the first time.
   */
  layout(entries, region, { clip = false } = {}) {
    const { em, gap } = region;
    const columns = columnCount(region.width, em);
    const columnWidth = Math.max(1, (region.width - gap * (columns - 1)) / columns);
    if (columns !== this.#columns) {
      this.#columns = columns;
      this.#slots = new WeakMap();
    }

    const spans = entries.map(({ span = 1 }) => Math.max(1, Math.min(span, columns)));
    entries.forEach(({ element }, i) => {
      sizeTo(element, spans[i] * columnWidth + (spans[i] - 1) * gap);
    });
    const heights = entries.map(({ element }) => element.getBoundingClientRect().height);

    // Cards that keep their slot count towards the fill; the others get the emptiest column
    // (pinned cards: the one with the fewest pinned cards, so they line up along the top).
    const fill = new Array(columns).fill(0);
    const pinnedFill = new Array(columns).fill(0);
    const kept = entries.map(({ element, pinned }, i) => {
      const slot = this.#slots.get(element);
      if (!slot || slot.span !== spans[i] || slot.pinned !== pinned) return false;
      for (let c = slot.column; c < slot.column + spans[i]; c++) {
        fill[c] += heights[i] + gap;
        if (pinned) pinnedFill[c] += heights[i] + gap;
      }
      return true;
    });
    entries.forEach(({ element, pinned }, i) => {
      if (kept[i]) return;
      const column = chooseColumn(pinned ? pinnedFill : fill, spans[i], heights[i], gap);
      if (pinned) chooseColumnAt(fill, column, spans[i], heights[i], gap);
      this.#slots.set(element, { column, span: spans[i], pinned });
    });

    const places = stackItems(
      entries.map(({ element }, i) => ({
        column: this.#slots.get(element).column,
        span: spans[i],
        height: heights[i],
      })),
      { columns, columnWidth, gap },
    );

    const placedFirstTime = [];
    entries.forEach(({ element }, i) => {
      placeAt(element, region.x + places[i].x, region.y + places[i].y);
      element.classList.toggle("card--offstage", clip && places[i].y + heights[i] > region.height);
      if (!this.#seen.has(element)) {
        this.#seen.add(element);
        placedFirstTime.push(element);
      }
    });
    return placedFirstTime;
  }

  /** Lets a card that leaves the masonry (e.g. to be shown large) start afresh when it returns. */
  forget(element) {
    this.#slots.delete(element);
    this.#seen.delete(element);
  }
}

/** The "masonry" layout: every post in sticky columns, newest on top, the rest flowing below. */
export class MasonryLayout {
  #root;
  #masonry = new Masonry();

  constructor(root) {
    this.#root = root;
  }

  arrange(entries) {
    const cards = entries.map(({ post, element }) => ({ element, pinned: post.pinned === true }));
    return this.#masonry.layout(cards, contentBox(this.#root));
  }
}
