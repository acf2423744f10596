// Optional cursor persistence across page reloads: one entry per server URL and channel, in
// sessionStorage (`persist: "session"`) or an injected Storage-like object.

export class CursorStore {
  /** @param {string} base  @param {{getItem, setItem, removeItem}|null} storage */
  constructor(base, storage) {
    this.base = base;
    this.storage = storage;
  }

  static from(base, { persist, storage }) {
    if (persist === undefined || persist === null || persist === false) return new CursorStore(base, null);
    if (persist !== 'session') throw new TypeError('herald: persist must be "session" (or left out)');
    const chosen = storage ?? globalThis.sessionStorage;
    if (!chosen) throw new TypeError('herald: persist: "session" needs sessionStorage (or the storage option)');
    return new CursorStore(base, chosen);
  }

  key(channel) {
    return `herald:${this.base}:${channel}`;
  }

  load(channel) {
    if (!this.storage) return null;
    try {
      return this.storage.getItem(this.key(channel));
    } catch {
      return null; // storage disabled by the browser: no persistence
    }
  }

  save(channel, cursor) {
    if (!this.storage) return;
    try {
      this.storage.setItem(this.key(channel), cursor);
    } catch {
      /* quota or disabled storage: the cursor stays in memory */
    }
  }
}
