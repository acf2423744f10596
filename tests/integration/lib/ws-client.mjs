// A herald.v1 client over the `ws` package that records every frame, for the WebSocket tests.
//   const c = await wsConnect(srv.base);                       // resolves once open
//   const reply = await c.command({ op: 'subscribe', channel }); // id assigned, waits for the reply
//   const msgs = await c.waitMessages(channel, 5);              // op:"message" pushes
//   const { code, reason } = await c.waitClose();
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { withTimeout } from './util.mjs';

export { WebSocket };

/** ws://host:port/api/ws for an http:// base. */
export function wsUrl(base, path = '/api/ws') {
  return `${base.replace(/^http/, 'ws')}${path}`;
}

let idCounter = 0;

export class HeraldWs {
  constructor(ws, upgradeResponse) {
    this.ws = ws;
    this.upgrade = upgradeResponse; // the 101 response (headers)
    this.frames = []; // every text frame as {at, text, json}
    this.binaries = [];
    this.pings = [];
    this.pongs = [];
    this.errors = [];
    this.close = null; // {code, reason}
    this.waiters = new Set();
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        this.binaries.push(Buffer.from(data));
      } else {
        const text = data.toString('utf8');
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        this.frames.push({ at: Date.now(), text, json });
      }
      this.notify();
    });
    ws.on('ping', (d) => {
      this.pings.push({ at: Date.now(), data: Buffer.from(d) });
      this.notify();
    });
    ws.on('pong', (d) => {
      this.pongs.push({ at: Date.now(), data: Buffer.from(d) });
      this.notify();
    });
    ws.on('error', (err) => {
      this.errors.push(err);
      this.notify();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.close = { code, reason: reason.toString('utf8'), at: Date.now() };
        this.notify();
        resolve(this.close);
      });
    });
  }

  get protocol() {
    return this.ws.protocol;
  }

  get extensions() {
    return this.ws.extensions;
  }

  get open() {
    return this.ws.readyState === WebSocket.OPEN;
  }

  notify() {
    for (const w of [...this.waiters]) w();
  }

  /** Parsed JSON of every text frame received so far. */
  get json() {
    return this.frames.map((f) => f.json);
  }

  /** op:"message" pushes (optionally only for `channel`). */
  messages(channel) {
    return this.json.filter((m) => m && m.op === 'message' && (channel === undefined || m.channel === channel));
  }

  /** op:"gap" pushes (optionally only for `channel`). */
  gaps(channel) {
    return this.json.filter((m) => m && m.op === 'gap' && (channel === undefined || m.channel === channel));
  }

  describe(max = 8) {
    const last = this.frames.slice(-max).map((f) => (f.text.length > 200 ? `${f.text.slice(0, 200)}…` : f.text));
    return `frames=${this.frames.length} close=${JSON.stringify(this.close)} errors=${this.errors.map((e) => e.message).join(';')} last: ${last.join(' | ')}`;
  }

  /** Waits until `pred(this)` is truthy; resolves its value. */
  waitUntil(pred, { timeout = 5000, label = 'condition' } = {}) {
    return new Promise((resolve, reject) => {
      let timer;
      const check = () => {
        let v;
        try {
          v = pred(this);
        } catch (err) {
          cleanup();
          reject(err);
          return;
        }
        if (v) {
          cleanup();
          resolve(v);
        }
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${label}: not reached within ${timeout} ms; ${this.describe()}`));
      }, timeout);
      this.waiters.add(check);
      check();
    });
  }

  /** Sends a JSON value (or a raw string as is). */
  send(obj) {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  /** The first frame (JSON) with `id` === id (searching from frame index `from`). */
  waitReply(id, { timeout = 5000, from = 0 } = {}) {
    return this.waitUntil(
      () => {
        for (let i = from; i < this.frames.length; i += 1) {
          const j = this.frames[i].json;
          if (j && typeof j === 'object' && !Array.isArray(j) && 'id' in j && j.id === id && 'ok' in j) return j;
        }
        if (this.close) throw new Error(`connection closed (${JSON.stringify(this.close)}) while waiting for reply id=${JSON.stringify(id)}; ${this.describe()}`);
        return null;
      },
      { timeout, label: `reply to id=${JSON.stringify(id)}` },
    );
  }

  /** Sends a command (adds a fresh numeric id unless one is given) and waits for its reply. */
  async command(cmd, { timeout = 5000 } = {}) {
    const full = 'id' in cmd ? cmd : { id: (idCounter += 1) + 1000, ...cmd };
    const from = this.frames.length;
    this.send(full);
    return this.waitReply(full.id, { timeout, from });
  }

  /** command() + asserts ok:true. */
  async commandOk(cmd, opts) {
    const r = await this.command(cmd, opts);
    assert.equal(r.ok, true, `${JSON.stringify(cmd)} → ${JSON.stringify(r)}`);
    return r;
  }

  /** Subscribes and asserts ok:true; returns the reply. */
  subscribe(channel, since, opts) {
    const cmd = { op: 'subscribe', channel };
    if (since !== undefined) cmd.since = since;
    return this.commandOk(cmd, opts);
  }

  /** Waits until at least `n` message pushes arrived on `channel`; returns them all. */
  waitMessages(channel, n, { timeout = 10_000 } = {}) {
    return this.waitUntil(
      () => {
        const m = this.messages(channel);
        return m.length >= n ? m : null;
      },
      { timeout, label: `${n} message push(es) on ${channel}` },
    );
  }

  /** Waits for the close event; resolves {code, reason}. */
  waitClose({ timeout = 5000 } = {}) {
    return withTimeout(this.closed, timeout, `close event (${this.describe()})`);
  }

  /** Closes politely (code 1000) and waits for the close event (bounded). */
  async closeAndWait(timeout = 3000) {
    if (this.ws.readyState === WebSocket.CLOSED) return this.close;
    try {
      this.ws.close(1000);
    } catch {
      /* not open yet */
    }
    try {
      return await withTimeout(this.closed, timeout, 'close');
    } catch {
      this.ws.terminate();
      return this.close;
    }
  }

  terminate() {
    this.ws.terminate();
  }
}

/**
 * Connects with the `ws` client. `protocols` defaults to 'herald.v1' (null = offer none).
 * Resolves a HeraldWs once open. Rejects on a refused handshake with err.status / err.body / err.headers.
 * Other options are passed to `new WebSocket` (e.g. headers, origin, perMessageDeflate).
 */
export function wsConnect(base, { path = '/api/ws', protocols = 'herald.v1', timeout = 5000, ...options } = {}) {
  const url = wsUrl(base, path);
  return withTimeout(
    new Promise((resolve, reject) => {
      const wsOptions = { perMessageDeflate: false, handshakeTimeout: timeout, ...options };
      const ws = protocols === null ? new WebSocket(url, wsOptions) : new WebSocket(url, protocols, wsOptions);
      let upgrade;
      let client;
      ws.on('upgrade', (res) => {
        upgrade = { statusCode: res.statusCode, headers: res.headers };
        client = new HeraldWs(ws, upgrade);
      });
      ws.on('unexpected-response', (req, res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const err = new Error(`handshake refused: HTTP ${res.statusCode}`);
          err.status = res.statusCode;
          err.headers = res.headers;
          err.body = Buffer.concat(chunks).toString('utf8');
          req.destroy();
          reject(err);
        });
        res.on('error', reject);
      });
      ws.once('open', () => resolve(client ?? new HeraldWs(ws, upgrade)));
      ws.on('error', (err) => reject(err)); // later errors are recorded by HeraldWs
    }),
    timeout + 1000,
    `WebSocket connect ${url}`,
  );
}

/** Connects, expecting the handshake to be refused; resolves the error (status, headers, body). */
export async function wsRefused(base, opts) {
  try {
    const c = await wsConnect(base, opts);
    c.terminate();
  } catch (err) {
    if (err.status === undefined) throw err;
    return err;
  }
  throw new Error(`expected the WebSocket handshake to ${base}${opts?.path ?? '/api/ws'} to be refused, but it was accepted`);
}

/** Keys that every error reply has, with a check of the shape. */
export function assertWsError(reply, code, id) {
  assert.deepEqual(Object.keys(reply).sort(), ['error', 'id', 'ok'], `error reply keys: ${JSON.stringify(reply)}`);
  assert.equal(reply.ok, false, `error reply ok:false: ${JSON.stringify(reply)}`);
  if (id !== undefined) assert.deepEqual(reply.id, id, `error reply id: ${JSON.stringify(reply)}`);
  assert.equal(typeof reply.error, 'object', JSON.stringify(reply));
  assert.ok(reply.error !== null, JSON.stringify(reply));
  assert.equal(typeof reply.error.code, 'string', JSON.stringify(reply));
  assert.equal(typeof reply.error.message, 'string', JSON.stringify(reply));
  assert.ok(reply.error.message.length > 0, `error.message must not be empty: ${JSON.stringify(reply)}`);
  if (code !== undefined) assert.equal(reply.error.code, code, `error code: ${JSON.stringify(reply)}`);
}

/** Keys of a message push, in order. */
export const PUSH_KEYS = ['op', 'channel', 'epoch', 'offset', 'cursor', 'time', 'event', 'data'];
/** Keys of a gap push, in order. */
export const GAP_KEYS = ['op', 'channel', 'requested', 'continue_from'];
