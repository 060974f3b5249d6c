// Makes a phone photo small enough for a venue network before it is sent. Photos the browser
// cannot decode (HEIC in Chromium, for one) go as they are: the server reads those itself.

export const MAX_EDGE = 2560;
export const MAX_UNTOUCHED_BYTES = 2 * 1024 * 1024;
export const JPEG_QUALITY = 0.88;

function original(file) {
  return { blob: file, name: file.name || "photo", resized: false };
}

function jpegName(name) {
  const base = (name || "photo").replace(/\.[^./\\]*$/, "") || "photo";
  return `${base}.jpg`;
}

async function encodeJpeg(bitmap, width, height, doc) {
  const canvas =
    typeof OffscreenCanvas === "function"
      ? new OffscreenCanvas(width, height)
      : Object.assign(doc.createElement("canvas"), { width, height });
  const context = canvas.getContext("2d", { alpha: false });
  if (!context) return null;
  // JPEG has no transparency: a transparent PNG would otherwise turn black.
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, width, height);
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = "high";
  context.drawImage(bitmap, 0, 0, width, height);
  if (canvas.convertToBlob) {
    return canvas.convertToBlob({ type: "image/jpeg", quality: JPEG_QUALITY });
  }
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", JPEG_QUALITY));
}

export async function preparePhoto(file, doc = document) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return original(file);
  }
  try {
    const longest = Math.max(bitmap.width, bitmap.height);
    if (longest <= MAX_EDGE && file.size <= MAX_UNTOUCHED_BYTES) return original(file);
    const scale = Math.min(1, MAX_EDGE / longest);
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const blob = await encodeJpeg(bitmap, width, height, doc).catch(() => null);
    if (!blob || (scale === 1 && blob.size >= file.size)) return original(file);
    return { blob, name: jpegName(file.name), resized: true };
  } finally {
    bitmap.close?.();
  }
}
