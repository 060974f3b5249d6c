// Text in a card of fixed size (spotlight, carousel, the large post of "mixed") is clamped to the
// lines that fit, ending in an ellipsis, so a long post never runs out of its card.

const MAX_LINES = 30;
const ATTEMPTS = 4;

const fitted = new WeakMap(); // card -> {inner, key} it was last fitted for

function lineHeightOf(text) {
  const style = getComputedStyle(text);
  return parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5 || 1;
}

/**
 * Sets the card's `--lines` (read by `.card__text`'s line clamp) to what fits its body. `key`
 * names the box the card has; nothing is measured again until the box or the content changes.
 */
export function fitText(card, key) {
  const inner = card.firstElementChild;
  const last = fitted.get(card);
  if (last && last.inner === inner && last.key === key) return;
  fitted.set(card, { inner, key });
  const body = card.querySelector(".card__body");
  const text = card.querySelector(".card__text");
  card.style.setProperty("--lines", String(MAX_LINES));
  if (!body || !text) return;
  let lines = MAX_LINES;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const overflow = body.scrollHeight - body.clientHeight;
    if (overflow <= 1) return;
    const lineHeight = lineHeightOf(text);
    const shown = Math.min(lines, Math.round(text.getBoundingClientRect().height / lineHeight));
    lines = Math.max(1, shown - Math.max(1, Math.ceil(overflow / lineHeight)));
    card.style.setProperty("--lines", String(lines));
    if (lines === 1) return;
  }
}

/** Forgets a card's fit, e.g. when it returns to a layout where its height follows its text. */
export function unfit(card) {
  fitted.delete(card);
  card.style.removeProperty("--lines");
}
