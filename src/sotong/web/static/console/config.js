// The page's configuration and its translated strings, from the JSON block the server rendered.

const block = document.getElementById("moderation-config");

export const config = JSON.parse(block?.textContent || "{}");

/** A translated string, its `%(name)s` placeholders filled from `values`. */
export function t(key, values = {}) {
  const template = config.strings?.[key] ?? key;
  return template.replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));
}

export function hasString(key) {
  return typeof config.strings?.[key] === "string";
}

export function ruleLabel(code) {
  return config.rules?.[code] ?? code;
}

export function actionLabel(action) {
  return config.actions?.[action] ?? action;
}

export function locale() {
  return document.documentElement.lang || "ko";
}
