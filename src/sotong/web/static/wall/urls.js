// Which image URLs from a post the page is willing to load.

const ABSOLUTE = /^https?:\/\//i;

/**
 * `value` resolved to an absolute URL when it is http(s) or a same-origin path ("/media/a.jpg");
 * null for anything else (javascript:, data:, blob:, "//host/x", "a.jpg", non-strings).
 */
export function safeImageUrl(value, base = globalThis.location?.href) {
  if (typeof value !== "string") return null;
  const candidate = value.trim();
  const isPath = candidate.startsWith("/") && !/^\/[\\/]/.test(candidate);
  if (!isPath && !ABSOLUTE.test(candidate)) return null;
  try {
    const url = isPath ? new URL(candidate, base) : new URL(candidate);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}
