// Keyboard shortcuts by physical key (event.code), so they work the same with the Korean
// keyboard layout or input method on; never while the user types in a field or a dialog is open.

const TYPING_INPUTS = new Set([
  "text", "search", "email", "password", "number", "tel", "url", "date", "datetime-local", "time",
  "month", "week",
]);

export function isTyping(target) {
  if (!(target instanceof Element)) return false;
  if (target.closest("[contenteditable=''], [contenteditable='true']")) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && TYPING_INPUTS.has(target.type);
}

/** "KeyA" -> "A", "Digit1" -> "1", "Escape" -> "Escape"; with "Shift+" when Shift is held. */
export function shortcutName(event) {
  const code = event.code || "";
  let key = code;
  if (code.startsWith("Key")) key = code.slice(3);
  else if (code.startsWith("Digit")) key = code.slice(5);
  else if (!code) key = event.key?.length === 1 ? event.key.toUpperCase() : event.key;
  return event.shiftKey ? `Shift+${key}` : key;
}

/** `handle(name, event)` returns true when it used the key. */
export function bindShortcuts(handle, doc = document) {
  doc.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.isComposing) return;
    if (isTyping(event.target) || doc.querySelector("dialog[open]")) return;
    if (handle(shortcutName(event), event)) event.preventDefault();
  });
}
