// WebSocket transport (herald.v1) with the `ws` client: handshake, subscribe/unsubscribe/publish/history
// commands, error replies, resume with `since` after a forced drop, gaps, close codes, origin check,
// server pings, permessage-deflate, the echo endpoint and metrics.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, before, after } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';
import { publish, publishBatch, publishMany, historyOk, currentCursor, request, query } from './lib/http.mjs';
import { wsConnect, wsRefused, assertWsError, PUSH_KEYS, GAP_KEYS } from './lib/ws-client.mjs';
import { rawWsConnect } from './lib/ws-frames.mjs';
import {
  uniqueChannel,
  parseCursor,
  foreignEpoch,
  assertContiguous,
  assertEnvelope,
  assertErrorBody,
  ENVELOPE_KEYS,
  EPOCH_RE,
  sleep,
  waitFor,
} from './lib/util.mjs';

let srv; // client publishing for "chat.", big history (resume test), small publish.max_message_bytes
let small; // history.size=10, ws.max_channels=2, ws.max_message_bytes=1000, ws.allowed_origins
let pinger; // ws.ping_interval=1, ws.idle_timeout=3
let defl; // ws.deflate=true, --ws-echo
const clients = [];

before(async () => {
  [srv, small, pinger, defl] = await Promise.all([
    startServer({
      label: 'ws',
      env: { HERALD_WS_PUBLISH_PREFIXES: 'chat.', HERALD_HISTORY_SIZE: '20000', HERALD_PUBLISH_MAX_MESSAGE_BYTES: '2000' },
    }),
    startServer({
      label: 'ws-small',
      env: {
        HERALD_HISTORY_SIZE: '10',
        HERALD_WS_MAX_CHANNELS: '2',
        HERALD_WS_MAX_MESSAGE_BYTES: '1000',
        HERALD_WS_ALLOWED_ORIGINS: 'https://app.example,http://other.example:8081',
      },
    }),
    startServer({ label: 'ws-ping', env: { HERALD_WS_PING_INTERVAL: '1', HERALD_WS_IDLE_TIMEOUT: '3' } }),
    startServer({ label: 'ws-deflate', env: { HERALD_WS_DEFLATE: 'true' }, args: ['--ws-echo'] }),
  ]);
});

after(async () => {
  for (const c of clients) c.terminate();
  await Promise.all([srv?.stop(), small?.stop(), pinger?.stop(), defl?.stop()]);
});

/** wsConnect + remember for cleanup. */
async function connect(base, opts) {
  const c = await wsConnect(base, opts);
  clients.push(c);
  return c;
}

/** Index in c.frames of the first frame matching pred (or -1). */
function frameIndex(c, pred) {
  return c.frames.findIndex((f) => f.json && pred(f.json));
}

/** Asserts one op:"message" push against the spec (keys in order, envelope fields). */
function assertPush(push, expect = {}, label = '') {
  assert.deepEqual(Object.keys(push), PUSH_KEYS, `${label} message push keys/order: ${JSON.stringify(push)}`);
  assert.equal(push.op, 'message');
  const { op, ...env } = push;
  assertEnvelope(env, expect);
}

function parseMetrics(text) {
  const samples = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?)\s+(\S+)/.exec(line);
    if (m) samples.set(m[1].replace(/\s+/g, ''), Number(m[2]));
  }
  return samples;
}

async function metric(base, name) {
  const res = await request(base, 'GET', '/metrics');
  assert.equal(res.status, 200);
  return parseMetrics(res.text).get(name);
}

// ---------------------------------------------------------------------------------------------------------
// Handshake

test('handshake: herald.v1 is selected when offered; without a subprotocol it works the same (no header)', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('hs');
  const a = await connect(srv.base); // offers herald.v1
  assert.equal(a.upgrade.statusCode, 101);
  assert.equal(a.protocol, 'herald.v1');
  assert.equal(a.upgrade.headers['sec-websocket-protocol'], 'herald.v1');

  const b = await connect(srv.base, { protocols: null });
  assert.equal(b.protocol, '');
  assert.equal(b.upgrade.headers['sec-websocket-protocol'], undefined, 'no Sec-WebSocket-Protocol when none was offered');

  const c = await connect(srv.base, { protocols: ['x.other', 'herald.v1'] });
  assert.equal(c.protocol, 'herald.v1', 'herald.v1 picked from a list of offers');

  for (const cl of [a, b, c]) await cl.subscribe(channel);
  await publish(srv.base, channel, { hello: 1 });
  for (const [name, cl] of Object.entries({ a, b, c })) {
    const [m] = await cl.waitMessages(channel, 1);
    assertPush(m, { channel, offset: 1, data: { hello: 1 } }, name);
  }
});

test('non-upgrade GET /api/ws → 400 invalid_field; Sec-WebSocket-Version other than 13 → 426', { timeout: 20_000 }, async () => {
  assertErrorBody(await request(srv.base, 'GET', '/api/ws'), 400, 'invalid_field', 'plain GET /api/ws');
  let err;
  try {
    const r = await rawWsConnect(srv.port, { headers: { 'Sec-WebSocket-Version': '8' } });
    r.destroy();
  } catch (e) {
    err = e;
  }
  assert.ok(err && err.status !== undefined, `version 8 must be refused: ${err?.message ?? 'accepted'}`);
  assert.equal(err.status, 426, err.head);
  assert.equal(err.headers['sec-websocket-version'], '13', err.head);
});

// ---------------------------------------------------------------------------------------------------------
// Commands

