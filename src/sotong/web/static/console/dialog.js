// The ban confirmation: a modal <dialog> (focus stays inside, Escape cancels) asking whether
// the ban is for this wall only or for every wall.

import { t } from "./config.js";

export function createBanDialog(dialog) {
  const form = dialog.querySelector("[data-ban-form]");
  const title = dialog.querySelector("[data-ban-title]");
  const reason = form.elements.namedItem("reason");
  let settle = null;

  const finish = (answer) => {
    const done = settle;
    settle = null;
    if (dialog.open) dialog.close();
    done?.(answer);
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    finish({ scope: form.elements.namedItem("scope").value, reason: reason.value.trim() });
  });
  dialog.querySelector("[data-ban-cancel]").addEventListener("click", () => finish(null));
  dialog.addEventListener("close", () => finish(null));

  /** Resolves with {scope, reason}, or null when cancelled; focus returns where it was. */
  return function ask(authorName) {
    const returnTo = document.activeElement;
    title.textContent = t("ban_title", { author: authorName });
    form.reset();
    dialog.showModal();
    form.elements.namedItem("scope")[0]?.focus();
    return new Promise((resolve) => {
      settle = (answer) => {
        if (returnTo instanceof HTMLElement && returnTo.isConnected) returnTo.focus({ preventScroll: true });
        resolve(answer);
      };
    });
  };
}
