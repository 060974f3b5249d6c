// Which posts a rotating layout (spotlight, carousel) has on screen, and which come next.
//
// Posts are shown in rounds: a round goes through every post in priority order, then the next
// round starts again from the top. A post that arrives live jumps the queue: it comes right after
// the ones on screen (after earlier arrivals that have not been shown yet).

export class Rotation {
  #capacity;
  #shown = [];
  #queue = [];
  #jumpers = new Set();
  #order = [];
  #known = new Set(); // every post of the last sync, shown this round or not

  /** `capacity`: how many posts are on screen at once. */
  constructor(capacity = 1) {
    this.#capacity = Math.max(1, capacity);
  }

  get shown() {
    return [...this.#shown];
  }

  /** Whether there are more posts than fit on screen, so advancing shows something new. */
  get turns() {
    return this.#order.length > this.#capacity;
  }

  resize(capacity) {
    this.#capacity = Math.max(1, capacity);
    while (this.#shown.length > this.#capacity) this.#queue.unshift(this.#shown.pop());
    this.#fill([]);
  }

  /** `orderedIds`: every post, in priority order; `liveIds`: those that just arrived live. */
  sync(orderedIds, liveIds = new Set()) {
    const known = this.#known;
    const present = new Set(orderedIds);
    this.#known = present;
    this.#order = [...orderedIds];
    this.#shown = this.#shown.filter((id) => present.has(id));
    this.#queue = this.#queue.filter((id) => present.has(id));
    for (const id of this.#jumpers) if (!present.has(id)) this.#jumpers.delete(id);

    const newcomers = orderedIds.filter((id) => !known.has(id));
    // On a screen that has shown nothing yet, nothing jumps: every post takes its place in order.
    const jumping = known.size === 0 ? [] : newcomers.filter((id) => liveIds.has(id));
    // Priority order lists the newest first; live arrivals queue up oldest first.
    for (const id of [...jumping].reverse()) {
      this.#queue.splice(this.#jumpers.size, 0, id);
      this.#jumpers.add(id);
    }
    // Posts that came without fanfare (the first load, a reset) take their turn in this round.
    const quiet = newcomers.filter((id) => !jumping.includes(id));
    this.#queue.push(...quiet);
    this.#fill([]);
  }

  /** Moves on by one post; returns the id that left the screen, or null when nothing moved. */
  advance() {
    if (!this.turns || this.#shown.length === 0) return null;
    const left = this.#shown.shift();
    this.#fill([left]);
    if (this.#shown.length < this.#capacity) this.#shown.push(left);
    return this.#shown.includes(left) ? null : left;
  }

  #fill(exclude) {
    while (this.#shown.length < this.#capacity) {
      const next = this.#next(exclude);
      if (next === null) return;
      this.#shown.push(next);
    }
  }

  #next(exclude) {
    if (this.#queue.length === 0) {
      // A new round, in the current priority order; it does not open with the post that has
      // just been shown (that one comes second).
      this.#queue = this.#order.filter((id) => !this.#shown.includes(id));
      if (this.#queue.length > 1 && exclude.includes(this.#queue[0])) {
        [this.#queue[0], this.#queue[1]] = [this.#queue[1], this.#queue[0]];
      }
    }
    const id = this.#queue.shift();
    if (id === undefined) return null;
    this.#jumpers.delete(id);
    return id;
  }
}