test('subscribe reply fields (string, number and missing id); pushes are op:"message" + the envelope', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('subr');
  const c = await connect(srv.base);
  const r = await c.command({ id: 'sub-A', op: 'subscribe', channel });
  assert.deepEqual(Object.keys(r).sort(), ['channel', 'cursor', 'id', 'ok', 'recovered'], JSON.stringify(r));
  assert.equal(r.id, 'sub-A');
  assert.equal(r.ok, true);
  assert.equal(r.channel, channel);
  assert.equal(r.recovered, false, 'no since → recovered:false');
  const { epoch, offset } = parseCursor(r.cursor);
  assert.equal(offset, 0, 'a fresh channel continues from epoch:0');
  assert.equal(r.cursor, await currentCursor(srv.base, channel), 'same epoch as HTTP');

  const res1 = await publish(srv.base, channel, { n: 1 });
  const res2 = await publish(srv.base, channel, [1, 'two', null], { event: 'custom.ev' });
  const [m1, m2] = await c.waitMessages(channel, 2);
  assertPush(m1, { channel, epoch, offset: 1, event: 'message', data: { n: 1 } });
  assertPush(m2, { channel, epoch, offset: 2, event: 'custom.ev', data: [1, 'two', null] });
  assert.equal(m1.cursor, res1.cursor);
  assert.equal(m2.cursor, res2.cursor);
  // Raw text: "op" first, then the envelope exactly as HTTP history serializes it.
  const h = await historyOk(srv.base, channel);
  const rawPush = c.frames.find((f) => f.json?.op === 'message' && f.json.offset === 1).text;
  assert.equal(rawPush, `{"op":"message",${JSON.stringify(h.messages[0]).slice(1)}`, 'push = {"op":"message", envelope fields}');

  // Numeric id echoed as a number.
  const ch2 = uniqueChannel('subr2');
  await publishMany(srv.base, ch2, 3);
  const r2 = await c.command({ id: 42, op: 'subscribe', channel: ch2 });
  assert.equal(r2.id, 42);
  assert.equal(r2.cursor, `${parseCursor(r2.cursor).epoch}:3`, 'without since: delivery continues from the current cursor');
  assert.equal(r2.recovered, false);
  await publish(srv.base, ch2, 'live');
  const msgs = await c.waitMessages(ch2, 1);
  await sleep(200);
  assert.deepEqual(c.messages(ch2).map((m) => m.offset), [4], 'without since: only live messages, no history replay');
  assert.equal(msgs[0].data, 'live');

  // A command without id gets "id":null.
  const ch3 = uniqueChannel('subr3');
  const from = c.frames.length;
  c.send({ op: 'subscribe', channel: ch3 });
  const r3 = await c.waitReply(null, { from });
  assert.equal(r3.ok, true, JSON.stringify(r3));
  assert.equal(r3.channel, ch3);
  assert.ok('id' in r3 && r3.id === null, JSON.stringify(r3));
});

test('application-level ping op → {"id":…,"ok":true}', { timeout: 10_000 }, async () => {
  const c = await connect(srv.base);
  const r = await c.command({ id: 'p1', op: 'ping' });
  assert.deepEqual(r, { id: 'p1', ok: true });
});

test('publish over HTTP is received over WS and publish over WS is received over WS and HTTP', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('chat.room');
  const sub = await connect(srv.base);
  const pub = await connect(srv.base);
  await sub.subscribe(channel);
  await pub.subscribe(channel);

  await publish(srv.base, channel, { from: 'http' });
  const r = await pub.command({ id: 9, op: 'publish', channel, data: { from: 'ws' }, event: 'said' });
  assert.deepEqual(Object.keys(r).sort(), ['channel', 'cursor', 'duplicate', 'epoch', 'id', 'offset', 'ok'], JSON.stringify(r));
  assert.equal(r.id, 9);
  assert.equal(r.ok, true);
  assert.equal(r.channel, channel);
  assert.match(r.epoch, EPOCH_RE);
  assert.equal(r.offset, 2);
  assert.equal(r.cursor, `${r.epoch}:2`);
  assert.equal(r.duplicate, false);

  for (const cl of [sub, pub]) {
    const [m1, m2] = await cl.waitMessages(channel, 2);
    assertPush(m1, { channel, offset: 1, event: 'message', data: { from: 'http' } });
    assertPush(m2, { channel, epoch: r.epoch, offset: 2, event: 'said', data: { from: 'ws' } });
  }
  const h = await historyOk(srv.base, channel);
  assert.deepEqual(h.messages.map((m) => [m.offset, m.event, m.data]), [
    [1, 'message', { from: 'http' }],
    [2, 'said', { from: 'ws' }],
  ]);

  // Idempotency key: the repeat returns the first result with duplicate:true and publishes nothing.
  const k1 = await pub.commandOk({ op: 'publish', channel, data: 'once', idempotency_key: 'key-1' });
  const k2 = await pub.commandOk({ op: 'publish', channel, data: 'twice', idempotency_key: 'key-1' });
  assert.equal(k1.duplicate, false);
  assert.equal(k2.duplicate, true);
  assert.equal(k2.offset, k1.offset);
  assert.equal(k2.cursor, k1.cursor);
  await sleep(200);
  assert.equal((await historyOk(srv.base, channel)).messages.length, 3);
  assert.equal(sub.messages(channel).length, 3);
});

test('client publish outside ws.publish_prefixes → error forbidden, connection stays open, nothing published', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('room'); // not "chat."
  const c = await connect(srv.base);
  await c.subscribe(channel);
  const r = await c.command({ id: 'f1', op: 'publish', channel, data: 'nope' });
  assertWsError(r, 'forbidden', 'f1');
  const r2 = await c.command({ id: 'f2', op: 'publish', channel: `x${uniqueChannel('chat.')}`, data: 'nope' });
  assertWsError(r2, 'forbidden', 'f2');
  assert.equal(c.open, true, 'connection stays open');
  // Still fully usable.
  await publish(srv.base, channel, 'via http');
  const [m] = await c.waitMessages(channel, 1);
  assert.equal(m.data, 'via http');
  assert.equal(m.offset, 1, 'the forbidden publish published nothing');
  const ok = await c.commandOk({ op: 'publish', channel: uniqueChannel('chat.ok'), data: 1 });
  assert.equal(ok.offset, 1);

  // Default config (no prefixes): client publishing is off everywhere.
  const d = await connect(small.base);
  assertWsError(await d.command({ id: 3, op: 'publish', channel: uniqueChannel('chat.'), data: 1 }), 'forbidden', 3);
  assert.equal(d.open, true);
});

