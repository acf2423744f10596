// The client: subscriptions shared over one connection of the chosen transport, publish and history
// over WebSocket or HTTP, reconnect and fallback, state events.
import { checkBackoffOptions } from './backoff.js';
import { isChannelName, parseCursor } from './cursor.js';
import { HeraldError } from './errors.js';
import { endpoint, getJSON, networkError, normalizeBaseUrl, postJSON } from './http.js';
import { CursorStore } from './persistence.js';
import { publicRoom, Room } from './room.js';
import { Subscription } from './subscription.js';
import { LongPollTransport } from './transports/longpoll.js';
import { SseTransport } from './transports/sse.js';
import { WebSocketTransport } from './transports/websocket.js';

const TRANSPORTS = { websocket: WebSocketTransport, sse: SseTransport, longpoll: LongPollTransport };
export const DEFAULT_TRANSPORTS = Object.freeze(['websocket', 'sse', 'longpoll']);

const DEFAULT_OPTIONS = {
  firstByteTimeout: 4000, // ms an SSE stream may stay silent before long polling takes over
  maxWebSocketFailures: 3, // WebSockets in a row that open, then break before anything arrives
  pingInterval: 20_000, // ms of silence before a ping command on the WebSocket
  pingTimeout: 10_000, // ms to wait for its reply before the connection counts as dead
  longPollTimeout: 25, // seconds a long poll waits
  roomFullRetry: 90_000, // ms a rejoin refused with room_full is retried (the old connection holds the place)
};

export class Herald {
  /**
   * @param {string} url  the server, e.g. "https://herald.example.com" (relative to the page in a browser)
   * @param {object} [options]  see herald.d.ts
   */
  constructor(url, options = {}) {
    this.base = normalizeBaseUrl(url);
    this.transports = checkTransports(options.transports ?? DEFAULT_TRANSPORTS);
    this.options = {
      ...DEFAULT_OPTIONS,
      ...pick(options, Object.keys(DEFAULT_OPTIONS)),
      backoff: checkBackoffOptions(options.backoff),
      random: options.random ?? Math.random,
    };
    this.tokenSource = options.token ?? null;
    this.fetch = options.fetch ?? globalThis.fetch?.bind(globalThis);
    if (!this.fetch) throw new TypeError('herald: no fetch implementation (pass the fetch option)');
    this.WebSocket = options.WebSocket ?? globalThis.WebSocket ?? null;
    this.store = CursorStore.from(this.base, options);
    this.subs = new Map(); // channel -> Subscription
    this.rooms = new Map(); // room name -> Room
    this.listeners = { state: new Set(), error: new Set() };
    this.current = { state: 'disconnected', reason: 'not started', transport: null };
    this.closed = false;
    this.index = 0;
    this.active = null;
    queueMicrotask(() => this.startTransport());
  }

  /** The transport in use: "websocket", "sse" or "longpoll". */
  get transport() {
    return this.active?.name ?? this.transports[this.index];
  }

  /** "connecting", "connected" or "disconnected". */
  get state() {
    return this.current.state;
  }

  /** Listens to "state" ({ state, reason, transport }) or "error" (HeraldError); returns a remover. */
  on(event, listener) {
    const set = this.listeners[event];
    if (!set) throw new TypeError(`herald: unknown event ${JSON.stringify(event)} (state, error)`);
    set.add(listener);
    return () => set.delete(listener);
  }

  subscribe(channel, { since, onMessage, onGap, onPresence, info } = {}) {
    this.checkOpen();
    checkChannel(channel);
    if (this.subs.has(channel)) {
      throw new HeraldError('already_subscribed', `herald: already subscribed to ${channel}; unsubscribe first`);
    }
    if (since !== undefined && since !== null && !parseCursor(since)) {
      throw new HeraldError('invalid_field', `herald: since must be a cursor "epoch:offset", not ${JSON.stringify(since)}`);
    }
    if (onPresence !== undefined && typeof onPresence !== 'function') {
      throw new TypeError('herald: onPresence must be a function');
    }
    const sub = new Subscription(channel, {
      since: since ?? this.store.load(channel),
      onMessage,
      onGap,
      onCursor: (cursor) => this.store.save(channel, cursor),
      onHandlerError: (err) => this.emit('error', err),
      onUnsubscribe: (s) => this.removeSubscription(s),
      onPresence,
      info,
    });
    this.subs.set(channel, sub);
    this.active?.subscribe(sub);
    return publicSubscription(sub);
  }

