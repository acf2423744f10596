// The WebSocket transport (`/api/ws`, subprotocol herald.v1): one connection carries every
// subscription, publishes, presence and the liveness ping; it reconnects with backoff and resubscribes
// each channel with `since` = its cursor (and its presence, followed by a fresh list of who is there).
import { Backoff } from '../backoff.js';
import { HeraldError } from '../errors.js';
import { websocketFallbackReason, websocketFailureAction } from '../fallback.js';
import { serverAnswers, websocketEndpoint } from '../http.js';

const RETRYABLE_SUBSCRIBE_ERRORS = new Set(['unavailable', 'engine_unavailable']);
const SUBSCRIBE_RETRY_MS = 2000;
const OPEN = 1;

export class WebSocketTransport {
  constructor(ctx) {
    this.name = 'websocket';
    this.ctx = ctx;
    this.backoff = new Backoff(ctx.options.backoff, ctx.options.random);
    this.socket = null;
    this.stopped = false;
    this.nextId = 1;
    this.pending = new Map(); // command id -> { resolve, reject }
    this.subscribeIds = new Map(); // id of each subscribe sent on this socket -> its Subscription
    this.joinIds = new Map(); // id of each join sent on this socket -> its Room
    this.failuresInRow = 0; // connections that opened, then ended before any frame arrived
    this.refusalsInRow = 0; // attempts that failed before opening while the server answered HTTP
    this.retryTimer = null;
    this.watchdog = null;
  }

  get open() {
    return this.socket !== null && this.socket.readyState === OPEN && this.ready;
  }

  start() {
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.teardown(new HeraldError('closed', 'herald: the connection was closed'));
  }

  async connect() {
    if (this.stopped) return;
    if (!this.ctx.WebSocket) {
      this.ctx.fallback('no WebSocket implementation (pass the WebSocket option)');
      return;
    }
    this.ctx.report('connecting', this.backoff.attempt ? 'reconnecting' : 'opening a WebSocket');
    let token;
    try {
      token = await this.ctx.token();
    } catch (err) {
      this.ctx.error(err);
      this.scheduleReconnect('the token could not be obtained');
      return;
    }
    if (this.stopped) return;
    let socket;
    try {
      socket = new this.ctx.WebSocket(websocketEndpoint(this.ctx.base, { token }), 'herald.v1');
    } catch (err) {
      this.afterFailure({ opened: false, heard: false }, `WebSocket could not be created: ${err.message}`);
      return;
    }
    this.attach(socket);
  }