test('WS publish has the HTTP validation: invalid_channel, invalid_event, invalid_field, too_large', { timeout: 20_000 }, async () => {
  const c = await connect(srv.base);
  const channel = uniqueChannel('chat.val');
  const cases = [
    ['invalid_channel', { channel: 'chat.has space', data: 1 }],
    ['invalid_channel', { channel: `chat.${'x'.repeat(260)}`, data: 1 }],
    ['invalid_event', { channel, data: 1, event: 'gap' }],
    ['invalid_event', { channel, data: 1, event: 'close' }],
    ['invalid_event', { channel, data: 1, event: 'bad event' }],
    ['invalid_field', { channel }], // missing data
    ['invalid_field', { channel, data: 1, idempotency_key: 'k'.repeat(129) }],
    ['too_large', { channel, data: 'x'.repeat(3000) }], // publish.max_message_bytes=2000 on this server
  ];
  for (const [code, body] of cases) {
    const r = await c.command({ op: 'publish', ...body });
    assertWsError(r, code);
  }
  assert.equal(c.open, true);
  assert.deepEqual((await historyOk(srv.base, channel)).messages, [], 'nothing published');
});

test('an empty event name is rejected with invalid_event over HTTP and WebSocket, and nothing is published; a missing or null event is "message"', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('chat.emptyev');
  const post = (body) => request(srv.base, 'POST', '/api/publish', { body });
  assertErrorBody(await post({ channel, data: 1, event: '' }), 400, 'invalid_event', 'HTTP single');
  assertErrorBody(await post({ messages: [{ channel, data: 1 }, { channel, data: 2, event: '' }] }), 400, 'invalid_event', 'HTTP batch');
  const raw = await request(srv.base, 'POST', `/api/publish/${channel}?event=`, { body: 'x', headers: { 'Content-Type': 'text/plain' } });
  assertErrorBody(raw, 400, 'invalid_event', 'HTTP raw body');
  const c = await connect(srv.base);
  assertWsError(await c.command({ id: 'empty', op: 'publish', channel, data: 1, event: '' }), 'invalid_event', 'empty');
  assert.equal(c.open, true);
  assert.deepEqual((await historyOk(srv.base, channel)).messages, [], 'nothing published');

  await publish(srv.base, channel, 'http null', { event: null });
  await publish(srv.base, channel, 'http missing');
  await c.commandOk({ op: 'publish', channel, data: 'ws null', event: null });
  await c.commandOk({ op: 'publish', channel, data: 'ws missing' });
  const { messages } = await historyOk(srv.base, channel);
  assert.deepEqual(messages.map((m) => [m.data, m.event]), [
    ['http null', 'message'],
    ['http missing', 'message'],
    ['ws null', 'message'],
    ['ws missing', 'message'],
  ]);
});

test('error replies echo the id of a command without op or with a non-string op; only unreadable commands and ids get "id":null', { timeout: 20_000 }, async () => {
  const c = await connect(srv.base);
  assertWsError(await c.command({ id: 'no-op' }), 'invalid_field', 'no-op');
  assertWsError(await c.command({ id: 17, channel: 'x' }), 'invalid_field', 17);
  assertWsError(await c.command({ id: 'num-op', op: 5 }), 'invalid_field', 'num-op');
  assertWsError(await c.command({ id: 'null-op', op: null }), 'invalid_field', 'null-op');
  for (const text of ['{"op":"ping"', '[{"id":1,"op":"ping"}]', '{"id":{"n":1},"op":"ping"}', '{"id":[1],"op":"ping"}', '{"id":true}', '{"channel":"x"}']) {
    const from = c.frames.length;
    c.send(text);
    const reply = await c.waitReply(null, { from });
    assertWsError(reply, text.startsWith('{"op":"ping"') ? 'bad_json' : 'invalid_field', null);
  }
  assert.equal(c.open, true);
});

test('herald_publish_duration_seconds counts WebSocket publish commands as well as HTTP publish requests', { timeout: 20_000 }, async () => {
  const name = 'herald_publish_duration_seconds_count';
  const channel = uniqueChannel('chat.duration');
  const c = await connect(srv.base);
  const before = (await metric(srv.base, name)) ?? 0;
  await c.commandOk({ op: 'publish', channel, data: 1 });
  await c.commandOk({ op: 'publish', channel, data: 2 });
  await waitFor(async () => (await metric(srv.base, name)) === before + 2, { label: `${name} = ${before + 2}`, timeout: 5000 });
  assertWsError(await c.command({ op: 'publish', channel: uniqueChannel('news'), data: 3 }), 'forbidden');
  await publish(srv.base, channel, 4);
  await publishBatch(srv.base, [{ channel, data: 5 }, { channel, data: 6 }]);
  await waitFor(async () => (await metric(srv.base, name)) === before + 4, {
    label: `${name} = ${before + 4}: one per WebSocket publish and per HTTP request, none for a refused publish`,
    timeout: 5000,
  });
});

