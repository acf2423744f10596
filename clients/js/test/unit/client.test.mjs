// The Herald client against fake transports (no server): fallback on a refused WebSocket, resume
// with the same cursor after the switch, persistence, argument checks, and the built web copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { Herald, HeraldError } from '../../src/index.js';
import { bundle, WEB_COPY } from '../../scripts/build.mjs';

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(predicate, ms = 3000) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await wait(10);
  }
}

/** A WebSocket that never opens: the browser reports an error, then close 1006. */
class RefusedWebSocket {
  constructor(url) {
    RefusedWebSocket.urls.push(url);
    this.readyState = 0;
    setTimeout(() => {
      this.readyState = 3;
      this.onerror?.({});
      this.onclose?.({ code: 1006, reason: '' });
    }, 5);
  }
  close() {}
}
RefusedWebSocket.urls = [];

/** fetch for a herald that answers HTTP: /healthz, /api/history and an SSE stream of `events`. */
function fakeServer(events) {
  const requests = [];
  const fetchImpl = async (url, init = {}) => {
    const u = new URL(url);
    requests.push(u);
    if (u.pathname === '/healthz') return new Response('{"status":"ok"}', { status: 200 });
    if (u.pathname === '/api/history') {
      return Response.json({ channel: u.searchParams.get('channel'), messages: [], cursor: 'e:5', gap: null, more: false });
    }
    if (u.pathname === '/api/sse') {
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(`retry: 2000\n\n${events}`));
          init.signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
        },
      });
      return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
    }
    return Response.json({ error: { code: 'not_found', message: 'no' } }, { status: 404 });
  };
  return { fetchImpl, requests };
}

const sseMessage = (channel, epoch, offset) =>
  `id: ${epoch}:${offset}\nevent: message\ndata: ${JSON.stringify({ channel, epoch, offset, cursor: `${epoch}:${offset}`, time: 1, event: 'message', data: offset })}\n\n`;

test('a WebSocket refused while HTTP answers: fallback to SSE, reported, resumed from the cursor', async () => {
  const { fetchImpl, requests } = fakeServer(sseMessage('news', 'e', 8) + sseMessage('news', 'e', 7) + sseMessage('news', 'e', 9));
  const herald = new Herald('http://herald.test', { fetch: fetchImpl, WebSocket: RefusedWebSocket, token: 'tok' });
  const states = [];
  herald.on('state', (s) => states.push(s));
  const got = [];
  const sub = herald.subscribe('news', { since: 'e:7', onMessage: (m) => got.push(m.offset) });
  await until(() => got.length === 2);
  assert.equal(herald.transport, 'sse');
  assert.deepEqual(got, [8, 9], 'offset 7 (already seen) dropped');
  assert.equal(sub.cursor, 'e:9');
  const fallback = states.find((s) => s.reason.startsWith('fallback from websocket to sse'));
  assert.ok(fallback, JSON.stringify(states));
  assert.equal(fallback.state, 'connecting');
  assert.equal(states.at(-1).state, 'connected');
  const sse = requests.find((u) => u.pathname === '/api/sse');
  assert.equal(sse.searchParams.get('since'), 'e:7');
  assert.equal(sse.searchParams.get('token'), 'tok');
  assert.match(RefusedWebSocket.urls[0], /^ws:\/\/herald\.test\/api\/ws\?token=tok$/);
  herald.close();
});

test('a subscription without a cursor starts from the channel position read from history', async () => {
  const { fetchImpl, requests } = fakeServer(sseMessage('a', 'e', 6));
  const herald = new Herald('http://herald.test', { fetch: fetchImpl, transports: ['sse'] });
  const got = [];
  herald.subscribe('a', { onMessage: (m) => got.push(m.offset) });
  await until(() => got.length === 1);
  assert.equal(requests.find((u) => u.pathname === '/api/sse').searchParams.get('since'), 'e:5');
  herald.close();
});

