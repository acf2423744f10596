// Followers of one channel for the multi-node tests: the same client loop over each transport (the real
// `eventsource` package, raw SSE over node:http, WebSocket over `ws`, long polling), recording every
// message and gap and resuming from the last cursor. A follower is given the bases of several nodes and
// behaves like a client behind a load balancer: when its node fails it reconnects to the next node that
// answers, resuming where it stopped.
//   const f = await follow('ws', [a.base, b.base], channel, { since });
//   await f.waitCount(10);   f.offsets();   f.gaps;   f.connects;   f.close();
import { EventSource } from 'eventsource';
import { historyOk, longPoll } from './http.mjs';
import { openSse, ssePath } from './sse.mjs';
import { wsConnect } from './ws-client.mjs';
import { sleep, waitFor } from './util.mjs';

export const TRANSPORTS = ['eventsource', 'sse', 'ws', 'lp'];

const RECONNECT_DELAY_MS = 100;

class Follower {
  /**
   * @param {string}   transport  one of TRANSPORTS
   * @param {string[]} bases      the nodes, preferred first (the others are fallbacks)
   * @param {string}   channel
   * @param {string}   since      the cursor to start after (always given, so nothing is missed at start)
   */
  constructor(transport, bases, channel, since) {
    this.transport = transport;
    this.bases = bases;
    this.channel = channel;
    this.cursor = since;
    this.current = 0; // index into bases of the node in use
    this.messages = []; // envelopes, as received
    this.gaps = []; // gap objects, as received
    this.connects = []; // {base, since} of every (re)connection
    this.errors = []; // connection problems (text), for failure messages
    this.closed = false;
  }

  get base() {
    return this.bases[this.current];
  }

  get label() {
    return `${this.transport}@${this.bases[0]}`;
  }

  onEnvelope(env) {
    this.messages.push(env);
    this.cursor = env.cursor;
  }

  onGap(gap) {
    this.gaps.push(gap);
    this.cursor = gap.continue_from;
  }

  /** The next node to try after a failure: the current one once more, then the others in turn. */
  failover(attempt) {
    if (attempt > 0) this.current = (this.current + 1) % this.bases.length;
    return this.base;
  }

  offsets(epoch) {
    return this.messages.filter((m) => epoch === undefined || m.epoch === epoch).map((m) => m.offset);
  }

  describe() {
    const last = this.messages.at(-1);
    return `${this.label}: ${this.messages.length} messages (last ${last?.cursor}), gaps=${JSON.stringify(this.gaps)}, ` +
      `connects=${JSON.stringify(this.connects)}, errors=${JSON.stringify(this.errors.slice(-3))}`;
  }

  waitFor(pred, { timeout = 15_000, label = 'follower condition' } = {}) {
    return waitFor(() => pred(this), { timeout, interval: 10, label: `${this.label} ${label}`, describe: () => this.describe() });
  }

  /** Waits until at least `n` messages arrived. */
  waitCount(n, opts = {}) {
    return this.waitFor((f) => f.messages.length >= n, { label: `${n} messages`, ...opts });
  }
}

// ---------------------------------------------------------------------------------------------------------
// EventSource: the package reconnects by itself and sends Last-Event-ID; its fetch is routed to the node
// in use, and on to the next one when a node refuses the connection (as a load balancer would).

class EventSourceFollower extends Follower {
  async start() {
    const fetchVia = async (input, init = {}) => {
      const path = new URL(input).pathname + new URL(input).search;
      for (let attempt = 0; ; attempt += 1) {
        const base = this.failover(attempt);
        const headers = new Headers(init.headers);
        this.connects.push({ base, since: headers.get('last-event-id') ?? this.cursor });
        try {
          return await fetch(new URL(path, base), init);
        } catch (err) {
          this.errors.push(`${base}: ${err.cause?.code ?? err.message}`);
          if (init.signal?.aborted || this.closed || attempt >= this.bases.length * 20) throw err;
          await sleep(RECONNECT_DELAY_MS);
        }
      }
    };
    this.es = new EventSource(new URL(ssePath(this.channel, { since: this.cursor }), this.base), { fetch: fetchVia });
    this.es.addEventListener('message', (ev) => this.onEnvelope(JSON.parse(ev.data)));
    this.es.addEventListener('gap', (ev) => this.onGap(JSON.parse(ev.data)));
    this.es.addEventListener('error', (ev) => this.errors.push(`error event: ${ev.message ?? ''}`));
    await new Promise((resolve, reject) => {
      this.es.addEventListener('open', resolve, { once: true });
      setTimeout(() => reject(new Error(`EventSource on ${this.base} did not open`)), 10_000);
    });
  }