test('history op: same semantics as GET /api/history (limit, since, more, gap)', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('hist');
  await publishMany(srv.base, channel, 5);
  const c = await connect(srv.base);
  const r = await c.command({ id: 4, op: 'history', channel, limit: 2 });
  assert.deepEqual(Object.keys(r).sort(), ['channel', 'cursor', 'gap', 'id', 'messages', 'more', 'ok'], JSON.stringify(r));
  assert.equal(r.id, 4);
  assert.equal(r.ok, true);
  assert.equal(r.channel, channel);
  const { epoch } = parseCursor(r.cursor);
  assert.deepEqual(r.messages.map((m) => m.offset), [4, 5], 'without since: the last `limit` messages, oldest first');
  r.messages.forEach((m) => assertEnvelope(m, { channel, epoch }));
  assert.equal(r.cursor, `${epoch}:5`);
  assert.equal(r.gap, null);
  assert.equal(r.more, false);
  const http = await historyOk(srv.base, channel, { limit: 2 });
  assert.deepEqual(r.messages, http.messages, 'same messages as HTTP history');

  const s = await c.commandOk({ op: 'history', channel, since: `${epoch}:1`, limit: 2 });
  assert.deepEqual(s.messages.map((m) => m.offset), [2, 3]);
  assert.equal(s.cursor, `${epoch}:3`);
  assert.equal(s.more, true);
  assert.equal(s.gap, null);

  const none = await c.commandOk({ op: 'history', channel, since: `${epoch}:5` });
  assert.deepEqual(none.messages, []);
  assert.equal(none.cursor, `${epoch}:5`, 'nothing new: cursor = since');
  assert.equal(none.more, false);

  const g = await c.commandOk({ op: 'history', channel, since: `${foreignEpoch(epoch)}:3` });
  assert.deepEqual(g.gap, { channel, requested: `${foreignEpoch(epoch)}:3`, continue_from: `${epoch}:0` });
  assert.deepEqual(g.messages.map((m) => m.offset), [1, 2, 3, 4, 5]);

  const fresh = uniqueChannel('hist-fresh');
  const f = await c.commandOk({ op: 'history', channel: fresh });
  assert.deepEqual(f.messages, []);
  assert.equal(parseCursor(f.cursor).offset, 0, 'fresh channel → epoch:0');
  assert.equal(f.cursor, await currentCursor(srv.base, fresh), 'history op created the channel like HTTP polling does');
});

test('unsubscribe → {"id":…,"ok":true} and stops delivery on that channel only', { timeout: 20_000 }, async () => {
  const a = uniqueChannel('unsub-a');
  const b = uniqueChannel('unsub-b');
  const c = await connect(srv.base);
  await c.subscribe(a);
  await c.subscribe(b);
  await publish(srv.base, a, 1);
  await c.waitMessages(a, 1);
  const r = await c.command({ id: 2, op: 'unsubscribe', channel: a });
  assert.deepEqual(r, { id: 2, ok: true });
  await publishBatch(srv.base, [
    { channel: a, data: 2 },
    { channel: a, data: 3 },
    { channel: b, data: 'marker' },
  ]);
  await c.waitMessages(b, 1);
  await sleep(300);
  assert.deepEqual(c.messages(a).map((m) => m.data), [1], 'nothing after unsubscribe');
  // Can subscribe again.
  await c.subscribe(a);
  await publish(srv.base, a, 4);
  await c.waitMessages(a, 2);
  assert.deepEqual(c.messages(a).map((m) => m.data), [1, 4]);
});

test('error replies: unknown_op, bad_json (id null), invalid_field, invalid_channel, already_subscribed, not_subscribed; connection stays up', { timeout: 20_000 }, async () => {
  const c = await connect(srv.base);
  assertWsError(await c.command({ id: 7, op: 'frobnicate' }), 'unknown_op', 7);

  let from = c.frames.length;
  c.send('this is {not json');
  assertWsError(await c.waitReply(null, { from }), 'bad_json', null);

  for (const text of ['[1,2,3]', '42', '"subscribe"', 'null']) {
    from = c.frames.length;
    c.send(text);
    assertWsError(await c.waitReply(null, { from }), 'invalid_field', null);
  }
  assertWsError(await c.command({ id: 'no-op', channel: 'x' }), 'invalid_field', 'no-op');

  for (const channel of ['', 'has space', 'slash/name', 'x'.repeat(256), 'star*']) {
    assertWsError(await c.command({ op: 'subscribe', channel }), 'invalid_channel');
  }
  const channel = uniqueChannel('err');
  await c.subscribe(channel);
  assertWsError(await c.command({ id: 'again', op: 'subscribe', channel }), 'already_subscribed', 'again');
  assertWsError(await c.command({ id: 'u', op: 'unsubscribe', channel: uniqueChannel('never') }), 'not_subscribed', 'u');

  assert.equal(c.open, true);
  await publish(srv.base, channel, 'still works');
  const [m] = await c.waitMessages(channel, 1);
  assert.equal(m.data, 'still works');
  assert.equal(c.close, null);
});

test('too_many_channels beyond ws.max_channels (2)', { timeout: 20_000 }, async () => {
  const c = await connect(small.base);
  const [a, b, x] = [uniqueChannel('mc'), uniqueChannel('mc'), uniqueChannel('mc')];
  await c.subscribe(a);
  await c.subscribe(b);
  assertWsError(await c.command({ id: 3, op: 'subscribe', channel: x }), 'too_many_channels', 3);
  await c.commandOk({ op: 'unsubscribe', channel: a });
  await c.subscribe(x);
  await publish(small.base, x, 'ok');
  await c.waitMessages(x, 1);
  // The limit is per connection.
  const d = await connect(small.base);
  await d.subscribe(a);
  await d.subscribe(b);
});

// ---------------------------------------------------------------------------------------------------------
// Resume and gaps