  /**
   * Joins a signaling room (a channel of a namespace with presence, WebSocket only): `ready` resolves
   * with { you, peers }; peers come and go through onPeerJoined / onPeerLeft; onSignal({ from, data }).
   */
  join(name, { info, onJoined, onPeerJoined, onPeerLeft, onSignal } = {}) {
    this.checkOpen();
    checkChannel(name);
    if (this.rooms.has(name) || this.subs.has(name)) {
      throw new HeraldError('already_joined', `herald: already in ${name}; leave it first`);
    }
    if (!this.transports.includes('websocket')) {
      throw new HeraldError('websocket_required', 'herald: rooms need the "websocket" transport');
    }
    const room = new Room(name, { info, onJoined, onPeerJoined, onPeerLeft, onSignal }, {
      onLeave: (r) => this.removeRoom(r),
      onFailure: (r, err) => {
        err.room = r.name;
        this.emit('error', err);
      },
    });
    this.rooms.set(name, room);
    if (this.active?.name === 'websocket') this.active.join(room);
    else if (this.active) room.failed(websocketRequired(this.active.name));
    return publicRoom(room, { signal: (r, to, data) => this.signalIn(r, to, data), leave: (r) => this.leaveRoom(r) });
  }

  /** Publishes one message; resolves with { channel, epoch, offset, cursor, duplicate }. */
  async publish(channel, data, { event, idempotencyKey } = {}) {
    this.checkOpen();
    checkChannel(channel);
    const body = { channel, data };
    if (event !== undefined) body.event = event;
    if (idempotencyKey !== undefined) body.idempotency_key = idempotencyKey;
    if (this.active?.name === 'websocket' && this.active.open) {
      const { id, ok, ...result } = await this.active.publish(body);
      return result;
    }
    const token = await this.resolveToken();
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    return postJSON(this.fetch, `${this.base}/api/publish`, body, { headers }).catch((err) => {
      throw networkError(err);
    });
  }

  /**
   * Who is subscribed to `channel` now: { channel, you, clients } (the `presence` command; WebSocket
   * only, for channels whose namespace keeps presence).
   */
  async presence(channel) {
    this.checkOpen();
    checkChannel(channel);
    if (this.active?.name !== 'websocket') {
      throw new HeraldError('presence_unavailable', `herald: presence needs the WebSocket transport (in use: ${this.transport})`);
    }
    if (!this.active.open) throw new HeraldError('not_connected', 'herald: the WebSocket is not open');
    return this.active.presence(channel);
  }

  /** The messages after `since` (or the last ones): { channel, messages, cursor, gap, more }. */
  async history(channel, { since, limit } = {}) {
    checkChannel(channel);
    const token = await this.resolveToken();
    const url = endpoint(this.base, '/api/history', { channel, since, limit, token });
    return getJSON(this.fetch, url).catch((err) => {
      throw networkError(err);
    });
  }

  /** Replaces the connection token: sent with `refresh` on an open WebSocket, used by every later request. */
  async setToken(token) {
    this.tokenSource = token;
    if (this.active?.name === 'websocket' && this.active.open) {
      const value = await this.resolveToken();
      if (value) await this.active.refresh(value);
    }
  }

  /** Ends every connection; the client cannot be used afterwards. */
  close() {
    if (this.closed) return;
    this.closed = true;
    this.active?.stop();
    for (const sub of this.subs.values()) sub.active = false;
    this.subs.clear();
    for (const room of [...this.rooms.values()]) room.end();
    this.report(this.active, 'disconnected', 'closed by the application');
  }

  // ---- internals shared with the transports ----

  startTransport(reason) {
    if (this.closed) return;
    const Transport = TRANSPORTS[this.transports[this.index]];
    const owner = { transport: null }; // reports of a replaced transport are ignored
    const transport = new Transport(this.transportContext(owner));
    owner.transport = transport;
    this.active = transport;
    if (transport.name !== 'websocket') for (const room of [...this.rooms.values()]) room.failed(websocketRequired(transport.name));
    if (reason) this.report(transport, 'connecting', reason);
    transport.start();
  }

