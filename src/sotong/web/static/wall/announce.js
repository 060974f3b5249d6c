// The announcement band: a message the console pushes to every screen, shown across the screen
// under the title until it is cleared or its time is up.

import { at } from "./clock.js";

export class Announcement {
  #band;
  #cancel = () => {};
  #current = null;
  #onChange;

  constructor(band, { onChange = () => {} } = {}) {
    this.#band = band;
    this.#onChange = onChange;
  }

  /** `announcement`: {id, text, level, expires_at} or null (cleared). */
  show(announcement) {
    this.#cancel();
    this.#cancel = () => {};
    const valid =
      announcement && typeof announcement === "object" && typeof announcement.text === "string";
    const expires = valid ? Date.parse(announcement.expires_at ?? "") : NaN;
    this.#current = valid ? announcement : null;
    if (valid && Number.isFinite(expires)) {
      this.#cancel = at(expires, () => this.show(null));
      if (this.#current === null) return; // already over
    }
    const band = this.#band;
    if (this.#current) {
      band.querySelector(".announce__text").textContent = this.#current.text;
      band.dataset.level = this.#current.level === "urgent" ? "urgent" : "info";
      band.dataset.announcementId = String(this.#current.id ?? "");
    }
    band.hidden = this.#current === null;
    this.#onChange(this.#current !== null);
  }
}
