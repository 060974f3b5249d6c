// Paints a BlurHash (https://blurha.sh) placeholder while a post's image loads.

const DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";
const SIZE = 32;

function decode83(text) {
  let value = 0;
  for (const char of text) {
    const digit = DIGITS.indexOf(char);
    if (digit < 0) throw new RangeError("not a blurhash");
    value = value * 83 + digit;
  }
  return value;
}

function toLinear(channel) {
  const v = channel / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

function toSrgb(linear) {
  const v = Math.min(1, Math.max(0, linear));
  return Math.round((v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055) * 255);
}

function signedSquare(v) {
  return Math.sign(v) * v * v;
}

/** RGBA pixels (width × height) for `hash`, or null when it is not a valid BlurHash. */
export function decodeBlurhash(hash, width = SIZE, height = SIZE) {
  if (typeof hash !== "string" || hash.length < 6 || hash.length > 200) return null;
  try {
    const sizeFlag = decode83(hash[0]);
    const nx = (sizeFlag % 9) + 1;
    const ny = Math.floor(sizeFlag / 9) + 1;
    if (hash.length !== 4 + 2 * nx * ny) return null;
    const maximum = (decode83(hash[1]) + 1) / 166;
    const dc = decode83(hash.slice(2, 6));
    const colors = [[toLinear(dc >> 16), toLinear((dc >> 8) & 255), toLinear(dc & 255)]];
    for (let i = 1; i < nx * ny; i++) {
      const ac = decode83(hash.slice(4 + i * 2, 6 + i * 2));
      colors.push([
        signedSquare((Math.floor(ac / 361) - 9) / 9) * maximum,
        signedSquare(((Math.floor(ac / 19) % 19) - 9) / 9) * maximum,
        signedSquare(((ac % 19) - 9) / 9) * maximum,
      ]);
    }
    const pixels = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (let j = 0; j < ny; j++) {
          for (let i = 0; i < nx; i++) {
            const basis =
              Math.cos((Math.PI * x * i) / width) * Math.cos((Math.PI * y * j) / height);
            const color = colors[i + j * nx];
            r += color[0] * basis;
            g += color[1] * basis;
            b += color[2] * basis;
          }
        }
        const at = 4 * (x + y * width);
        pixels[at] = toSrgb(r);
        pixels[at + 1] = toSrgb(g);
        pixels[at + 2] = toSrgb(b);
        pixels[at + 3] = 255;
      }
    }
    return pixels;
  } catch {
    return null;
  }
}

/** A small canvas showing `hash`, or null when the hash is missing or invalid. */
export function blurhashCanvas(hash, doc = document) {
  const pixels = decodeBlurhash(hash);
  if (!pixels) return null;
  const canvas = doc.createElement("canvas");
  canvas.width = SIZE;
  canvas.height = SIZE;
  const context = canvas.getContext("2d");
  if (!context) return null;
  context.putImageData(new ImageData(pixels, SIZE, SIZE), 0, 0);
  canvas.setAttribute("aria-hidden", "true");
  return canvas;
}
