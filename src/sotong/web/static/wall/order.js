// The wall's order: pinned posts first, then newest first; and which posts to let go.

const TIME_FIELDS = ["shown_at", "received_at", "created_at"];

function timeOf(post, arrival) {
  for (const field of TIME_FIELDS) {
    const value = Date.parse(post[field]);
    if (Number.isFinite(value)) return value;
  }
  return arrival.get(post.id) ?? 0;
}

/** A comparator; `arrival` (id -> ms) stands in for posts that carry no timestamp at all. */
export function wallOrder(arrival = new Map()) {
  return (a, b) => {
    if ((a.pinned === true) !== (b.pinned === true)) return a.pinned === true ? -1 : 1;
    const byTime = timeOf(b, arrival) - timeOf(a, arrival);
    if (byTime !== 0) return byTime;
    return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
  };
}

/** Ids of the oldest unpinned posts beyond `limit`, for posts already in wall order. */
export function overflow(ordered, limit) {
  const drop = [];
  let excess = ordered.length - limit;
  for (let i = ordered.length - 1; i >= 0 && excess > 0; i--) {
    if (ordered[i].pinned === true) continue;
    drop.push(ordered[i].id);
    excess--;
  }
  return drop;
}

/** Posts in wall order, with the pinned and featured ones moved to the front (stable). */
export function highlightedFirst(posts) {
  const highlighted = (post) => post.pinned === true || post.featured === true;
  return [...posts.filter(highlighted), ...posts.filter((post) => !highlighted(post))];
}
