// The display page's live preview: the wall in an iframe (/w/<slug>?preview=1), scaled to fit,
// showing the form's unsaved values. Each change asks the server what screens would get (the
// same contrast check as a save) and hands the answer to the preview page.

const form = document.getElementById("display-form");
const frame = document.getElementById("display-preview");
const errors = document.getElementById("colours-error");
let timer = 0;
let asked = 0;

function fit() {
  const box = frame.parentElement.getBoundingClientRect();
  frame.style.transform = `scale(${box.width / 1920})`;
}

async function preview() {
  const ticket = ++asked;
  const body = new FormData(form);
  const response = await fetch(form.dataset.previewUrl, {
    method: "POST",
    body: new URLSearchParams(body),
    headers: { "X-CSRF-Token": body.get("csrf_token") },
    credentials: "same-origin",
  });
  if (ticket !== asked) return;
  const answer = await response.json().catch(() => ({}));
  errors.textContent = "";
  if (!response.ok) {
    const message = Object.values(answer.errors ?? {}).join(" ");
    const line = document.createElement("p");
    line.className = "field-error";
    line.textContent = message;
    errors.append(line);
    return;
  }
  frame.contentWindow?.postMessage(
    { type: "sotong:preview", wall: answer.wall },
    globalThis.location.origin,
  );
}

if (form && frame) {
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => preview().catch(() => {}), 250);
  });
  new ResizeObserver(fit).observe(frame.parentElement);
  fit();
}