  close() {
    this.closed = true;
    this.es?.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Raw SSE over node:http: reconnects itself when the stream ends, with the last id as Last-Event-ID.

class SseFollower extends Follower {
  async start() {
    await this.connect();
  }

  async connect() {
    for (let attempt = 0; !this.closed; attempt += 1) {
      const base = this.failover(attempt);
      const headers = this.lastId ? { 'Last-Event-ID': this.lastId } : {};
      this.connects.push({ base, since: this.lastId ?? this.cursor });
      try {
        const stream = await openSse(base, ssePath(this.channel, { since: this.cursor }), { headers });
        if (stream.status !== 200) {
          await stream.done;
          throw new Error(`HTTP ${stream.status}: ${stream.raw}`);
        }
        this.attach(stream);
        return;
      } catch (err) {
        this.errors.push(`${base}: ${err.code ?? err.message}`);
        await sleep(RECONNECT_DELAY_MS);
      }
    }
  }

  attach(stream) {
    this.stream = stream;
    let seen = 0;
    const drain = () => {
      for (; seen < stream.blocks.length; seen += 1) this.onBlock(stream.blocks[seen]);
    };
    drain();
    stream.res.on('data', drain);
    stream.done.then(() => {
      drain();
      if (this.closed) return;
      this.errors.push(`${this.base}: stream ended ${stream.error?.code ?? ''}`);
      sleep(RECONNECT_DELAY_MS).then(() => this.connect());
    });
  }

  onBlock(block) {
    if (block.data === undefined) return;
    if (block.id !== undefined) this.lastId = block.id;
    if (block.event === 'gap') this.onGap(JSON.parse(block.data));
    else if (block.event !== 'close') this.onEnvelope(JSON.parse(block.data));
  }

  close() {
    this.closed = true;
    this.stream?.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// WebSocket (herald.v1): subscribes with `since`, and again with the last cursor after a lost connection.

class WsFollower extends Follower {
  async start() {
    await this.connect();
  }

  async connect() {
    for (let attempt = 0; !this.closed; attempt += 1) {
      const base = this.failover(attempt);
      this.connects.push({ base, since: this.cursor });
      try {
        const client = await wsConnect(base);
        client.ws.on('message', (data) => this.onFrame(JSON.parse(data.toString('utf8'))));
        this.client = client;
        this.subscribeReply = await client.subscribe(this.channel, this.cursor);
        client.closed.then(() => {
          if (this.closed) return;
          this.errors.push(`${base}: closed ${JSON.stringify(client.close)}`);
          sleep(RECONNECT_DELAY_MS).then(() => this.connect());
        });
        return;
      } catch (err) {
        this.errors.push(`${base}: ${err.code ?? err.message}`);
        this.client?.terminate();
        await sleep(RECONNECT_DELAY_MS);
      }
    }
  }

  onFrame(frame) {
    if (frame.channel !== this.channel) return;
    if (frame.op === 'message') {
      const { op, ...env } = frame;
      this.onEnvelope(env);
    } else if (frame.op === 'gap') {
      const { op, ...gap } = frame;
      this.onGap(gap);
    }
  }

  get open() {
    return Boolean(this.client?.open);
  }

  close() {
    this.closed = true;
    this.client?.terminate();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Long polling: one /api/lp after the other, each from the cursor of the previous answer.

class LongPollFollower extends Follower {
  async start() {
    this.connects.push({ base: this.base, since: this.cursor });
    this.loop = this.run();
  }

  async run() {
    let failures = 0;
    while (!this.closed) {
      try {
        const { res, body } = await longPoll(this.base, this.channel, { since: this.cursor, timeout: 5, httpTimeout: 10_000 });
        if (this.closed) return;
        if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.text}`);
        if (body.gap) this.onGap(body.gap);
        for (const env of body.messages) this.onEnvelope(env);
        this.cursor = body.cursor;
        failures = 0;
      } catch (err) {
        if (this.closed) return;
        this.errors.push(`${this.base}: ${err.code ?? err.message}`);
        failures += 1;
        this.connects.push({ base: this.failover(failures), since: this.cursor });
        await sleep(RECONNECT_DELAY_MS);
      }
    }
  }

  close() {
    this.closed = true;
  }
}

const KINDS = { eventsource: EventSourceFollower, sse: SseFollower, ws: WsFollower, lp: LongPollFollower };

/** Starts following `channel` after `since` over `transport` on bases[0] (the others are fallbacks). */
export async function follow(transport, bases, channel, { since } = {}) {
  if (!since) throw new Error('follow(): give `since`, so that nothing is missed before the subscription');
  const Kind = KINDS[transport];
  if (!Kind) throw new Error(`unknown transport ${transport}`);
  const follower = new Kind(transport, [].concat(bases), channel, since);
  await follower.start();
  return follower;
}

/** Waits until every follower holds at least `n` messages. */
export function waitAll(followers, n, opts) {
  return Promise.all(followers.map((f) => f.waitCount(n, opts)));
}

export function closeAll(followers) {
  for (const f of followers) f.close();
}

/**
 * Every retained message of `channel` after `since` (default: from the start of `epoch`), read page by
 * page from /api/history on `base`; returns {messages, gaps, cursor}.
 */
export async function readHistory(base, channel, since) {
  const messages = [];
  const gaps = [];
  let cursor = since;
  for (let page = 0; page < 1000; page += 1) {
    const body = await historyOk(base, channel, { since: cursor, limit: 1000 });
    if (body.gap) gaps.push(body.gap);
    messages.push(...body.messages);
    cursor = body.cursor;
    if (!body.more) return { messages, gaps, cursor };
  }
  throw new Error(`history of ${channel} did not end`);
}
