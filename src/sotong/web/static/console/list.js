// A list of posts (the queue, or what is on screen): one element per post id, kept in order and
// filtered, with a current post (roving focus, J/K) and a selection (X, bulk actions).

import { renderItem } from "./item.js";

export class ListView {
  #root;
  #kind;
  #order;
  #onChange;
  #posts = new Map();
  #elements = new Map();
  #filter = () => true;
  #currentId = null;
  #selected = new Set();

  constructor(root, { kind, order, onChange = () => {} }) {
    this.#root = root;
    this.#kind = kind;
    this.#order = order;
    this.#onChange = onChange;
  }

  get size() {
    return this.#posts.size;
  }

  get(id) {
    return this.#posts.get(id) ?? null;
  }

  all() {
    return [...this.#posts.values()];
  }

  /** Replace everything; the current post and the selection stay where they still can. */
  reset(posts) {
    const keep = new Set(posts.map((post) => post.id));
    for (const id of [...this.#posts.keys()]) if (!keep.has(id)) this.#forget(id);
    for (const post of posts) this.#put(post);
    this.#render();
  }

  /** Insert or update; `merge` keeps fields the new version lacks (a screen event has no reason). */
  upsert(post, { merge = false } = {}) {
    const old = this.#posts.get(post.id);
    this.#put(merge && old ? { ...old, ...post } : post);
    this.#render();
  }

  /** Take a post out; the current post moves on to its neighbour. Returns the post, if it was here. */
  remove(id) {
    const post = this.#posts.get(id);
    if (!post) return null;
    const hadFocus = this.#elements.get(id)?.contains(document.activeElement) ?? false;
    if (this.#currentId === id) {
      const visible = this.visibleIds();
      const index = visible.indexOf(id);
      this.#currentId = visible[index + 1] ?? visible[index - 1] ?? null;
    }
    this.#forget(id);
    this.#render();
    if (hadFocus) this.focusCurrent();
    return post;
  }

  setFilter(filter) {
    this.#filter = filter;
    this.#render();
  }

  visibleIds() {
    return this.all()
      .filter((post) => this.#filter(post))
      .sort(this.#order)
      .map((post) => post.id);
  }

  current() {
    const visible = this.visibleIds();
    if (this.#currentId && visible.includes(this.#currentId)) return this.#posts.get(this.#currentId);
    return visible.length ? this.#posts.get(visible[0]) : null;
  }

  setCurrent(id, { focus = false } = {}) {
    if (!this.#posts.has(id)) return;
    this.#currentId = id;
    this.#render();
    if (focus) this.focusCurrent();
  }

  move(delta) {
    const visible = this.visibleIds();
    if (!visible.length) return;
    const index = visible.indexOf(this.current()?.id);
    const next = Math.min(visible.length - 1, Math.max(0, index + delta));
    this.setCurrent(visible[next], { focus: true });
  }

  focusCurrent() {
    const post = this.current();
    const target = post ? this.#elements.get(post.id) : null;
    if (target) {
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "nearest" });
    } else {
      this.#onChange({ focusEmpty: true });
    }
  }

  toggleSelected(id) {
    if (!this.#posts.has(id)) return;
    if (this.#selected.has(id)) this.#selected.delete(id);
    else this.#selected.add(id);
    this.#render();
  }

  selectVisible() {
    for (const id of this.visibleIds()) this.#selected.add(id);
    this.#render();
  }

  clearSelection() {
    this.#selected.clear();
    this.#render();
  }

  selectedIds() {
    return this.visibleIds().filter((id) => this.#selected.has(id));
  }

  #put(post) {
    this.#posts.set(post.id, post);
    const old = this.#elements.get(post.id);
    const fresh = renderItem(post, this.#kind);
    if (old) {
      const hadFocus = old.contains(document.activeElement);
      old.replaceWith(fresh);
      if (hadFocus) fresh.focus({ preventScroll: true });
    }
    this.#elements.set(post.id, fresh);
  }

  #forget(id) {
    this.#posts.delete(id);
    this.#selected.delete(id);
    this.#elements.get(id)?.remove();
    this.#elements.delete(id);
    if (this.#currentId === id) this.#currentId = null;
  }

  #render() {
    const focused = document.activeElement;
    const ordered = this.all().sort(this.#order);
    const current = this.current();
    let index = 0;
    for (const post of ordered) {
      const item = this.#elements.get(post.id);
      if (this.#root.children[index] !== item) this.#root.insertBefore(item, this.#root.children[index] ?? null);
      index += 1;
      const isCurrent = post.id === current?.id;
      const selected = this.#selected.has(post.id);
      item.hidden = !this.#filter(post);
      item.classList.toggle("is-current", isCurrent);
      item.classList.toggle("is-selected", selected);
      if (isCurrent) item.setAttribute("aria-current", "true");
      else item.removeAttribute("aria-current");
      item.tabIndex = isCurrent ? 0 : -1;
      for (const control of item.querySelectorAll("button, input")) control.tabIndex = isCurrent ? 0 : -1;
      const check = item.querySelector("[data-select]");
      if (check) check.checked = selected;
    }
    if (focused instanceof HTMLElement && focused !== document.activeElement && this.#root.contains(focused)) {
      focused.focus({ preventScroll: true });
    }
    this.#onChange({ focusEmpty: false });
  }
}
