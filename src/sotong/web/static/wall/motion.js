// Whether the viewer asked for reduced motion (an operating-system setting of the screen's PC).

const QUERY = "(prefers-reduced-motion: reduce)";

/** The live media query (its `matches` follows the setting), or null where there is none. */
export function reducedMotion() {
  return globalThis.matchMedia?.(QUERY) ?? null;
}
