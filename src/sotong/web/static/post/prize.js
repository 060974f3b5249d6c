// The prize box of the uploader's status page: shown once the win is announced on the wall, with
// the claim code and the link to the claim form (only winners are ever asked for contact details).

import { localPath } from "./api.js";

function fill(template, values) {
  return String(template || "").replace(/\{(\w+)\}/g, (whole, name) =>
    name in values ? String(values[name]) : whole,
  );
}

export function renderPrize(prize, messages, doc = document) {
  const box = doc.getElementById("prize-box");
  if (!box) return;
  if (!prize || typeof prize !== "object") {
    box.hidden = true;
    return;
  }
  const t = messages && typeof messages === "object" ? messages : {};
  const text = (value) => (typeof value === "string" ? value : "");
  doc.getElementById("prize-body").textContent = fill(t.prize_body, {
    contest: text(prize.contest),
    prize: text(prize.prize),
  });
  doc.getElementById("prize-code").textContent = fill(t.prize_code, { code: text(prize.code) });
  const state = text(prize.state);
  doc.getElementById("prize-state").textContent =
    state === "claimed" ? text(t.prize_claimed) : state === "delivered" ? text(t.prize_delivered) : "";
  const link = doc.getElementById("prize-claim");
  const href = localPath(prize.claim_url);
  if (href) link.setAttribute("href", href + (globalThis.location?.search || ""));
  link.hidden = state !== "unclaimed" || !href;
  box.hidden = false;
}