test('persist: "session" stores cursors per URL and channel, and resumes from them', async () => {
  const map = new Map();
  const storage = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => map.set(k, v) };
  const { fetchImpl, requests } = fakeServer(sseMessage('news', 'e', 8));
  const first = new Herald('http://herald.test/', { fetch: fetchImpl, transports: ['sse'], persist: 'session', storage });
  first.subscribe('news', { since: 'e:7', onMessage: () => {} });
  await until(() => map.get('herald:http://herald.test:news') === 'e:8');
  first.close();
  const second = new Herald('http://herald.test', { fetch: fetchImpl, transports: ['sse'], persist: 'session', storage });
  const sub = second.subscribe('news', { onMessage: () => {} });
  assert.equal(sub.cursor, 'e:8');
  await until(() => requests.filter((u) => u.pathname === '/api/sse').length === 2);
  assert.equal(requests.filter((u) => u.pathname === '/api/sse')[1].searchParams.get('since'), 'e:8');
  second.close();
  assert.throws(() => new Herald('http://x', { fetch: fetchImpl, persist: 'session' }), /sessionStorage/);
  assert.throws(() => new Herald('http://x', { fetch: fetchImpl, persist: 'local', storage }), /persist/);
});

test('bad arguments get clear errors', () => {
  const fetchImpl = async () => new Response('{}');
  assert.throws(() => new Herald('ftp://x', { fetch: fetchImpl }), /http\(s\) or ws\(s\)/);
  assert.throws(() => new Herald('http://x', { fetch: fetchImpl, transports: [] }), /non-empty/);
  assert.throws(() => new Herald('http://x', { fetch: fetchImpl, transports: ['pigeon'] }), /unknown transport/);
  assert.throws(() => new Herald('http://x', { fetch: fetchImpl, backoff: { base: 0 } }), /backoff.base/);
  const herald = new Herald('http://x', { fetch: fetchImpl, transports: ['longpoll'] });
  assert.throws(() => herald.subscribe('bad name'), (e) => e instanceof HeraldError && e.code === 'invalid_channel');
  assert.throws(() => herald.subscribe('ok', { since: 'nope' }), (e) => e.code === 'invalid_field');
  herald.subscribe('ok');
  assert.throws(() => herald.subscribe('ok'), (e) => e.code === 'already_subscribed');
  herald.close();
  assert.throws(() => herald.subscribe('other'), (e) => e.code === 'closed');
});

const hasGlobalWebSocket = globalThis.WebSocket ? 'this Node has a global WebSocket' : false;

test('without any WebSocket implementation (Node 20) the client moves to SSE and says why', { skip: hasGlobalWebSocket }, async () => {
  const { fetchImpl } = fakeServer(sseMessage('n', 'e', 6));
  const herald = new Herald('http://herald.test', { fetch: fetchImpl });
  const states = [];
  herald.on('state', (s) => states.push(s));
  const got = [];
  herald.subscribe('n', { onMessage: (m) => got.push(m.offset) });
  await until(() => got.length === 1);
  assert.equal(herald.transport, 'sse');
  assert.match(states[0].reason, /^fallback from websocket to sse: no WebSocket implementation/);
  herald.close();
  assert.equal(herald.state, 'disconnected');
});

/** A WebSocket speaking herald.v1 in memory: answers ping and subscribe; the test pushes frames. */
class ScriptedWebSocket {
  constructor() {
    ScriptedWebSocket.last = this;
    this.sent = [];
    this.readyState = 0;
    setTimeout(() => {
      this.readyState = 1;
      this.onopen?.({});
    }, 1);
  }
  send(text) {
    const command = JSON.parse(text);
    this.sent.push(command);
    if (command.op === 'ping') this.push({ id: command.id, ok: true });
    if (command.op === 'subscribe') this.push({ id: command.id, ok: true, channel: command.channel, cursor: 'e:3', recovered: false });
    if (command.op === 'presence') {
      this.push({ id: command.id, ok: true, channel: command.channel, you: 'c1', clients: [{ id: 'c1', user: null, info: { name: 'Ada' } }] });
    }
  }
  push(frame) {
    setTimeout(() => this.onmessage?.({ data: JSON.stringify(frame) }), 1);
  }
  close() {
    this.readyState = 3;
  }
}

