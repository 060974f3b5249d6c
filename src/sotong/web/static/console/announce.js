// Messages for everyone: a visible status line that screen readers announce politely, and an
// alert line for failures.

export function createAnnouncer(status, alert) {
  let clearAlert = 0;
  const put = (element, text) => {
    if (!element) return;
    // Emptied first, so the same message twice is announced twice.
    element.textContent = "";
    requestAnimationFrame(() => {
      element.textContent = text;
    });
  };
  return {
    say(text) {
      put(status, text);
    },
    alert(text) {
      put(alert, text);
      clearTimeout(clearAlert);
      clearAlert = setTimeout(() => {
        if (alert) alert.textContent = "";
      }, 10000);
    },
  };
}
