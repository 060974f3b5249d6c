// The wall's event handlers by event type: the stream delivers every type anyone registered, so
// an overlay module adds itself with `on("type", handler)` and nothing else needs to change.
// Handlers of one type run in the order they registered; one that throws does not stop the rest.

const handlers = new Map(); // type -> [handler]
const typeListeners = new Set();

/** Calls `handler(data)` for every event of `type` (including "reset"); returns an undo. */
export function on(type, handler) {
  const known = handlers.has(type);
  if (!known) handlers.set(type, []);
  handlers.get(type).push(handler);
  if (!known) for (const listener of typeListeners) listener(type);
  return () => {
    const list = handlers.get(type) ?? [];
    const index = list.indexOf(handler);
    if (index >= 0) list.splice(index, 1);
  };
}

export function dispatch(type, data) {
  for (const handler of [...(handlers.get(type) ?? [])]) {
    try {
      handler(data);
    } catch (error) {
      console.error(`sotong: a "${type}" handler failed`, error);
    }
  }
}

export function eventTypes() {
  return [...handlers.keys()];
}

/** `listener(type)` hears every event type registered from now on. */
export function onNewType(listener) {
  typeListeners.add(listener);
}
