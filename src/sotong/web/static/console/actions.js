// What a moderator does from the page: decisions one at a time or on a selection, bans, undo.
// A decided post leaves its list at once; it comes back if the server refuses.

import { ApiProblem } from "./api.js";
import { actionLabel, config, hasString, t } from "./config.js";
import { authorName } from "./posts.js";

/** Whether an action takes a post out of the list it was in. */
function leaves(kind, action) {
  return kind === "queue" || action === "reject" || action === "hide";
}

function focusWasLost() {
  const active = document.activeElement;
  return !active || active === document.body;
}

export class Actions {
  #lists;
  #api;
  #announcer;
  #askBan;
  #changed;
  // Posts taken out of a list while their decision is on its way, and those the stream took out
  // meanwhile (which must not come back if the decision fails).
  #pending = { queue: new Set(), screen: new Set() };
  #gone = { queue: new Set(), screen: new Set() };
  #mine = []; // this page's decision ids, newest last

  /** `changed()` is called after every change (to refresh the history and bans views). */
  constructor({ lists, api, announcer, askBan, changed }) {
    this.#lists = lists;
    this.#api = api;
    this.#announcer = announcer;
    this.#askBan = askBan;
    this.#changed = changed;
  }

  isPending(kind, id) {
    return this.#pending[kind].has(id);
  }

  /** The stream took a post out of a list while a decision on it was on its way. */
  noteGone(kind, id) {
    if (this.#pending[kind].has(id)) this.#gone[kind].add(id);
  }

  fail(problem) {
    const code = problem instanceof ApiProblem ? problem.code : "";
    if (problem instanceof ApiProblem && problem.status === 401) this.#announcer.alert(t("session_ended"));
    else if (code === "network") this.#announcer.alert(t("offline_action"));
    else if (code === "nothing_to_undo") this.#announcer.alert(t("undone_none"));
    else if (hasString(`problem_${code}`)) this.#announcer.alert(t(`problem_${code}`));
    else this.#announcer.alert(t("failed", { message: problem?.message ?? String(problem) }));
  }

  async decide(kind, action, post) {
    if (action === "ban") return this.ban(post);
    const list = this.#lists[kind];
    const putBack = leaves(kind, action) ? this.#takeOut(kind, [post.id]) : () => {};
    try {
      const result = await this.#api.decide(post.id, action);
      this.#mine.push(result.decision_id);
      if (!leaves(kind, action)) list.upsert(result.post, { merge: true });
      this.#announcer.say(t("done", { action: actionLabel(action), author: authorName(post) }));
    } catch (problem) {
      putBack();
      this.fail(problem);
    } finally {
      this.#settled(kind, [post.id]);
    }
    this.#changed();
  }

  async decideSelected(kind, action) {
    const list = this.#lists[kind];
    const ids = list.selectedIds();
    if (!ids.length) return;
    list.clearSelection();
    for (let start = 0; start < ids.length; start += config.maxBulk) {
      const chunk = ids.slice(start, start + config.maxBulk);
      const putBack = leaves(kind, action) ? this.#takeOut(kind, chunk) : () => {};
      try {
        const result = await this.#api.decideMany(chunk, action);
        this.#mine.push(result.decision_ids[0]);
        this.#announcer.say(t("done_many", { action: actionLabel(action), count: chunk.length }));
      } catch (problem) {
        putBack();
        this.fail(problem);
        break;
      } finally {
        this.#settled(kind, chunk);
      }
    }
    this.#changed();
  }

  async ban(post) {
    const answer = await this.#askBan(authorName(post));
    if (!answer) return;
    try {
      const result = await this.#api.ban(post.id, answer.scope, answer.reason);
      this.#mine.push(result.decision_id);
      for (const id of [...result.removed, ...result.unqueued]) {
        for (const list of Object.values(this.#lists)) list.remove(id);
      }
      const count = result.removed.length + result.unqueued.length;
      this.#announcer.say(t("banned", { author: authorName(post), count }));
    } catch (problem) {
      this.fail(problem);
    }
    this.#changed();
  }

  async undo(decisionId) {
    try {
      const result = await this.#api.undo(decisionId);
      const count = result.restored.length;
      this.#announcer.say(count ? t("undone", { count }) : t("undone_none"));
    } catch (problem) {
      this.fail(problem);
    }
    this.#changed();
  }

  undoLast() {
    const decisionId = this.#mine.pop();
    if (decisionId === undefined) this.#announcer.say(t("nothing_to_undo"));
    else this.undo(decisionId);
  }

  async lift(banId, author) {
    try {
      await this.#api.lift(banId);
      this.#announcer.say(t("lifted", { author }));
    } catch (problem) {
      this.fail(problem);
    }
    this.#changed();
  }

  #takeOut(kind, ids) {
    const list = this.#lists[kind];
    const taken = [];
    for (const id of ids) {
      this.#pending[kind].add(id);
      const post = list.remove(id);
      if (post) taken.push(post);
    }
    if (focusWasLost()) list.focusCurrent();
    return () => {
      for (const post of taken) if (!this.#gone[kind].has(post.id)) list.upsert(post);
    };
  }

  #settled(kind, ids) {
    for (const id of ids) {
      this.#pending[kind].delete(id);
      this.#gone[kind].delete(id);
    }
  }
}
