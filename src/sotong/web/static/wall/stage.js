// Conveniences for running the wall on a venue screen: double-click (or press F) for full screen,
// and the mouse pointer hides itself when it has not moved for a few seconds (not in an embed,
// where it belongs to the visitor of the host page).

const IDLE_MS = 2500;

function toggleFullscreen(doc) {
  if (doc.fullscreenElement) doc.exitFullscreen?.().catch(() => {});
  else doc.documentElement.requestFullscreen?.().catch(() => {});
}

export function enableStageControls(doc = document) {
  doc.addEventListener("dblclick", () => toggleFullscreen(doc));
  doc.addEventListener("keydown", (event) => {
    if (event.key === "f" || event.key === "F") toggleFullscreen(doc);
  });
  if (doc.body.dataset.embed === "true") return;
  let timer = 0;
  const wake = () => {
    doc.body.classList.remove("is-idle");
    clearTimeout(timer);
    timer = setTimeout(() => doc.body.classList.add("is-idle"), IDLE_MS);
  };
  doc.addEventListener("pointermove", wake, { passive: true });
  wake();
}
