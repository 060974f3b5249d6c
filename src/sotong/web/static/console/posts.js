// Pure helpers about posts as the console stream carries them: rules, filters and order.

/** The rule codes that sent a post to the queue (none: it just waits under pre-moderation). */
export function ruleCodes(post) {
  if (Array.isArray(post.rules)) return post.rules.filter((code) => typeof code === "string");
  return typeof post.rule === "string" && post.rule ? [post.rule] : [];
}

export function images(post) {
  return Array.isArray(post.media) ? post.media : [];
}

export function hasImage(post) {
  return images(post).length > 0;
}

/** filters: {source: "" | name, image: "" | "yes" | "no", rule: "" | "any" | "none" | code} */
export function matches(post, filters) {
  if (filters.source && post.source !== filters.source) return false;
  if (filters.image === "yes" && !hasImage(post)) return false;
  if (filters.image === "no" && hasImage(post)) return false;
  const codes = ruleCodes(post);
  if (filters.rule === "any" && codes.length === 0) return false;
  if (filters.rule === "none" && codes.length > 0) return false;
  if (filters.rule && !["any", "none"].includes(filters.rule) && !codes.includes(filters.rule)) {
    return false;
  }
  return true;
}

/** The queue: oldest first (ids sort by arrival). */
export function queueOrder(a, b) {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** On screen: pinned first, then the most recently shown. */
export function screenOrder(a, b) {
  if (Boolean(a.pinned) !== Boolean(b.pinned)) return a.pinned ? -1 : 1;
  const shownA = a.shown_at ?? "";
  const shownB = b.shown_at ?? "";
  if (shownA !== shownB) return shownA < shownB ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export function authorName(post) {
  return post.author?.name || post.author?.handle || "?";
}
