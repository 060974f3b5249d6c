// Talking to the upload API. Every answer is reduced to {status, body, retryAfter}; a request that
// never got an answer (network down, connection cut) rejects with a NetworkError.

export class NetworkError extends Error {
  constructor() {
    super("network error");
    this.name = "NetworkError";
  }
}

function parseJson(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function retryAfterSeconds(value) {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, (date - Date.now()) / 1000);
}

// XMLHttpRequest rather than fetch: only it reports how much of the request body has been sent.
// A venue network can drop a connection without closing it, leaving the request hanging for
// minutes; a request that makes no progress for `stallMs` is given up as a network failure.
export function sendForm(url, form, { onProgress, stallMs = 30000 } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    let stall = null;
    const watch = () => {
      clearTimeout(stall);
      stall = setTimeout(() => xhr.abort(), stallMs);
    };
    xhr.open("POST", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (event) => {
      watch();
      if (event.lengthComputable && onProgress) onProgress(event.loaded, event.total);
    });
    xhr.addEventListener("loadend", () => clearTimeout(stall));
    xhr.addEventListener("load", () => {
      resolve({
        status: xhr.status,
        body: parseJson(xhr.responseText),
        retryAfter: retryAfterSeconds(xhr.getResponseHeader("Retry-After")),
      });
    });
    for (const failure of ["error", "abort", "timeout"]) {
      xhr.addEventListener(failure, () => reject(new NetworkError()));
    }
    watch();
    xhr.send(form);
  });
}

export async function requestJson(url, method = "GET") {
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: { Accept: "application/json" },
      cache: "no-store",
      credentials: "same-origin",
    });
  } catch {
    throw new NetworkError();
  }
  const text = await response.text().catch(() => "");
  return {
    status: response.status,
    body: parseJson(text),
    retryAfter: retryAfterSeconds(response.headers.get("Retry-After")),
  };
}

export function apiError(body) {
  const error = body && typeof body === "object" ? body.error : null;
  if (!error || typeof error !== "object") return { code: "", message: "", field: "" };
  const text = (value) => (typeof value === "string" ? value : "");
  return { code: text(error.code), message: text(error.message), field: text(error.field) };
}

// Only a path on this server: a link from an answer must never lead somewhere else.
export function localPath(value) {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") &&
    !value.startsWith("/\\")
    ? value
    : null;
}
