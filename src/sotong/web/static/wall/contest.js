// The contest's winner reveal on the wall: a full-screen overlay driven step by step from the
// console through `contest` events (each carries the whole state to show), and fetched once at
// start and after a `reset`, so a screen that connects mid-reveal shows the right step.
// Names arrive masked by the server; everything is set with textContent.

const CONFETTI = 36;
const NEW_WINNER_MS = 2600;

function text(value) {
  return typeof value === "string" ? value : "";
}

function fill(template, values) {
  return text(template).replace(/\{(\w+)\}/g, (whole, name) =>
    name in values ? String(values[name]) : whole,
  );
}

function localPath(value) {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//")
    ? value
    : null;
}

function element(doc, tag, className, content = "") {
  const node = doc.createElement(tag);
  if (className) node.className = className;
  if (content) node.textContent = content;
  return node;
}

function revealUrl(doc) {
  try {
    const raw = JSON.parse(doc.getElementById("wall-config")?.textContent || "{}");
    const slug = typeof raw.slug === "string" ? raw.slug : "";
    return slug ? `/api/v1/walls/${encodeURIComponent(slug)}/contest/reveal` : null;
  } catch {
    return null;
  }
}

export class ContestReveal {
  #doc;
  #root;
  #url;
  #shownKey = "";
  #lastPlaces = 0;

  constructor(doc = document, parent = doc.body) {
    this.#doc = doc;
    this.#url = revealUrl(doc);
    this.#root = element(doc, "section", "contest-reveal");
    this.#root.hidden = true;
    this.#root.setAttribute("aria-live", "polite");
    parent.append(this.#root);
    this.refresh();
  }

  /** Ask the server what the reveal shows now (at start, and after a `reset`). */
  async refresh() {
    if (!this.#url) return;
    try {
      const response = await fetch(this.#url, { cache: "no-store" });
      if (response.ok) this.apply(await response.json());
    } catch {
      // offline: the next contest event brings the whole state anyway
    }
  }

  /** One `contest` event: the state to show. */
  apply(data) {
    if (!data || typeof data !== "object") return;
    const phase = text(data.phase);
    const body = this.#doc.body;
    if (!["intro", "prize", "winner"].includes(phase)) {
      this.#root.hidden = true;
      this.#root.replaceChildren();
      this.#shownKey = "";
      delete body.dataset.contest;
      return;
    }
    const panel = `${data.contest}:${phase === "intro" ? "intro" : "prize"}:${data.prize_index}`;
    const samePanel = panel === this.#shownKey;
    if (!samePanel) this.#lastPlaces = 0;
    this.#render(data, phase, samePanel);
    this.#shownKey = panel;
    this.#lastPlaces = Array.isArray(data.winners) ? data.winners.length : 0;
    body.dataset.contest = phase;
    this.#root.hidden = false;
  }

  #render(data, phase, samePanel) {
    const doc = this.#doc;
    const labels = data.labels && typeof data.labels === "object" ? data.labels : {};
    const panel = element(doc, "div", "contest-reveal__panel");
    panel.dataset.phase = phase;
    if (!samePanel) panel.classList.add("contest-reveal__panel--enter");
    panel.append(element(doc, "p", "contest-reveal__eyebrow", text(labels.reveal_eyebrow)));
    if (phase === "intro") {
      panel.append(element(doc, "h2", "contest-reveal__title", text(data.name)));
      const list = element(doc, "ul", "contest-reveal__prizes");
      for (const prize of Array.isArray(data.prizes) ? data.prizes : []) {
        const count = fill(labels.reveal_count, { count: Number(prize?.winners) || 0 });
        list.append(element(doc, "li", "contest-prize", `${text(prize?.name)} ${count}`));
      }
      panel.append(list);
    } else {
      const prize = data.prize && typeof data.prize === "object" ? data.prize : {};
      panel.append(
        element(doc, "h2", "contest-reveal__title", fill(labels.reveal_winners_of, { prize: text(prize.name) })),
      );
      const winners = Array.isArray(data.winners) ? data.winners : [];
      if (phase === "winner" && winners.length > 0) {
        panel.append(element(doc, "p", "contest-reveal__cheer", text(labels.reveal_congratulations)));
      }
      const list = element(doc, "ol", "contest-reveal__winners");
      list.dataset.count = String(winners.length);
      winners.forEach((winner, index) => {
        const item = element(doc, "li", "contest-winner");
        item.dataset.place = String(Number(winner?.place) || index + 1);
        const src = localPath(winner?.thumb_url);
        if (src) {
          const image = element(doc, "img", "contest-winner__image");
          image.alt = "";
          image.decoding = "async";
          image.src = src;
          item.append(image);
        }
        item.append(element(doc, "span", "contest-winner__name", text(winner?.name)));
        if (index >= this.#lastPlaces) {
          item.classList.add("contest-winner--new");
          setTimeout(() => item.classList.remove("contest-winner--new"), NEW_WINNER_MS);
        }
        list.append(item);
      });
      panel.append(list);
      if (phase === "winner" && winners.length > this.#lastPlaces) panel.append(this.#confetti());
    }
    this.#root.replaceChildren(panel);
  }

  #confetti() {
    const box = element(this.#doc, "div", "contest-confetti");
    box.setAttribute("aria-hidden", "true");
    for (let i = 0; i < CONFETTI; i += 1) {
      const piece = element(this.#doc, "span", "contest-confetti__piece");
      piece.style.setProperty("--x", `${(i * 37) % 100}vw`);
      piece.style.setProperty("--delay", `${(i % 9) * 90}ms`);
      piece.style.setProperty("--spin", `${((i * 53) % 720) - 360}deg`);
      piece.style.setProperty("--hue", `${(i * 47) % 360}`);
      box.append(piece);
    }
    return box;
  }
}