test('websocket: a late error reply to a subscribe (the engine refused the channel later) is acted on', async () => {
  const { fetchImpl } = fakeServer('');
  const herald = new Herald('http://herald.test', { fetch: fetchImpl, WebSocket: ScriptedWebSocket, transports: ['websocket'] });
  const errors = [];
  herald.on('error', (e) => errors.push(e));
  const retried = herald.subscribe('retried', { onMessage: () => {} });
  const refused = herald.subscribe('refused', { onMessage: () => {} });
  await until(() => retried.cursor === 'e:3' && refused.cursor === 'e:3');
  const socket = ScriptedWebSocket.last;
  const idOf = (channel) => socket.sent.find((c) => c.op === 'subscribe' && c.channel === channel).id;
  socket.push({ id: idOf('retried'), ok: false, error: { code: 'unavailable', message: 'engine full' } });
  socket.push({ id: idOf('refused'), ok: false, error: { code: 'forbidden_channel', message: 'no' } });
  await until(() => errors.length === 1);
  assert.equal(errors[0].code, 'forbidden_channel');
  assert.equal(errors[0].channel, 'refused');
  assert.equal(refused.active, false);
  await until(() => socket.sent.filter((c) => c.op === 'subscribe' && c.channel === 'retried').length === 2, 4000);
  assert.equal(socket.sent.at(-1).since, 'e:3', 'subscribed again from its cursor');
  assert.equal(retried.active, true);
  herald.close();
});

test('presence: subscribe asks for it with info, then a sync list, join and leave events, presence()', async () => {
  const { fetchImpl } = fakeServer('');
  const herald = new Herald('http://herald.test', { fetch: fetchImpl, WebSocket: ScriptedWebSocket, transports: ['websocket'] });
  const events = [];
  const plain = herald.subscribe('news', { onMessage: () => {} });
  herald.subscribe('chat.lobby', { info: { name: 'Ada' }, onPresence: (e) => events.push(e) });
  await until(() => events.length === 1);
  const socket = ScriptedWebSocket.last;
  const subscribes = socket.sent.filter((c) => c.op === 'subscribe');
  assert.deepEqual(subscribes.find((c) => c.channel === 'chat.lobby'), { id: subscribes[1].id, op: 'subscribe', channel: 'chat.lobby', presence: true, info: { name: 'Ada' } });
  assert.equal('presence' in subscribes.find((c) => c.channel === 'news'), false, 'no presence without onPresence');
  assert.deepEqual(events[0], { type: 'sync', channel: 'chat.lobby', you: 'c1', clients: [{ id: 'c1', user: null, info: { name: 'Ada' } }] });
  const bob = { id: 'c2', user: 'bob', info: null };
  socket.push({ op: 'join', channel: 'chat.lobby', client: bob });
  socket.push({ op: 'leave', channel: 'chat.lobby', client: bob });
  socket.push({ op: 'join', channel: 'news', client: bob }); // a channel without onPresence: ignored
  await until(() => events.length === 3);
  await wait(20);
  assert.deepEqual(events.slice(1), [{ type: 'join', channel: 'chat.lobby', client: bob }, { type: 'leave', channel: 'chat.lobby', client: bob }]);
  const list = await herald.presence('chat.lobby');
  assert.deepEqual(list, { channel: 'chat.lobby', you: 'c1', clients: [{ id: 'c1', user: null, info: { name: 'Ada' } }] });
  assert.equal(plain.active, true);
  herald.close();
});

