// Masonry with sticky columns. A card keeps the column it was given, so when a post arrives only
// the column it lands in moves down; the rest of the wall stays still and readable. Cards are
// absolutely positioned and moved with `transform`, and a CSS transition on transform makes them
// glide to their new place (FLIP-style).

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

/**
 * Stacks `items` ({column, span, height}, in wall order) in their columns; a card spanning two
 * columns starts below both. Returns [{x, y, width}] relative to the wall's content box.
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

function snap(value) {
  const ratio = globalThis.devicePixelRatio || 1;
  return Math.round(value * ratio) / ratio;
}

export class Masonry {
  #root;
  #columns = 0;
  #slots = new WeakMap(); // card -> {column, span, pinned}
  #transforms = new WeakMap();
  #widths = new WeakMap();

  constructor(root) {
    this.#root = root;
  }

  /**
   * Lays out `entries` ({element, pinned, span = 1}, in wall order); returns the elements placed
   * for the first time.
   */
  layout(entries) {
    const style = getComputedStyle(this.#root);
    const left = parseFloat(style.paddingLeft) || 0;
    const top = parseFloat(style.paddingTop) || 0;
    const inner = this.#root.clientWidth - left - (parseFloat(style.paddingRight) || 0);
    const em = parseFloat(style.fontSize) || 16;
    const gap = parseFloat(style.columnGap) || em;
    const columns = columnCount(inner, em);
    const columnWidth = Math.max(1, (inner - gap * (columns - 1)) / columns);
    if (columns !== this.#columns) {
      this.#columns = columns;
      this.#slots = new WeakMap();
      this.#root.dataset.columns = String(columns);
    }

    const spans = entries.map(({ span = 1 }) => Math.max(1, Math.min(span, columns)));
    entries.forEach(({ element }, i) => {
      const width = `${snap(spans[i] * columnWidth + (spans[i] - 1) * gap)}px`;
      if (this.#widths.get(element) !== width) {
        element.style.width = width;
        this.#widths.set(element, width);
      }
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
      const x = snap(left + places[i].x);
      const y = snap(top + places[i].y);
      const transform = `translate3d(${x}px, ${y}px, 0)`;
      if (!this.#transforms.has(element)) placedFirstTime.push(element);
      if (this.#transforms.get(element) !== transform) {
        element.style.transform = transform;
        this.#transforms.set(element, transform);
      }
    });
    return placedFirstTime;
  }
}

function chooseColumnAt(fill, column, span, height, gap) {
  const level = Math.max(...fill.slice(column, column + span));
  for (let c = column; c < column + span; c++) fill[c] = level + height + gap;
}
