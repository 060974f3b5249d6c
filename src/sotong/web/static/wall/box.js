// Geometry shared by the layouts: the wall's content box, and cards moved and sized inside it.
// Cards are absolutely positioned at the wall's top-left corner and moved with `transform` only,
// so every move can glide on the compositor; each value is written only when it changes.

const transforms = new WeakMap();
const sizes = new WeakMap();

function snap(value) {
  const ratio = globalThis.devicePixelRatio || 1;
  return Math.round(value * ratio) / ratio;
}

/**
 * The area cards may use inside `root` (its padding box minus padding), in px from its corner,
 * with the wall's text size (`em`) and gutter (`gap`).
 */
export function contentBox(root) {
  const style = getComputedStyle(root);
  const left = parseFloat(style.paddingLeft) || 0;
  const top = parseFloat(style.paddingTop) || 0;
  const right = parseFloat(style.paddingRight) || 0;
  const bottom = parseFloat(style.paddingBottom) || 0;
  const em = parseFloat(style.fontSize) || 16;
  return {
    x: left,
    y: top,
    width: Math.max(1, root.clientWidth - left - right),
    height: Math.max(1, root.clientHeight - top - bottom),
    em,
    gap: parseFloat(style.columnGap) || em,
  };
}

export function placeAt(element, x, y) {
  const transform = `translate3d(${snap(x)}px, ${snap(y)}px, 0)`;
  if (transforms.get(element) === transform) return;
  element.style.transform = transform;
  transforms.set(element, transform);
}

/** Gives `element` a width, and a height or (null) its natural height. */
export function sizeTo(element, width, height = null) {
  const w = `${snap(width)}px`;
  const h = height === null ? "" : `${snap(height)}px`;
  const last = sizes.get(element);
  if (last && last.w === w && last.h === h) return;
  element.style.width = w;
  element.style.height = h;
  sizes.set(element, { w, h });
}

/** Forgets what was written to `element`, after its styles were cleared (a new layout). */
export function forgetPlace(element) {
  transforms.delete(element);
  sizes.delete(element);
  element.style.removeProperty("transform");
  element.style.removeProperty("width");
  element.style.removeProperty("height");
}
