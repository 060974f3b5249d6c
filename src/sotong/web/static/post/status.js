// The uploader's private status page: what became of the post, kept fresh by polling, and a way to
// delete it.

import { NetworkError, localPath, requestJson } from "./api.js";
import { readConfig } from "./config.js";
import { translator } from "./i18n.js";
import { renderPrize } from "./prize.js";
import { describeStatus, isActive } from "./status-text.js";

const POLL_MS = 5000;
const COPIED_MS = 2500;

const config = readConfig("status-config");
const t = translator(config.messages, config.locale);

const byId = (id) => document.getElementById(id);
const body = document.body;
const photo = byId("status-photo");
const thumb = byId("status-thumb");
const headline = byId("status-headline");
const detail = byId("status-detail");
const captionText = byId("status-caption");
const nameText = byId("status-name");
const offline = byId("status-offline");
const deleteBox = byId("delete-box");
const deleteOpen = byId("delete-open");
const deleteConfirm = byId("delete-confirm");
const deleteQuestion = byId("delete-question");
const deleteYes = byId("delete-yes");
const deleteNo = byId("delete-no");
const deleteMessage = byId("delete-message");
const copyButton = byId("copy-link");
const copyMessage = byId("copy-message");

let finished = false; // removed or rejected: nothing changes any more
let timer = null;
let polling = false;
let deleting = false;
let generation = 0; // answers to requests started before a deletion are stale
let brokenThumb = null;

function text(value) {
  return typeof value === "string" ? value : "";
}

function render(status) {
  body.dataset.status = text(status.status) || "unknown";
  body.dataset.reason = text(status.reason);

  const { headline: line, detail: more } = describeStatus(status, t);
  if (headline.textContent !== line) headline.textContent = line;
  detail.textContent = more;
  detail.hidden = !more;

  const src = localPath(status.thumb_url);
  if (src && thumb.getAttribute("src") !== src) thumb.src = src;
  photo.dataset.state = src && src !== brokenThumb ? "shown" : "waiting";

  const caption = text(status.caption).trim();
  captionText.textContent = caption;
  captionText.hidden = !caption;
  nameText.textContent = text(status.name).trim() || t("status_anonymous");

  renderPrize(status.prize, config.prizeMessages, document);
  finished = !isActive(status);
  deleteBox.hidden = status.status === "removed";
}

function showNotFound() {
  finished = true;
  body.dataset.status = "missing";
  headline.textContent = t("status_not_found");
  detail.hidden = true;
  deleteBox.hidden = true;
  stopPolling();
}

function stopPolling() {
  clearTimeout(timer);
  timer = null;
}

function schedule() {
  stopPolling();
  if (finished || deleting || document.hidden) return;
  timer = setTimeout(poll, POLL_MS);
}

async function poll() {
  timer = null;
  if (finished || deleting || polling || document.hidden) return;
  polling = true;
  const started = generation;
  try {
    const answer = await requestJson(config.statusApi);
    if (started !== generation || finished) return;
    offline.hidden = true;
    if (answer.status === 200 && answer.body) render(answer.body);
    else if (answer.status === 404) showNotFound();
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    offline.hidden = false;
  } finally {
    polling = false;
    schedule();
  }
}

document.addEventListener("visibilitychange", () => {
  if (document.hidden) stopPolling();
  else if (!timer && !polling) poll();
});

function openConfirm() {
  deleteConfirm.hidden = false;
  deleteOpen.setAttribute("aria-expanded", "true");
  deleteMessage.textContent = "";
  deleteQuestion.focus();
}

function closeConfirm() {
  deleteConfirm.hidden = true;
  deleteOpen.setAttribute("aria-expanded", "false");
  deleteOpen.focus();
}

async function deletePost() {
  deleting = true;
  deleteOpen.disabled = true;
  deleteYes.disabled = true;
  deleteNo.disabled = true;
  deleteMessage.textContent = t("status_deleting");
  generation += 1;
  stopPolling();
  let answer = null;
  try {
    answer = await requestJson(config.statusApi, "DELETE");
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
  }
  deleting = false;
  deleteOpen.disabled = false;
  deleteYes.disabled = false;
  deleteNo.disabled = false;
  if (answer?.status === 200 && answer.body) {
    render(answer.body);
    deleteConfirm.hidden = true;
    headline.focus();
    return;
  }
  if (answer?.status === 404) {
    showNotFound();
    return;
  }
  deleteMessage.textContent = t("status_delete_failed");
  schedule();
}

deleteOpen.addEventListener("click", () => {
  if (deleteConfirm.hidden) openConfirm();
  else closeConfirm();
});
deleteNo.addEventListener("click", closeConfirm);
deleteYes.addEventListener("click", deletePost);
deleteConfirm.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !deleteYes.disabled) closeConfirm();
});

thumb.addEventListener("error", () => {
  brokenThumb = thumb.getAttribute("src");
  photo.dataset.state = "waiting";
});

if (copyButton && navigator.clipboard && window.isSecureContext) {
  copyButton.hidden = false;
  copyButton.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(window.location.href);
      copyMessage.textContent = t("status_link_copied");
      setTimeout(() => {
        copyMessage.textContent = "";
      }, COPIED_MS);
    } catch {
      copyButton.hidden = true;
    }
  });
}

if (config.status && typeof config.status === "object") {
  render(config.status);
  schedule();
} else {
  poll();
}
