// The bans tab: bans that keep authors off this wall (its own and every-wall bans), and lifting.

import { t } from "./config.js";
import { clockTime } from "./item.js";

function cell(text, className) {
  const node = document.createElement("td");
  if (className) node.className = className;
  node.textContent = text;
  return node;
}

function renderBan(ban) {
  const row = document.createElement("tr");
  row.dataset.ban = ban.id;
  const author = cell(ban.author_name);
  const key = document.createElement("div");
  key.className = "muted";
  key.textContent = ban.author_key;
  author.append(key);
  const when = new Date(ban.created_at);
  const banned = cell(
    `${when.toLocaleDateString()} ${clockTime(ban.created_at)} · ${String(ban.created_by).replace(/^user:/, "")}`,
  );
  row.append(
    author,
    cell(ban.source),
    cell(ban.scope === "all" ? t("all_walls") : t("this_wall")),
    cell(ban.reason || ""),
    banned,
  );
  const actions = document.createElement("td");
  if (!ban.lifted_at) {
    const lift = document.createElement("button");
    lift.type = "button";
    lift.dataset.lift = ban.id;
    lift.dataset.author = ban.author_name;
    lift.textContent = t("lift");
    lift.setAttribute("aria-label", t("lift_named", { author: ban.author_name }));
    actions.append(lift);
  } else {
    actions.className = "muted";
    actions.textContent = String(ban.lifted_by || "").replace(/^user:/, "");
  }
  row.append(actions);
  return row;
}

export class BansView {
  #body;
  #empty;
  #lifted;
  #api;

  constructor({ body, empty, lifted, api }) {
    this.#body = body;
    this.#empty = empty;
    this.#lifted = lifted;
    this.#api = api;
    lifted.addEventListener("change", () => this.refresh());
  }

  async refresh() {
    const { bans } = await this.#api.bans(this.#lifted.checked);
    this.#body.replaceChildren(...bans.map(renderBan));
    this.#empty.hidden = bans.length > 0;
    this.#empty.textContent = t("empty_bans");
  }
}