test('resume after a forced drop: 10 000 messages published concurrently, each offset exactly once in order', { timeout: 120_000 }, async () => {
  const channel = uniqueChannel('resume');
  const TOTAL = 10_000;
  const BATCH = 100;
  const c1 = await connect(srv.base);
  const r1 = await c1.subscribe(channel);
  const { epoch } = parseCursor(r1.cursor);
  assert.equal(r1.cursor, `${epoch}:0`);

  let published = 0;
  const deadline = Date.now() + 60_000;
  const publisher = (async () => {
    for (let done = 0; done < TOTAL && Date.now() < deadline; done += BATCH) {
      await publishBatch(
        srv.base,
        Array.from({ length: BATCH }, (_, k) => ({ channel, data: { i: done + k } })),
      );
      published = done + BATCH;
      await sleep(15); // ~1.5 s of publishing at least: the drop below happens while it goes on
    }
  })();
  publisher.catch(() => {});

  // Drop the connection hard once a good part has arrived, while the publisher is still going.
  await c1.waitUntil(() => c1.messages(channel).length >= 2500, { timeout: 60_000, label: '2500 messages on the first connection' });
  c1.terminate();
  const first = c1.messages(channel); // everything handled before the drop (synchronously after terminate)
  const publishedAtDrop = published;
  assertContiguous(first.map((m) => m.offset), 1, first.length, 'first connection');
  const last = first.at(-1).cursor;

  const c2 = await connect(srv.base);
  const r2 = await c2.subscribe(channel, last);
  assert.equal(r2.recovered, true, `resume inside history → recovered:true: ${JSON.stringify(r2)}`);
  assert.equal(r2.cursor, last, 'delivery continues from since');
  await publisher;
  assert.equal(published, TOTAL, 'publisher finished in time');
  await c2.waitUntil(() => c2.messages(channel).at(-1)?.offset === TOTAL, { timeout: 60_000, label: `offset ${TOTAL} on the second connection` });
  await sleep(200);
  const second = c2.messages(channel);
  assert.deepEqual(c2.gaps(), [], 'no gap push when resuming inside history');
  const all = [...first, ...second];
  assertContiguous(all.map((m) => m.offset), 1, TOTAL, 'offsets across the drop');
  assert.ok(all.every((m) => m.epoch === epoch && m.data.i === m.offset - 1), 'data matches the offsets, one epoch');
  assert.ok(publishedAtDrop < TOTAL, `the drop happened while publishing (published ${publishedAtDrop} of ${TOTAL} at the drop)`);
});

test('cursor older than history (history.size=10): reply recovered:false, then one gap push, then the retained messages', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('gap');
  await publishMany(small.base, channel, 30);
  const { epoch } = parseCursor(await currentCursor(small.base, channel));
  const c = await connect(small.base);
  const r = await c.subscribe(channel, `${epoch}:5`);
  assert.equal(r.recovered, false);
  assert.equal(r.cursor, `${epoch}:20`, 'reply cursor = position delivery continues from (continue_from)');
  await c.waitMessages(channel, 10);
  const gaps = c.gaps(channel);
  assert.equal(gaps.length, 1, c.describe());
  assert.deepEqual(Object.keys(gaps[0]), GAP_KEYS, JSON.stringify(gaps[0]));
  assert.deepEqual(gaps[0], { op: 'gap', channel, requested: `${epoch}:5`, continue_from: `${epoch}:20` });
  const iReply = frameIndex(c, (j) => j.ok === true && j.channel === channel && 'recovered' in j);
  const iGap = frameIndex(c, (j) => j.op === 'gap');
  const iMsg = frameIndex(c, (j) => j.op === 'message');
  assert.ok(iReply >= 0 && iReply < iGap && iGap < iMsg, `order reply(${iReply}) < gap(${iGap}) < messages(${iMsg})`);
  assert.deepEqual(c.messages(channel).map((m) => m.offset), [21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
  await publish(small.base, channel, 'live');
  await c.waitMessages(channel, 11);
  assert.equal(c.messages(channel).at(-1).offset, 31);

  // Inside history: recovered:true, no gap, no duplicate.
  const d = await connect(small.base);
  const r2 = await d.subscribe(channel, `${epoch}:27`);
  assert.equal(r2.recovered, true);
  assert.equal(r2.cursor, `${epoch}:27`);
  await d.waitMessages(channel, 4);
  await sleep(200);
  assert.deepEqual(d.messages(channel).map((m) => m.offset), [28, 29, 30, 31]);
  assert.deepEqual(d.gaps(), []);
  // Up to date: recovered:true, nothing replayed.
  const e = await connect(small.base);
  const r3 = await e.subscribe(channel, `${epoch}:31`);
  assert.equal(r3.recovered, true);
  await sleep(200);
  assert.deepEqual(e.json.filter((j) => j.op), []);
});

test('cursor of another epoch / unparsable / ahead → gap push and recovered:false', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('gap2');
  await publishMany(small.base, channel, 3);
  const { epoch } = parseCursor(await currentCursor(small.base, channel));
  for (const since of [`${foreignEpoch(epoch)}:2`, 'garbage', `${epoch}:99`]) {
    const c = await connect(small.base);
    const r = await c.subscribe(channel, since);
    assert.equal(r.recovered, false, `${since}: ${JSON.stringify(r)}`);
    const http = await historyOk(small.base, channel, { since });
    assert.ok(http.gap, `HTTP history also reports a gap for ${since}`);
    await c.waitUntil(() => c.gaps(channel).length === 1, { label: `gap push for since=${since}` });
    assert.deepEqual(c.gaps(channel)[0], { op: 'gap', channel, requested: since, continue_from: http.gap.continue_from });
    assert.equal(r.cursor, http.gap.continue_from);
    const expected = [];
    for (let o = parseCursor(http.gap.continue_from).offset + 1; o <= 3; o += 1) expected.push(o);
    if (expected.length) await c.waitMessages(channel, expected.length);
    await sleep(150);
    assert.deepEqual(c.messages(channel).map((m) => m.offset), expected, `messages after the gap for since=${since}`);
    c.terminate();
  }
});

