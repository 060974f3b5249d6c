// The attendee upload page: choose a photo, write a caption, agree, send, land on the status page.

import { NetworkError, apiError, localPath, sendForm } from "./api.js";
import { readConfig } from "./config.js";
import { preparePhoto } from "./downscale.js";
import { FIELDS, describeError } from "./errors.js";
import { characterCount, translator } from "./i18n.js";

const CODE_OF_STATUS = { 413: "too_large", 415: "unsupported_type", 429: "rate_limited" };
const DEFAULT_RETRY_SECONDS = 30;

const config = readConfig("upload-config");
const t = translator(config.messages, config.locale);
function limit(name, fallback) {
  const value = Number(config.limits?.[name]);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

const limits = {
  max_bytes: limit("max_bytes", Infinity),
  caption_max: limit("caption_max", 500),
  name_max: limit("name_max", 40),
};

const byId = (id) => document.getElementById(id);
const form = byId("upload-form");
const pickers = [byId("photo"), byId("photo-camera")].filter(Boolean);
const preview = byId("photo-preview");
const previewImage = byId("preview-image");
const caption = byId("caption");
const name = byId("name");
const consent = byId("consent");
const submitButton = byId("submit");
const progressBox = byId("progress-box");
const progress = byId("upload-progress");
const progressText = byId("progress-text");
const phase = byId("upload-phase");
const notice = byId("form-notice");
const noticeText = byId("form-message");
const retryButton = byId("retry");

const focusTarget = { photo: byId("photo"), caption, name, consent };

let chosen = null; // {file, prepared: Promise<{blob, name, resized}>}
let previewUrl = null;
let sending = false;
let cooldown = null;

function setState(state) {
  document.body.dataset.state = state;
}

function announce(text) {
  phase.textContent = text;
}

function setFieldError(field, text) {
  const error = byId(`${field}-error`);
  if (error.textContent !== text) error.textContent = text;
  focusTarget[field].setAttribute("aria-invalid", "true");
  byId(`${field}-field`).dataset.invalid = "true";
}

function clearFieldError(field) {
  byId(`${field}-error`).textContent = "";
  focusTarget[field].removeAttribute("aria-invalid");
  delete byId(`${field}-field`).dataset.invalid;
}

// While "try again" is offered it replaces the submit button: two buttons would mean the same.
function offerRetry(offer) {
  retryButton.hidden = !offer;
  submitButton.hidden = offer;
}

function showNotice(text, { retry = false } = {}) {
  noticeText.textContent = text;
  notice.dataset.kind = "error";
  offerRetry(retry);
}

function clearNotice() {
  noticeText.textContent = "";
  delete notice.dataset.kind;
  offerRetry(false);
}

function showPreview(file) {
  if (previewUrl) URL.revokeObjectURL(previewUrl);
  previewUrl = URL.createObjectURL(file);
  preview.dataset.state = "loading";
  previewImage.src = previewUrl;
}

// The photo area is a big target for a thumb: tapping it opens the gallery, like its button.
preview.addEventListener("click", () => {
  if (!sending) focusTarget.photo.click();
});

previewImage.addEventListener("load", () => {
  preview.dataset.state = "shown";
});
previewImage.addEventListener("error", () => {
  if (previewImage.getAttribute("src")) preview.dataset.state = "unavailable";
});

function choose(file) {
  if (!file || sending) return;
  chosen = { file, prepared: preparePhoto(file) };
  showPreview(file);
  clearFieldError("photo");
  clearNotice();
  setState("ready");
}

for (const picker of pickers) {
  picker.addEventListener("change", () => {
    choose(picker.files?.[0]);
    // Lets the same photo be chosen again, and keeps a second copy out of a plain form post.
    picker.value = "";
  });
}

function bindCounter(field, input, max) {
  const output = byId(`${field}-count`);
  const update = () => {
    const count = characterCount(input.value);
    output.textContent = t("upload_counter", { count, max });
    output.dataset.over = String(count > max);
    if (count > max) setFieldError(field, t(`upload_error_${field}_too_long`, { max }));
    else if (input.hasAttribute("aria-invalid")) clearFieldError(field);
  };
  input.addEventListener("input", update);
  update();
}

bindCounter("caption", caption, limits.caption_max);
bindCounter("name", name, limits.name_max);
consent.addEventListener("change", () => {
  if (consent.checked) clearFieldError("consent");
});

function problems() {
  const found = [];
  if (!chosen) found.push(["photo", t("upload_error_photo_required")]);
  if (characterCount(caption.value) > limits.caption_max) {
    found.push(["caption", t("upload_error_caption_too_long", { max: limits.caption_max })]);
  }
  if (characterCount(name.value) > limits.name_max) {
    found.push(["name", t("upload_error_name_too_long", { max: limits.name_max })]);
  }
  if (!consent.checked) found.push(["consent", t("upload_error_consent_required")]);
  return found;
}

function setBusy(busy) {
  sending = busy;
  submitButton.disabled = busy || cooldown !== null;
  form.setAttribute("aria-busy", String(busy));
  for (const picker of pickers) picker.disabled = busy;
  progressBox.hidden = !busy;
  if (busy) offerRetry(false);
}

function showProgress(loaded, total) {
  const percent = total > 0 ? Math.min(100, Math.floor((loaded / total) * 100)) : 0;
  progress.value = percent;
  progressText.textContent = percent >= 100 ? t("upload_sent") : t("upload_progress", { percent });
}

function statusPage(url) {
  if (config.locale === config.wallLocale) return url;
  return `${url}${url.includes("?") ? "&" : "?"}lang=${encodeURIComponent(config.locale)}`;
}

function waitBeforeRetry(seconds) {
  clearTimeout(cooldown);
  cooldown = setTimeout(() => {
    cooldown = null;
    submitButton.disabled = sending;
    offerRetry(true);
  }, seconds * 1000);
  submitButton.disabled = true;
}

function fail(error) {
  setBusy(false);
  setState("failed");
  announce("");
  const { field, text, retry } = describeError(error, t, limits);
  if (field) {
    setFieldError(field, text);
    focusTarget[field].focus();
    return;
  }
  showNotice(text, { retry });
  if (retry) retryButton.focus();
  if (error.code === "rate_limited") waitBeforeRetry(error.wait);
}

function answerError({ status, body, retryAfter }) {
  if (status >= 500 || (status >= 200 && status < 300)) return { code: "server" };
  const error = apiError(body);
  const code = error.code || CODE_OF_STATUS[status] || "";
  return { ...error, code, wait: retryAfter ?? DEFAULT_RETRY_SECONDS };
}

async function submit() {
  if (sending || cooldown !== null) return;
  clearNotice();
  for (const field of FIELDS) clearFieldError(field);
  const found = problems();
  if (found.length) {
    for (const [field, text] of found) setFieldError(field, text);
    focusTarget[found[0][0]].focus();
    return;
  }

  setBusy(true);
  setState("sending");
  progress.value = 0;
  progressText.textContent = t("upload_preparing");
  announce(t("upload_preparing"));
  const { file } = chosen;
  const photo = await chosen.prepared.catch(() => ({ blob: file, name: file.name || "photo" }));
  // Better said now than after a long upload on a slow network.
  if (photo.blob.size > limits.max_bytes) {
    fail({ code: "too_large" });
    return;
  }
  const data = new FormData();
  data.append("photo", photo.blob, photo.name);
  data.append("caption", caption.value.trim());
  data.append("name", name.value.trim());
  data.append("consent", "true");

  showProgress(0, 0);
  announce(t("upload_sending"));
  let answer;
  try {
    answer = await sendForm(config.uploadApi, data, { onProgress: showProgress });
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    fail({ code: "network" });
    return;
  }
  const accepted = answer.status >= 200 && answer.status < 300;
  const next = accepted ? localPath(answer.body?.status_url) : null;
  if (next) {
    setState("done");
    announce(t("upload_sent"));
    window.location.assign(statusPage(next));
    return;
  }
  fail(answerError(answer));
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  submit();
});
retryButton.addEventListener("click", () => submit());

// Coming back from the status page (back button, page cache): start afresh, not half-sent.
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) return;
  form.reset();
  chosen = null;
  preview.dataset.state = "empty";
  previewImage.removeAttribute("src");
  setBusy(false);
  clearNotice();
  announce("");
  setState("idle");
  for (const field of FIELDS) clearFieldError(field);
  caption.dispatchEvent(new Event("input"));
  name.dispatchEvent(new Event("input"));
});

setState("idle");
