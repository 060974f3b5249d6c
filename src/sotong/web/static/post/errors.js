// The upload API's error codes, as the field they concern and the message the page shows.

import { formatWait } from "./i18n.js";

const FIELD_OF_CODE = {
  consent_required: "consent",
  photo_required: "photo",
  caption_too_long: "caption",
  name_too_long: "name",
  too_large: "photo",
  unsupported_type: "photo",
  polyglot: "photo",
  too_many_pixels: "photo",
  corrupt: "photo",
};

export const FIELDS = ["photo", "caption", "name", "consent"];

// Codes after which sending the same thing again may well work.
const RETRYABLE = new Set(["network", "server"]);

export function describeError({ code, message, field, wait }, t, limits) {
  const key = `upload_error_${code}`;
  const values = {
    max: code === "name_too_long" ? limits.name_max : limits.caption_max,
    wait: formatWait(wait ?? 0, t.locale),
  };
  const text = t.has(key) ? t(key, values) : message || t("upload_error_unknown");
  const named = FIELDS.includes(field) ? field : FIELD_OF_CODE[code];
  return { field: named || null, text, retry: RETRYABLE.has(code) };
}