  transportContext(owner) {
    const isActive = () => owner.transport !== null && owner.transport === this.active && !this.closed;
    return {
      base: this.base,
      fetch: this.fetch,
      WebSocket: this.WebSocket,
      options: this.options,
      token: () => this.resolveToken(),
      subscriptions: () => [...this.subs.values()],
      subscription: (channel) => this.subs.get(channel),
      rooms: () => [...this.rooms.values()],
      room: (name) => this.rooms.get(name),
      state: () => this.current.state,
      report: (state, reason) => isActive() && this.report(owner.transport, state, reason),
      error: (err) => isActive() && this.emit('error', err),
      tokenRejected: (reason) => this.emit('error', new HeraldError('invalid_token', `herald: ${reason}`)),
      subscriptionFailed: (sub, err) => {
        err.channel = sub.channel;
        sub.unsubscribe();
        this.emit('error', err);
      },
      fallback: (reason) => isActive() && this.fallback(reason),
    };
  }

  /** Moves to the next transport; false when there is none (the current one keeps retrying). */
  fallback(reason) {
    if (this.closed || this.index + 1 >= this.transports.length) return false;
    const from = this.active;
    from?.stop();
    this.index += 1;
    this.startTransport(`fallback from ${from?.name} to ${this.transports[this.index]}: ${reason}`);
    return true;
  }

  async signalIn(room, to, data) {
    const ws = this.active;
    if (ws?.name !== 'websocket' || !ws.open || !room.joined) {
      throw new HeraldError('not_connected', `herald: not joined to ${room.name} right now (reconnecting)`);
    }
    await ws.sendCommand({ op: 'signal', room: room.name, to, data });
  }

  leaveRoom(room) {
    if (!room.active) return;
    room.end();
    if (this.active?.name === 'websocket' && this.active.open) {
      this.active.sendCommand({ op: 'leave', room: room.name }).catch(() => {});
    }
  }

  removeRoom(room) {
    if (this.rooms.get(room.name) === room) this.rooms.delete(room.name);
  }

  removeSubscription(sub) {
    if (this.subs.get(sub.channel) !== sub) return;
    this.subs.delete(sub.channel);
    this.active?.unsubscribe(sub);
  }

  report(transport, state, reason) {
    const name = transport?.name ?? this.transport;
    if (this.current.state === state && this.current.transport === name && !reason.startsWith('fallback')) return;
    this.current = { state, reason, transport: name };
    this.emit('state', { ...this.current });
  }

  emit(event, value) {
    for (const listener of [...this.listeners[event]]) {
      try {
        listener(value);
      } catch (err) {
        setTimeout(() => {
          throw err;
        });
      }
    }
  }

  async resolveToken() {
    const source = this.tokenSource;
    const token = typeof source === 'function' ? await source() : source;
    return token || null;
  }

  checkOpen() {
    if (this.closed) throw new HeraldError('closed', 'herald: this client was closed');
  }
}

function checkTransports(list) {
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError('herald: transports must be a non-empty array of "websocket", "sse", "longpoll"');
  }
  for (const name of list) {
    if (!(name in TRANSPORTS)) throw new TypeError(`herald: unknown transport ${JSON.stringify(name)}`);
  }
  if (new Set(list).size !== list.length) throw new TypeError('herald: a transport is listed twice');
  return [...list];
}

function checkChannel(channel) {
  if (!isChannelName(channel)) {
    throw new HeraldError('invalid_channel', `herald: ${JSON.stringify(channel)} is not a valid channel name`);
  }
}

function websocketRequired(transport) {
  return new HeraldError('websocket_required', `herald: rooms need the WebSocket transport; the client uses ${transport}`);
}

function pick(object, keys) {
  const out = {};
  for (const key of keys) if (object[key] !== undefined) out[key] = object[key];
  return out;
}

/** What the application holds: the channel, the live cursor and unsubscribe(). */
function publicSubscription(sub) {
  return Object.freeze({
    channel: sub.channel,
    get cursor() {
      return sub.cursor;
    },
    get active() {
      return sub.active;
    },
    unsubscribe: () => sub.unsubscribe(),
  });
}
