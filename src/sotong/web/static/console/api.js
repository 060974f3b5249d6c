// The console's moderation API: JSON over fetch, with the session's CSRF token on every change.

export class ApiProblem extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function createApi(base, csrf) {
  async function call(method, path, body) {
    let response;
    try {
      response = await fetch(base + path, {
        method,
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
          ...(method === "GET" ? {} : { "X-CSRF-Token": csrf }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiProblem(0, "network", "network");
    }
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (!response.ok) {
      const error = data?.error ?? {};
      throw new ApiProblem(response.status, error.code ?? "error", error.message ?? response.statusText);
    }
    return data;
  }

  const post = (id) => `/posts/${encodeURIComponent(id)}`;
  return {
    decide: (id, action) => call("POST", `${post(id)}/decision`, { action }),
    decideMany: (ids, action) => call("POST", "/decisions", { ids, action }),
    ban: (id, scope, reason) => call("POST", `${post(id)}/ban`, { scope, reason: reason || null }),
    bans: (lifted) => call("GET", `/bans${lifted ? "?lifted=true" : ""}`),
    lift: (banId) => call("POST", `/bans/${Number(banId)}/lift`, {}),
    history: (before) => call("GET", `/history${before ? `?before=${Number(before)}` : ""}`),
    undo: (decisionId) => call("POST", `/history/${Number(decisionId)}/undo`, {}),
  };
}
