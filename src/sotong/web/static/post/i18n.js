// Localised messages: templates from i18n.py with `{name}` placeholders.

export function translator(messages, locale) {
  const strings = messages && typeof messages === "object" ? messages : {};
  const t = (key, values = {}) => {
    const template = typeof strings[key] === "string" ? strings[key] : "";
    return template.replace(/\{(\w+)\}/g, (whole, name) =>
      name in values ? String(values[name]) : whole,
    );
  };
  t.has = (key) => typeof strings[key] === "string";
  t.locale = locale === "en" ? "en" : "ko";
  return t;
}

// "30초" / "30 seconds", or whole minutes once the wait is long enough to read that way.
export function formatWait(seconds, locale) {
  const wait = Math.max(1, Math.ceil(seconds));
  const [amount, unit] = wait >= 90 ? [Math.ceil(wait / 60), "minute"] : [wait, "second"];
  try {
    const format = new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "long" });
    return format.format(amount);
  } catch {
    return `${amount} ${unit}${amount === 1 ? "" : "s"}`;
  }
}

// What the server counts: characters (code points), not UTF-16 units, so an emoji counts once.
export function characterCount(value) {
  let count = 0;
  for (const _ of value) count += 1;
  return count;
}