// ---------------------------------------------------------------------------------------------------------
// Close codes

test('message over ws.max_message_bytes (1000) → close 1009; a smaller one is fine', { timeout: 20_000 }, async () => {
  const c = await connect(small.base);
  const okCmd = { id: 'fits', op: 'history', channel: uniqueChannel('big'), pad: 'p'.repeat(800) };
  assert.ok(JSON.stringify(okCmd).length < 1000);
  await c.commandOk(okCmd);
  c.send({ id: 'big', op: 'history', channel: 'x', pad: 'p'.repeat(1500) });
  const { code } = await c.waitClose();
  assert.equal(code, 1009, c.describe());
  assert.equal((await request(small.base, 'GET', '/healthz')).status, 200);
});

test('binary frame → close 1003 "binary frames are not supported"', { timeout: 20_000 }, async () => {
  const c = await connect(srv.base);
  await c.subscribe(uniqueChannel('bin'));
  c.ws.send(Buffer.from([1, 2, 3, 4]));
  const { code, reason } = await c.waitClose();
  assert.equal(code, 1003, c.describe());
  assert.equal(reason, 'binary frames are not supported');
});

test('Origin check: foreign origin → 403 forbidden (no upgrade); same host, localhost/127.0.0.1/[::1] and allowed_origins accepted', { timeout: 30_000 }, async () => {
  const problems = [];
  /** Expects a 403 forbidden JSON refusal for `origin` on `server`; records a problem otherwise. */
  const refused = async (server, origin) => {
    let err;
    try {
      err = await wsRefused(server.base, { origin });
    } catch (e) {
      problems.push(`Origin ${origin} on :${server.port}: ${e.message}`);
      return;
    }
    if (err.status !== 403) problems.push(`Origin ${origin}: status ${err.status} (expected 403)`);
    let body;
    try {
      body = JSON.parse(err.body);
    } catch {
      problems.push(`Origin ${origin}: 403 body is not JSON: ${err.body}`);
      return;
    }
    if (body.error?.code !== 'forbidden') problems.push(`Origin ${origin}: body ${err.body}`);
    if (!/^application\/json/.test(err.headers['content-type'] ?? '')) problems.push(`Origin ${origin}: Content-Type ${err.headers['content-type']}`);
  };
  const accepted = async (server, origin) => {
    try {
      const c = await connect(server.base, origin === undefined ? {} : { origin });
      await c.commandOk({ op: 'history', channel: uniqueChannel('origin') });
      await c.closeAndWait();
    } catch (e) {
      problems.push(`Origin ${origin} on :${server.port} must be accepted: ${e.message} ${e.body ?? ''}`);
    }
  };
  for (const origin of ['http://evil.example', 'http://127.0.0.1.evil.example', 'http://localhost.evil.example:8080', `http://evil.example:${srv.port}`, 'null']) {
    await refused(srv, origin);
  }
  for (const origin of [
    `http://127.0.0.1:${srv.port}`, // host:port equals Host
    'http://localhost:3000',
    'http://localhost',
    'http://127.0.0.1:9',
    'https://127.0.0.1',
    'http://[::1]:8080',
    undefined, // no Origin header at all (non-browser client; the ws client sends none by default)
  ]) {
    await accepted(srv, origin);
  }
  // ws.allowed_origins (exact scheme://host[:port]) on another server.
  for (const origin of ['https://app.example', 'http://other.example:8081']) await accepted(small, origin);
  for (const origin of ['http://app.example', 'https://app.example:8443', 'http://other.example', 'https://evil.example']) await refused(small, origin);
  assert.deepEqual(problems, [], `origin check deviations:\n${problems.join('\n')}`);
});