test('presence() on another transport than the WebSocket says so', async () => {
  const { fetchImpl } = fakeServer('');
  const herald = new Herald('http://herald.test', { fetch: fetchImpl, transports: ['sse'] });
  await assert.rejects(herald.presence('chat.lobby'), (e) => e instanceof HeraldError && e.code === 'presence_unavailable' && /in use: sse/.test(e.message));
  assert.throws(() => herald.subscribe('x', { onPresence: 'yes' }), TypeError);
  herald.close();
});

test('web/herald.js is the current build of clients/js (run npm run build after changing src/)', async () => {
  const fresh = await bundle();
  assert.ok(fs.existsSync(WEB_COPY), 'web/herald.js exists');
  const current = fs.readFileSync(WEB_COPY, 'utf8');
  assert.ok(current === fresh, `web/herald.js (${current.length} bytes) differs from a fresh build (${fresh.length} bytes): run npm run build`);
});

/** A WebSocket that answers a join and, in the same tick, tells of a peer who came right after. */
class JoinThenPeerWebSocket extends ScriptedWebSocket {
  send(text) {
    const command = JSON.parse(text);
    this.sent.push(command);
    if (command.op !== 'join') return;
    const reply = { id: command.id, ok: true, room: command.room, you: 'p1', peers: [] };
    const came = { op: 'peer_joined', room: command.room, peer: { id: 'p2', user: null, info: null } };
    // As Node's `ws` does with two frames read at once: both events before any promise callback.
    setTimeout(() => {
      this.onmessage?.({ data: JSON.stringify(reply) });
      this.onmessage?.({ data: JSON.stringify(came) });
    }, 1);
  }
}

test('rooms: a peer_joined right behind the join reply (the same read) is not lost', async () => {
  const { fetchImpl } = fakeServer('');
  const herald = new Herald('http://herald.test', { fetch: fetchImpl, WebSocket: JoinThenPeerWebSocket, transports: ['websocket'] });
  const came = [];
  const room = herald.join('call:one', { onPeerJoined: (p) => came.push(p.id) });
  const joined = await room.ready;
  assert.deepEqual(joined, { you: 'p1', peers: [] });
  await until(() => came.length === 1);
  assert.deepEqual(came, ['p2']);
  assert.deepEqual(room.peers.map((p) => p.id), ['p2']);
  herald.close();
});

/** Answers the first join on the first socket; every later socket refuses it with room_full. */
class FullOnRejoinWebSocket extends ScriptedWebSocket {
  constructor(url) {
    super(url);
    FullOnRejoinWebSocket.count += 1;
    this.serial = FullOnRejoinWebSocket.count;
  }
  send(text) {
    const command = JSON.parse(text);
    this.sent.push(command);
    if (command.op !== 'join') return;
    if (this.serial === 1) this.push({ id: command.id, ok: true, room: command.room, you: 'p1', peers: [{ id: 'p2', user: null, info: null }] });
    else this.push({ id: command.id, ok: false, error: { code: 'room_full', message: 'full' } });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: '' });
  }
}
FullOnRejoinWebSocket.count = 0;

test('rooms: a rejoin refused after roomFullRetry ends the room and is reported with error.room', async () => {
  const { fetchImpl } = fakeServer('');
  const herald = new Herald('http://herald.test', {
    fetch: fetchImpl,
    WebSocket: FullOnRejoinWebSocket,
    transports: ['websocket'],
    backoff: { base: 10, cap: 20 },
    roomFullRetry: 0,
  });
  try {
    const errors = [];
    herald.on('error', (e) => errors.push(e));
    const room = herald.join('call:two');
    await room.ready;
    const first = ScriptedWebSocket.last;
    first.drop();
    await until(() => errors.length === 1);
    assert.equal(errors[0].code, 'room_full');
    assert.equal(errors[0].room, 'call:two');
    assert.equal(room.joined, false);
    await assert.rejects(room.signal('p2', 1), (err) => err.code === 'not_joined');
    assert.doesNotThrow(() => herald.join('call:two'), 'the ended room is gone: it can be joined again');
  } finally {
    herald.close();
  }
});
