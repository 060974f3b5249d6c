// A countdown to a moment: the one the wall's settings name (with its label), or the start of
// the next session of the agenda. It ticks on the second, changing only its text, and says
// "starting now" for a minute when it reaches zero.

import { serverNow } from "./clock.js";

export const AFTER_MS = 60_000;

/** "1:02:03", "02:03", or with days "2일 1:02:03" / "2d 1:02:03". */
export function formatRemaining(ms, locale = "ko") {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (n) => String(n).padStart(2, "0");
  const clock = hours || days ? `${hours}:${two(minutes)}:${two(seconds)}` : `${two(minutes)}:${two(seconds)}`;
  if (!days) return clock;
  return locale === "en" ? `${days}d ${clock}` : `${days}일 ${clock}`;
}

export class Countdown {
  #panel;
  #label;
  #time;
  #toggles;
  #messages;
  #locale;
  #target = null; // {at: ms, label}
  #timer = 0;
  #onChange;

  /**
   * A countdown in `panel` (its `.panel__label` and `.countdown__time`), hidden when there is
   * nothing to count; with `inline`, only the time in `panel` is written and the panel stays.
   */
  constructor(panel, messages, { locale = "ko", onChange = () => {}, inline = false } = {}) {
    this.#panel = panel;
    this.#label = inline ? null : panel.querySelector(".panel__label");
    this.#time = panel.querySelector(".countdown__time");
    this.#toggles = !inline;
    this.#messages = messages;
    this.#locale = locale;
    this.#onChange = onChange;
  }

  /** `target`: {at (ms), label} or null. */
  set(target) {
    if (!target && !this.#target) return;
    const same =
      target && this.#target && target.at === this.#target.at && target.label === this.#target.label;
    if (same) return;
    this.#target = target && Number.isFinite(target.at) ? target : null;
    this.#tick();
  }

  #tick() {
    clearTimeout(this.#timer);
    this.#timer = 0;
    const target = this.#target;
    const remaining = target ? target.at - serverNow() : -Infinity;
    const visible = remaining > -AFTER_MS;
    if (this.#toggles) this.#panel.hidden = !visible;
    this.#time.hidden = !visible;
    this.#onChange(visible);
    if (!visible) return;
    if (this.#label) this.#label.textContent = target.label;
    const text = remaining > 0 ? formatRemaining(remaining, this.#locale) : this.#messages.countdown_now;
    if (this.#time.textContent !== text) this.#time.textContent = text;
    this.#panel.dataset.done = String(remaining <= 0);
    const wait = remaining > 0 ? remaining % 1000 || 1000 : remaining + AFTER_MS;
    this.#timer = setTimeout(() => this.#tick(), Math.max(20, wait + 5));
  }
}