test('engine full (history.max_channels=2): subscribe to a new channel → error reply unavailable, not a close', { timeout: 30_000 }, async () => {
  // publish_prefixes = [""] (allows client publishing on every channel) through a TOML config file.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-ws-'));
  const config = path.join(dir, 'herald.toml');
  fs.writeFileSync(config, '[ws]\npublish_prefixes = [""]\n');
  const own = await startServer({ label: 'ws-full', env: { HERALD_HISTORY_MAX_CHANNELS: '2' }, args: ['--config', config] });
  try {
    const [a, b, x] = [uniqueChannel('full'), uniqueChannel('full'), uniqueChannel('full')];
    await publish(own.base, a, 1);
    await publish(own.base, b, 1);
    const c = await connect(own.base);
    await c.subscribe(a);
    assertWsError(await c.command({ id: 'x', op: 'subscribe', channel: x }), 'unavailable', 'x');
    assert.equal(c.open, true, 'no close on an unavailable engine');
    // publish_prefixes="" allows all channels; the engine still refuses a third channel.
    assertWsError(await c.command({ id: 'p', op: 'publish', channel: x, data: 1 }), 'unavailable', 'p');
    const ok = await c.commandOk({ op: 'publish', channel: a, data: 2 });
    assert.equal(ok.offset, 2, 'publish_prefixes="" allows client publishing on every channel');
    const [m] = await c.waitMessages(a, 1);
    assert.equal(m.data, 2);
    // The failed subscribe left no subscription behind: subscribing to an existing channel still works.
    await c.subscribe(b);
    assert.equal(c.close, null);
  } finally {
    await own.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('ws.allowed_origins = "*" accepts any Origin', { timeout: 20_000 }, async () => {
  const own = await startServer({ label: 'ws-any-origin', env: { HERALD_WS_ALLOWED_ORIGINS: '*' } });
  try {
    for (const origin of ['http://evil.example', 'https://anything.example:4443']) {
      const c = await connect(own.base, { origin });
      await c.commandOk({ op: 'history', channel: uniqueChannel('any') });
      await c.closeAndWait();
    }
  } finally {
    await own.stop();
  }
});

test('SIGTERM → close 1001 "server shutting down"; after a restart on the same port the old cursor gives a gap (new epoch)', { timeout: 60_000 }, async () => {
  const own = await startServer({ label: 'ws-sigterm' });
  try {
    const channel = uniqueChannel('term');
    const c = await connect(own.base);
    const r = await c.subscribe(channel);
    const { epoch: oldEpoch } = parseCursor(r.cursor);
    await publishMany(own.base, channel, 5);
    const msgs = await c.waitMessages(channel, 5);
    const lastCursor = msgs.at(-1).cursor;
    assert.equal(lastCursor, `${oldEpoch}:5`);

    const exited = own.child.exited;
    own.signal('SIGTERM');
    const { code, reason } = await c.waitClose({ timeout: 12_000 });
    assert.equal(code, 1001, c.describe());
    assert.equal(reason, 'server shutting down');
    const info = await exited;
    assert.equal(info.code, 0, `exit after SIGTERM: ${JSON.stringify(info)}`);
    await own.stop();
    await own.start();

    const d = await connect(own.base);
    const r2 = await d.subscribe(channel, lastCursor);
    assert.equal(r2.recovered, false);
    const { epoch: newEpoch, offset } = parseCursor(r2.cursor);
    assert.notEqual(newEpoch, oldEpoch, 'a restarted memory engine has a new epoch');
    assert.equal(offset, 0);
    await d.waitUntil(() => d.gaps(channel).length === 1, { label: 'gap push after restart' });
    assert.deepEqual(d.gaps(channel)[0], { op: 'gap', channel, requested: lastCursor, continue_from: `${newEpoch}:0` });
    await publish(own.base, channel, 'after restart');
    const [m] = await d.waitMessages(channel, 1);
    assertPush(m, { channel, epoch: newEpoch, offset: 1, data: 'after restart' });
  } finally {
    await own.stop();
  }
});

// ---------------------------------------------------------------------------------------------------------
// Keep-alive, compression, echo, metrics

test('server pings (ws.ping_interval=1) are answered by the ws client, which keeps it past ws.idle_timeout (3 s)', { timeout: 30_000 }, async () => {
  const channel = uniqueChannel('ping');
  const c = await connect(pinger.base);
  await c.subscribe(channel);
  const t0 = Date.now();
  await c.waitUntil(() => c.pings.length >= 2, { timeout: 8000, label: 'two server pings' });
  // Stay silent (only the automatic pongs) for longer than the idle timeout.
  await sleep(Math.max(0, 5000 - (Date.now() - t0)));
  assert.equal(c.close, null, `still open after ${Date.now() - t0} ms: ${c.describe()}`);
  assert.ok(c.pings.length >= 2);
  await publish(pinger.base, channel, 'alive');
  const [m] = await c.waitMessages(channel, 1);
  assert.equal(m.data, 'alive');
});

test('permessage-deflate negotiated when ws.deflate=true; messages arrive intact both ways', { timeout: 30_000 }, async () => {
  const channel = uniqueChannel('defl');
  const c = await connect(defl.base, { perMessageDeflate: { threshold: 0 } }); // compress every client message
  const ext = c.upgrade.headers['sec-websocket-extensions'] ?? '';
  assert.match(ext, /^permessage-deflate\b/, `Sec-WebSocket-Extensions: ${ext}`);
  assert.match(ext, /server_no_context_takeover/, ext);
  assert.match(ext, /client_no_context_takeover/, ext);
  assert.match(c.extensions, /permessage-deflate/, `ws.extensions: ${c.extensions}`);

  await c.subscribe(channel);
  const big = { text: 'all work and no play makes jack a dull boy. '.repeat(800), n: [...Array(200).keys()] };
  await publish(defl.base, channel, big);
  for (let i = 0; i < 20; i += 1) await publish(defl.base, channel, { i, s: 'ü€𝄞'.repeat(i) });
  const msgs = await c.waitMessages(channel, 21);
  assert.deepEqual(msgs[0].data, big);
  msgs.slice(1).forEach((m, i) => assert.deepEqual(m.data, { i, s: 'ü€𝄞'.repeat(i) }));
  assert.deepEqual(msgs.map((m) => m.offset), [...Array(21).keys()].map((k) => k + 1));
  // Compressed client commands are understood (history op, large padded command).
  const h = await c.commandOk({ op: 'history', channel, limit: 1, pad: 'z'.repeat(20_000) });
  assert.equal(h.messages[0].offset, 21);

  // Several subscribers get the same (once-compressed) message.
  const others = await Promise.all([1, 2, 3].map(() => connect(defl.base, { perMessageDeflate: true })));
  for (const o of others) await o.subscribe(channel);
  await publish(defl.base, channel, big);
  for (const o of others) assert.deepEqual((await o.waitMessages(channel, 1))[0].data, big);
});

test('permessage-deflate not negotiated when ws.deflate=false, or when the offer has server_max_window_bits=8', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('nodefl');
  const c = await connect(srv.base, { perMessageDeflate: true });
  assert.equal(c.extensions, '', `ws.extensions: ${c.extensions}`);
  assert.equal(c.upgrade.headers['sec-websocket-extensions'], undefined);
  await c.subscribe(channel);
  await publish(srv.base, channel, { text: 'x'.repeat(1500) });
  assert.equal((await c.waitMessages(channel, 1))[0].data.text.length, 1500);

  const d = await connect(defl.base, { perMessageDeflate: { serverMaxWindowBits: 8 } });
  assert.equal(d.extensions, '', `offer with server_max_window_bits=8 must be declined: ${d.extensions}`);
  await d.subscribe(channel);
  await publish(srv.base, channel, 'after');
  await publish(defl.base, channel, { text: 'y'.repeat(1500) });
  assert.equal((await d.waitMessages(channel, 1))[0].data.text.length, 1500);
});

/** Text with repeats far apart (random blocks of 3000 characters, each twice) and repeats close together. */
function farAndNearRepeats() {
  let text = '';
  for (let i = 0; i < 6; i += 1) {
    let block = '';
    while (block.length < 3000) block += Math.random().toString(36).slice(2);
    block = block.slice(0, 3000);
    text += block + 'all work and no play makes jack a dull boy. '.repeat(60) + block;
  }
  return text;
}

test('permessage-deflate with a smaller server window (serverMaxWindowBits 9..14): compressed messages inflate with that window', { timeout: 30_000 }, async () => {
  const channel = uniqueChannel('deflwin');
  // A small inflate output chunk: every back reference must come from the negotiated window.
  const strict = { zlibInflateOptions: { chunkSize: 64 } };
  const clients9 = await Promise.all([1, 2].map(() => connect(defl.base, { perMessageDeflate: { serverMaxWindowBits: 9, ...strict } })));
  const c12 = await connect(defl.base, { perMessageDeflate: { serverMaxWindowBits: 12, ...strict } });
  const c15 = await connect(defl.base, { perMessageDeflate: strict });
  for (const c of clients9) {
    const ext = c.upgrade.headers['sec-websocket-extensions'] ?? '';
    assert.match(ext, /^permessage-deflate\b/, `Sec-WebSocket-Extensions: ${ext}`);
    assert.match(ext, /server_max_window_bits=9\b/, ext);
    assert.equal(c.extensions, 'permessage-deflate', `ws.extensions: ${c.extensions}`);
  }
  assert.match(c12.upgrade.headers['sec-websocket-extensions'] ?? '', /server_max_window_bits=12\b/);
  assert.doesNotMatch(c15.upgrade.headers['sec-websocket-extensions'] ?? '', /server_max_window_bits/);
  const all = [...clients9, c12, c15];
  for (const c of all) await c.subscribe(channel);

  const texts = [farAndNearRepeats(), farAndNearRepeats(), 'small'];
  const before = all.map((c) => c.ws._socket.bytesRead);
  for (const text of texts) await publish(defl.base, channel, { text });
  for (const c of all) {
    const msgs = await c.waitMessages(channel, texts.length);
    msgs.forEach((m, i) => assert.equal(m.data.text, texts[i], `message ${i + 1}`));
    assert.deepEqual(c.errors, []);
    assert.equal(c.close, null, c.describe());
  }
  // Compressed: far fewer bytes on the wire than the messages hold.
  const sent = texts.reduce((sum, t) => sum + t.length, 0);
  all.forEach((c, i) => {
    const read = c.ws._socket.bytesRead - before[i];
    assert.ok(read < sent / 2, `client ${i}: ${read} bytes read for ${sent} bytes of text`);
  });
  // A larger window compresses the far repeats too.
  assert.ok(c15.ws._socket.bytesRead - before[3] < clients9[0].ws._socket.bytesRead - before[0], 'the 15-bit window compresses better');

  // Client messages are still compressed with the client's own window and understood.
  const h = await clients9[0].commandOk({ op: 'history', channel, limit: 1, pad: farAndNearRepeats().slice(0, 20_000) });
  assert.equal(h.messages[0].data.text, 'small');
});

test('echo endpoint: text and binary echoed with --ws-echo; 404 when disabled', { timeout: 20_000 }, async () => {
  const c = await connect(defl.base, { path: '/api/ws/echo', protocols: null });
  c.send('hello echo ü€');
  c.ws.send(Buffer.from([0, 1, 2, 255]));
  c.send('x'.repeat(30_000));
  await c.waitUntil(() => c.frames.length >= 2 && c.binaries.length >= 1, { label: 'echoes' });
  assert.deepEqual(c.frames.map((f) => f.text), ['hello echo ü€', 'x'.repeat(30_000)]);
  assert.deepEqual(c.binaries, [Buffer.from([0, 1, 2, 255])]);
  await c.closeAndWait();

  const err = await wsRefused(srv.base, { path: '/api/ws/echo' });
  assert.equal(err.status, 404);
});

test('/metrics: herald_connections{transport="ws"} counts open WebSockets; delivered_total{transport="ws"} grows', { timeout: 30_000 }, async () => {
  const name = 'herald_connections{transport="ws"}';
  const delivered = 'herald_messages_delivered_total{transport="ws"}';
  // Close every connection of the earlier tests on this server first.
  for (const cl of clients) cl.terminate();
  await sleep(300);
  const base0 = await metric(srv.base, name);
  assert.equal(typeof base0, 'number', `${name} must be present`);
  const d0 = (await metric(srv.base, delivered)) ?? 0;
  const channel = uniqueChannel('metrics');
  const open = await Promise.all([1, 2, 3].map(() => connect(srv.base)));
  await waitFor(async () => (await metric(srv.base, name)) === base0 + 3, { label: `${name} = ${base0 + 3}`, timeout: 5000 });
  for (const o of open) await o.subscribe(channel);
  await publishMany(srv.base, channel, 2);
  for (const o of open) await o.waitMessages(channel, 2);
  await waitFor(async () => (await metric(srv.base, delivered)) >= d0 + 6, { label: `${delivered} grows by 6`, timeout: 5000 });
  for (const o of open) await o.closeAndWait();
  await waitFor(async () => (await metric(srv.base, name)) === base0, { label: `${name} back to ${base0}`, timeout: 5000 });
});