  attach(socket) {
    this.socket = socket;
    this.ready = false;
    const attempt = { opened: false, heard: false };
    socket.onopen = () => {
      attempt.opened = true;
      this.lastHeard = Date.now();
      this.pingSentAt = 0;
      this.sendCommand({ op: 'ping' }).catch(() => {}); // proves frames get through in both directions
      for (const sub of this.ctx.subscriptions()) this.subscribe(sub);
      for (const room of this.ctx.rooms()) this.join(room);
      this.startWatchdog(socket);
    };
    socket.onmessage = (event) => {
      if (!attempt.heard) {
        attempt.heard = true;
        this.ready = true;
        this.failuresInRow = 0;
        this.refusalsInRow = 0;
        this.backoff.reset();
        this.ctx.report('connected', 'WebSocket open');
      }
      this.lastHeard = Date.now();
      this.pingSentAt = 0;
      this.handleFrame(event.data);
    };
    socket.onerror = () => {}; // the close event follows and carries what there is to know
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      const why = event.reason ? `${event.code} ${event.reason}` : `${event.code}`;
      this.lost(attempt, `WebSocket closed (${why})`, event.code);
    };
  }

  lost(attempt, reason, code) {
    this.teardown(new HeraldError('connection_lost', `herald: ${reason}`));
    if (this.stopped) return;
    if (code === 4001) this.ctx.tokenRejected(reason);
    this.afterFailure(attempt, reason);
  }

  async afterFailure(attempt, reason) {
    if (attempt.opened && !attempt.heard) this.failuresInRow += 1;
    const serverReachable = attempt.opened ? true : await serverAnswers(this.ctx.fetch, this.ctx.base);
    if (this.stopped) return;
    if (!attempt.opened) this.refusalsInRow = serverReachable ? this.refusalsInRow + 1 : 0;
    const action = websocketFailureAction({
      opened: attempt.opened,
      serverReachable,
      refusalsInRow: this.refusalsInRow,
      failuresInRow: this.failuresInRow,
      maxFailures: this.ctx.options.maxWebSocketFailures,
    });
    if (action === 'fallback' && this.ctx.fallback(`${websocketFallbackReason(attempt)} (${reason})`)) return;
    this.scheduleReconnect(serverReachable ? reason : `${reason}; the server does not answer`);
  }

  scheduleReconnect(reason) {
    this.ctx.report('disconnected', reason);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), this.backoff.next());
  }

  teardown(error) {
    clearInterval(this.watchdog);
    const socket = this.socket;
    this.socket = null;
    this.ready = false;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = null;
      try {
        socket.close(1000);
      } catch {
        /* already closing */
      }
    }
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
    this.subscribeIds.clear();
    this.joinIds.clear();
    for (const room of this.ctx.rooms?.() ?? []) room.disconnected();
  }

  /** A browser cannot send ping frames: the `ping` command notices a dead connection. */
  startWatchdog(socket) {
    const { pingInterval, pingTimeout } = this.ctx.options;
    this.watchdog = setInterval(() => {
      if (this.socket !== socket) return;
      const now = Date.now();
      if (this.pingSentAt && now - this.pingSentAt > pingTimeout) {
        this.lost({ opened: true, heard: true }, `no answer to ping within ${pingTimeout} ms`);
      } else if (!this.pingSentAt && now - this.lastHeard > pingInterval) {
        this.pingSentAt = now;
        this.sendCommand({ op: 'ping' }).catch(() => {});
      }
    }, Math.max(100, Math.min(pingInterval, pingTimeout) / 2));
  }

  handleFrame(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      this.ctx.error(new HeraldError('bad_json', 'herald: the server sent a frame that is not JSON'));
      return;
    }
    if (frame.op === 'message') {
      const { op, ...envelope } = frame;
      this.ctx.subscription(envelope.channel)?.receive(envelope);
    } else if (frame.op === 'gap') {
      const { op, ...gap } = frame;
      this.ctx.subscription(gap.channel)?.gap(gap);
    } else if (frame.op === 'peer_joined' || frame.op === 'peer_left' || frame.op === 'signal') {
      this.ctx.room(frame.room)?.push(frame);
    } else if (frame.op === 'join' || frame.op === 'leave') {
      this.ctx.subscription(frame.channel)?.presenceEvent({ type: frame.op, channel: frame.channel, client: frame.client });
    } else if ('id' in frame) {
      const waiter = this.pending.get(frame.id);
      if (!waiter) {
        if (frame.ok === false) this.subscriptionEndedByServer(frame);
        return;
      }
      this.pending.delete(frame.id);
      if (frame.ok) {
        waiter.onReply?.(frame);
        waiter.resolve(frame);
      } else {
        waiter.reject(new HeraldError(frame.error?.code ?? 'error', `herald: ${frame.error?.message ?? 'error'}`));
      }
    }
  }

  /**
   * An error reply carrying the id of a subscribe answered long ago: the engine refused the channel
   * later and the subscription has ended on the server. Subscribe again, or end it here too.
   */
  subscriptionEndedByServer(frame) {
    if (this.joinIds.has(frame.id)) return this.roomEndedByServer(frame);
    const sub = this.subscribeIds.get(frame.id);
    if (!sub) return;
    this.subscribeIds.delete(frame.id);
    if (!sub.active || this.ctx.subscription(sub.channel) !== sub) return;
    const error = new HeraldError(frame.error?.code ?? 'error', `herald: ${frame.error?.message ?? 'error'}`);
    const socket = this.socket;
    if (RETRYABLE_SUBSCRIBE_ERRORS.has(error.code)) {
      setTimeout(() => this.socket === socket && sub.active && this.subscribe(sub), SUBSCRIBE_RETRY_MS);
    } else {
      this.ctx.subscriptionFailed(sub, error);
    }
  }

  /**
   * Sends one command; resolves with the ok reply, rejects with a HeraldError carrying the code.
   * `onReply` sees the ok reply at once, before the frames after it: a promise callback runs only
   * after every frame that arrived in the same read (Node's `ws` delivers them in one go).
   */
  sendCommand(command, { onId, onReply } = {}) {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) {
      return Promise.reject(new HeraldError('not_connected', 'herald: the WebSocket is not open'));
    }
    const id = this.nextId++;
    onId?.(id);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onReply });
      socket.send(JSON.stringify({ id, ...command }));
    });
  }

  subscribe(sub) {
    if (!this.socket || this.socket.readyState !== OPEN) return; // subscribed on open
    const command = { op: 'subscribe', channel: sub.channel };
    if (sub.cursor) command.since = sub.cursor;
    if (sub.presence) {
      command.presence = true;
      if (sub.presence.info !== undefined) command.info = sub.presence.info;
    }
    const socket = this.socket;
    this.sendCommand(command, { onId: (id) => this.subscribeIds.set(id, sub) }).then(
      (reply) => {
        sub.startAt(reply.cursor);
        if (sub.presence) this.syncPresence(sub);
      },
      (err) => {
        if (this.socket !== socket || !sub.active || err.code === 'connection_lost' || err.code === 'closed') return;
        if (err.code === 'cancelled') return;
        if (RETRYABLE_SUBSCRIBE_ERRORS.has(err.code)) {
          setTimeout(() => this.socket === socket && sub.active && this.subscribe(sub), SUBSCRIBE_RETRY_MS);
        } else {
          this.ctx.subscriptionFailed(sub, err);
        }
      },
    );
  }

  /** Joins a room on this socket; the reply brings its peers (again, after a reconnect). */
  join(room) {
    if (!this.socket || this.socket.readyState !== OPEN) return; // joined on open
    const command = { op: 'join', room: room.name };
    if (room.info !== undefined) command.info = room.info;
    const socket = this.socket;
    // The peers list must be in place before the peer_joined / peer_left right behind the reply.
    const onReply = (reply) => this.socket === socket && room.active && room.joinedWith(reply);
    this.sendCommand(command, { onId: (id) => this.joinIds.set(id, room), onReply }).catch(
      (err) => {
        if (this.socket !== socket || !room.active || err.code === 'connection_lost' || err.code === 'closed') return;
        if (err.code === 'cancelled') return;
        const fullAgain = err.code === 'room_full' && room.rejoinRefusedFull(Date.now(), this.ctx.options.roomFullRetry);
        if (RETRYABLE_SUBSCRIBE_ERRORS.has(err.code) || fullAgain) {
          setTimeout(() => this.socket === socket && room.active && this.join(room), SUBSCRIBE_RETRY_MS);
        } else {
          room.failed(err);
        }
      },
    );
  }

  /** After each (re)subscribe: the whole list, so the application starts from a known set of clients. */
  syncPresence(sub) {
    this.presence(sub.channel).then(
      ({ you, clients }) => sub.presenceEvent({ type: 'sync', channel: sub.channel, you, clients }),
      (err) => {
        if (err.code !== 'connection_lost' && err.code !== 'closed') this.ctx.error(err);
      },
    );
  }

  /** An error reply to a join answered earlier: the server ended the room (engine trouble); join again. */
  roomEndedByServer(frame) {
    const room = this.joinIds.get(frame.id);
    this.joinIds.delete(frame.id);
    if (!room?.active || this.ctx.room(room.name) !== room) return;
    room.disconnected();
    const socket = this.socket;
    setTimeout(() => this.socket === socket && room.active && this.join(room), SUBSCRIBE_RETRY_MS);
  }

  /** The `presence` command: { channel, you, clients }. */
  async presence(channel) {
    const { id, ok, ...reply } = await this.sendCommand({ op: 'presence', channel });
    return reply;
  }

  unsubscribe(sub) {
    for (const [id, entry] of this.subscribeIds) if (entry === sub) this.subscribeIds.delete(id);
    if (!this.socket || this.socket.readyState !== OPEN) return;
    this.sendCommand({ op: 'unsubscribe', channel: sub.channel }).catch(() => {});
  }

  publish(body) {
    return this.sendCommand({ op: 'publish', ...body });
  }

  refresh(token) {
    return this.sendCommand({ op: 'refresh', token });
  }
}
