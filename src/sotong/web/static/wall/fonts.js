// Resolves once the bundled font is ready (or after a timeout), so the first layout measures cards
// in their final font instead of gliding everything into place when the font arrives.

const FAMILY = '"Sotong Gothic"';
const SAMPLE = "가A";

export function fontsLoaded(doc = document, timeoutMs = 2000) {
  const fonts = doc.fonts;
  if (!fonts?.load) return Promise.resolve();
  const loads = Promise.all([
    fonts.load(`400 16px ${FAMILY}`, SAMPLE),
    fonts.load(`700 16px ${FAMILY}`, SAMPLE),
  ]).catch(() => undefined);
  const timeout = new Promise((resolve) => setTimeout(resolve, timeoutMs));
  return Promise.race([loads, timeout]).then(() => undefined);
}
