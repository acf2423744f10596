// Publishing: POST /api/publish (single, batch), POST /api/publish/{channel}, idempotency, errors, auth.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, before, after } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';
import { request, publish, publishBatch, historyOk, curl } from './lib/http.mjs';
import { uniqueChannel, parseCursor, EPOCH_RE, assertErrorBody } from './lib/util.mjs';

let srv;
before(async () => {
  srv = await startServer({ label: 'publish' });
});
after(async () => {
  await srv?.stop();
});

function assertResult(r, channel, offset) {
  assert.deepEqual(Object.keys(r).sort(), ['channel', 'cursor', 'duplicate', 'epoch', 'offset'], `result fields: ${JSON.stringify(r)}`);
  assert.equal(r.channel, channel);
  assert.match(r.epoch, EPOCH_RE);
  if (offset !== undefined) assert.equal(r.offset, offset);
  assert.equal(r.cursor, `${r.epoch}:${r.offset}`);
  assert.equal(r.duplicate, false);
}

const postJson = (path, body, headers = {}) =>
  request(srv.base, 'POST', path, { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...headers } });

test('curl: single publish returns the result JSON with offset 1 and a cursor', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('curl');
  const out = await curl(['-X', 'POST', '-H', 'Content-Type: application/json', '--data-binary', JSON.stringify({ channel, data: { a: 1 } }), `${srv.base}/api/publish`]);
  assert.equal(out.code, 0, `curl failed: ${out.stderr}`);
  assert.equal(out.status, 200, out.body);
  const r = JSON.parse(out.body);
  assertResult(r, channel, 1);
  const h = await historyOk(srv.base, channel);
  assert.equal(h.messages.length, 1);
  assert.deepEqual(h.messages[0].data, { a: 1 });
  assert.equal(h.messages[0].event, 'message');
  assert.equal(h.messages[0].cursor, r.cursor);
});

test('curl: raw publish with text/plain and with application/json bodies', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('curlraw');
  const url = `${srv.base}/api/publish/${channel}`;
  const a = await curl(['-X', 'POST', '-H', 'Content-Type: text/plain', '--data-binary', 'hello curl', url]);
  assert.equal(a.status, 200, a.body);
  assertResult(JSON.parse(a.body), channel, 1);
  const b = await curl(['-X', 'POST', '-H', 'Content-Type: application/json', '--data-binary', '{"k":[1,2]}', url]);
  assert.equal(b.status, 200, b.body);
  assertResult(JSON.parse(b.body), channel, 2);
  const h = await historyOk(srv.base, channel);
  assert.deepEqual(h.messages.map((m) => m.data), ['hello curl', { k: [1, 2] }]);
});

test('curl: error statuses carry JSON error bodies', { timeout: 20_000 }, async () => {
  const out = await curl(['-i', '-X', 'POST', '-H', 'Content-Type: application/json', '--data-binary', '{oops', `${srv.base}/api/publish`]);
  assert.equal(out.status, 400, out.body);
  assert.match(out.body, /^content-type: application\/json/im);
  const body = JSON.parse(out.body.slice(out.body.indexOf('\r\n\r\n') + 4));
  assert.equal(body.error.code, 'bad_json');
  const nf = await curl([`${srv.base}/api/definitely-not-here`]);
  assert.equal(nf.status, 404);
  assert.equal(JSON.parse(nf.body).error.code, 'not_found');
});

test('fetch: offsets increment by one within one epoch', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('seq');
  const results = [];
  for (let i = 0; i < 5; i += 1) {
    const res = await fetch(`${srv.base}/api/publish`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ channel, data: i }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    results.push(await res.json());
  }
  results.forEach((r, i) => assertResult(r, channel, i + 1));
  assert.equal(new Set(results.map((r) => r.epoch)).size, 1, 'same epoch for all');
});

test('fetch: publish with a custom event name and any JSON data type', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('types');
  const values = [{ nested: { x: [1, 'two', null] } }, [1, 2, 3], 'a string', 42, 3.5, true, false, null];
  for (const data of values) await publish(srv.base, channel, data, { event: 'custom.evt-1' });
  const h = await historyOk(srv.base, channel);
  assert.deepEqual(h.messages.map((m) => m.data), values);
  assert.ok(h.messages.every((m) => m.event === 'custom.evt-1'));
});

test('fetch: batch publish returns results in order with consecutive offsets', { timeout: 20_000 }, async () => {
  const a = uniqueChannel('batchA');
  const b = uniqueChannel('batchB');
  await publish(srv.base, a, 'first');
  const messages = [
    { channel: a, data: 1 },
    { channel: b, data: 'b1', event: 'ev' },
    { channel: a, data: 2 },
    { channel: a, data: 3, idempotency_key: 'batch-key-1' },
    { channel: b, data: 'b2' },
  ];
  const res = await fetch(`${srv.base}/api/publish`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ messages }),
  });
  assert.equal(res.status, 200);
  const { results } = await res.json();
  assert.equal(results.length, 5);
  assert.deepEqual(results.map((r) => [r.channel, r.offset]), [[a, 2], [b, 1], [a, 3], [a, 4], [b, 2]]);
  results.forEach((r) => assertResult(r, r.channel));
  const ha = await historyOk(srv.base, a);
  assert.deepEqual(ha.messages.map((m) => m.data), ['first', 1, 2, 3]);
  const hb = await historyOk(srv.base, b);
  assert.deepEqual(hb.messages.map((m) => [m.data, m.event]), [['b1', 'ev'], ['b2', 'message']]);
});

test('batch: one invalid item → 400 and nothing of the batch is published', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('atomic');
  const bad = [
    { channel, data: 1 },
    { channel: 'bad channel', data: 2 },
  ];
  assertErrorBody(await postJson('/api/publish', { messages: bad }), 400, 'invalid_channel');
  const badEvent = [
    { channel, data: 1 },
    { channel, data: 2, event: 'close' },
  ];
  assertErrorBody(await postJson('/api/publish', { messages: badEvent }), 400, 'invalid_event');
  const h = await historyOk(srv.base, channel);
  assert.deepEqual(h.messages, []);
  assert.match(h.cursor, /^[a-z0-9]{8}:0$/, 'nothing published: cursor epoch:0');
});

test('batch: 0 items and more than 100 items → 400, exactly 100 → 200', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('batchsize');
  assertErrorBody(await postJson('/api/publish', { messages: [] }), 400);
  const many = (n) => Array.from({ length: n }, (_, i) => ({ channel, data: i }));
  assertErrorBody(await postJson('/api/publish', { messages: many(101) }), 400);
  const results = await publishBatch(srv.base, many(100));
  assert.deepEqual(results.map((r) => r.offset), Array.from({ length: 100 }, (_, i) => i + 1));
});

test('raw publish: JSON content types, text, ?event= and Idempotency-Key', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('raw');
  const path = `/api/publish/${channel}`;
  const send = (body, type, extra = {}, qs = '') =>
    request(srv.base, 'POST', `${path}${qs}`, { body, headers: { 'Content-Type': type, ...extra } });
  let res = await send('{"a":[1,2]}', 'application/json');
  assert.equal(res.status, 200, res.text);
  assertResult(res.json(), channel, 1);
  res = await send('{"b":true}', 'application/json; charset=utf-8');
  assert.equal(res.status, 200, res.text);
  res = await send('{"c":3}', 'application/vnd.example+json');
  assert.equal(res.status, 200, res.text);
  res = await send('line one\nline "two" ünïcödé', 'text/plain; charset=utf-8');
  assert.equal(res.status, 200, res.text);
  res = await send('{"looks":"like json"}', 'text/plain');
  assert.equal(res.status, 200, res.text);
  res = await send('7', 'application/json', {}, '?event=named_evt');
  assert.equal(res.status, 200, res.text);
  const first = await send('once', 'text/plain', { 'Idempotency-Key': 'raw-key' });
  assert.equal(first.status, 200, first.text);
  const again = await send('once', 'text/plain', { 'Idempotency-Key': 'raw-key' });
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(again.json(), { ...first.json(), duplicate: true });

  const h = await historyOk(srv.base, channel);
  assert.deepEqual(
    h.messages.map((m) => [m.offset, m.event, m.data]),
    [
      [1, 'message', { a: [1, 2] }],
      [2, 'message', { b: true }],
      [3, 'message', { c: 3 }],
      [4, 'message', 'line one\nline "two" ünïcödé'],
      [5, 'message', '{"looks":"like json"}'],
      [6, 'named_evt', 7],
      [7, 'message', 'once'],
    ],
  );
});

test('raw publish: invalid JSON with a JSON type → 400 bad_json; non-UTF-8 text → 400', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('rawbad');
  assertErrorBody(await request(srv.base, 'POST', `/api/publish/${channel}`, { body: '{nope', headers: { 'Content-Type': 'application/json' } }), 400, 'bad_json');
  const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0xff, 0xfe]);
  assertErrorBody(await request(srv.base, 'POST', `/api/publish/${channel}`, { body: latin1, headers: { 'Content-Type': 'text/plain' } }), 400);
  assertErrorBody(await request(srv.base, 'POST', `/api/publish/bad%20channel`, { body: 'x', headers: { 'Content-Type': 'text/plain' } }), 400, 'invalid_channel');
  assertErrorBody(await request(srv.base, 'POST', `/api/publish/${channel}?event=gap`, { body: 'x', headers: { 'Content-Type': 'text/plain' } }), 400, 'invalid_event');
  assertErrorBody(await request(srv.base, 'POST', `/api/publish/${channel}?event=bad%20event`, { body: 'x', headers: { 'Content-Type': 'text/plain' } }), 400, 'invalid_event');
  const h = await historyOk(srv.base, channel);
  assert.deepEqual(h.messages, [], 'nothing published by rejected requests');
});

test('idempotency key: repeat returns the first result with duplicate:true and publishes nothing', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('idem');
  await publish(srv.base, channel, 'before');
  const first = await publish(srv.base, channel, { v: 1 }, { idempotencyKey: 'key-1' });
  assertResult(first, channel, 2);
  const second = await publish(srv.base, channel, { v: 'different data' }, { idempotencyKey: 'key-1' });
  assert.deepEqual(second, { ...first, duplicate: true });
  // The same key on another channel is independent.
  const other = uniqueChannel('idem-other');
  const o = await publish(srv.base, other, 1, { idempotencyKey: 'key-1' });
  assertResult(o, other, 1);
  // A batch item with an already used key is a duplicate too.
  const [dup, fresh] = await publishBatch(srv.base, [
    { channel, data: 'x', idempotency_key: 'key-1' },
    { channel, data: 'y', idempotency_key: 'key-2' },
  ]);
  assert.deepEqual(dup, { ...first, duplicate: true });
  assertResult(fresh, channel, 3);
  const h = await historyOk(srv.base, channel);
  assert.deepEqual(h.messages.map((m) => m.data), ['before', { v: 1 }, 'y']);
  // 128-byte key is accepted.
  assertResult(await publish(srv.base, channel, 'k128', { idempotencyKey: 'k'.repeat(128) }), channel, 4);
});

test('400 bad_json for malformed JSON bodies', { timeout: 20_000 }, async () => {
  for (const body of ['{', '{"channel":"c","data":}', 'not json at all', '{"channel":"c","data":1}trailing', '']) {
    assertErrorBody(await postJson('/api/publish', body), 400, 'bad_json');
  }
});

test('400 invalid_field for missing/invalid fields', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('fields');
  const cases = {
    'missing data': { channel },
    'idempotency_key of 129 bytes': { channel, data: 1, idempotency_key: 'k'.repeat(129) },
    'empty idempotency_key (1-128 bytes)': { channel, data: 1, idempotency_key: '' },
    'idempotency_key not a string': { channel, data: 1, idempotency_key: 12 },
  };
  for (const [label, body] of Object.entries(cases)) {
    assertErrorBody(await postJson('/api/publish', body), 400, 'invalid_field', label);
  }
  const h = await historyOk(srv.base, channel);
  assert.deepEqual(h.messages, []);
});

test('400 invalid_channel for names outside 1–255 bytes of [A-Za-z0-9_.:@=-]', { timeout: 20_000 }, async () => {
  for (const channel of ['', 'has space', 'slash/name', 'ümlaut', 'x'.repeat(256), 'tab\tname', 'star*', 'q?x']) {
    assertErrorBody(await postJson('/api/publish', { channel, data: 1 }), 400, 'invalid_channel', `channel ${JSON.stringify(channel.slice(0, 20))} (${channel.length} chars)`);
  }
  // Boundary values that are valid.
  const full = `AZaz09_.:@=-${'y'.repeat(243)}`;
  assert.equal(full.length, 255);
  const r = await publish(srv.base, full, 1);
  assert.equal(r.channel, full);
  assert.equal((await publish(srv.base, 'a', 1)).channel, 'a');
});

test('400 invalid_event for bad and reserved event names', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('events');
  for (const event of ['', 'has space', 'e'.repeat(65), 'ü', 'a/b', 'gap', 'close']) {
    assertErrorBody(await postJson('/api/publish', { channel, data: 1, event }), 400, 'invalid_event', `event ${JSON.stringify(event)}`);
  }
  assertResult(await publish(srv.base, channel, 1, { event: 'E'.repeat(64) }), channel, 1);
  assertResult(await publish(srv.base, channel, 1, { event: 'Az09_.:@=-' }), channel, 2);
});

test('404 not_found for unknown routes', { timeout: 20_000 }, async () => {
  for (const [method, path] of [
    ['GET', '/api/nope'],
    ['POST', '/api/nope'],
    ['GET', '/no/such/page'],
    ['POST', '/api/publishx'],
  ]) {
    assertErrorBody(await request(srv.base, method, path, method === 'POST' ? { body: {} } : {}), 404, 'not_found');
  }
});

test('405 method_not_allowed with an Allow header', { timeout: 20_000 }, async () => {
  let res = await request(srv.base, 'GET', '/api/publish');
  assertErrorBody(res, 405, 'method_not_allowed');
  assert.match(res.headers.allow ?? '', /\bPOST\b/, `Allow header: ${res.headers.allow}`);
  res = await request(srv.base, 'PUT', '/api/publish', { body: { channel: 'c', data: 1 } });
  assertErrorBody(res, 405, 'method_not_allowed');
  assert.match(res.headers.allow ?? '', /\bPOST\b/);
  res = await request(srv.base, 'POST', '/api/history?channel=c', { body: {} });
  assertErrorBody(res, 405, 'method_not_allowed');
  assert.match(res.headers.allow ?? '', /\bGET\b/, `Allow header: ${res.headers.allow}`);
  res = await request(srv.base, 'DELETE', '/api/sse?channel=c');
  assertErrorBody(res, 405, 'method_not_allowed');
  assert.match(res.headers.allow ?? '', /\bGET\b/);
});

test('413 too_large: data over 64 KiB, body over 1 MiB; 64 KiB-ish data under the limit is fine', { timeout: 30_000 }, async () => {
  const channel = uniqueChannel('big');
  assertErrorBody(await postJson('/api/publish', { channel, data: 'x'.repeat(70_000) }), 413, 'too_large');
  assertErrorBody(await postJson('/api/publish', { channel, data: { list: Array.from({ length: 20_000 }, () => 1234) } }), 413, 'too_large');
  assertErrorBody(await request(srv.base, 'POST', `/api/publish/${channel}`, { body: 'y'.repeat(70_000), headers: { 'Content-Type': 'text/plain' } }), 413, 'too_large');
  // Each message of a batch is checked; the batch as a whole is rejected.
  assertErrorBody(await postJson('/api/publish', { messages: [{ channel, data: 1 }, { channel, data: 'z'.repeat(70_000) }] }), 413, 'too_large');
  // Under the limit.
  assertResult(await publish(srv.base, channel, 'w'.repeat(60_000)), channel, 1);
  // Whole request body over http.max_body_bytes (1 MiB), sent by curl (which copes with an early answer).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-big-'));
  try {
    const file = path.join(dir, 'body.json');
    fs.writeFileSync(file, JSON.stringify({ channel, data: 'h'.repeat(1_100_000) }));
    const out = await curl(['-i', '-X', 'POST', '-H', 'Content-Type: application/json', '-H', 'Expect:', '--data-binary', `@${file}`, `${srv.base}/api/publish`]);
    assert.equal(out.status, 413, `body over 1 MiB: curl exit ${out.code} ${out.stderr} ${out.body.slice(0, 500)}`);
    assert.match(out.body, /^content-type: application\/json/im);
    const body = JSON.parse(out.body.slice(out.body.indexOf('\r\n\r\n') + 4));
    assert.equal(body.error.code, 'too_large');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const h = await historyOk(srv.base, channel);
  assert.equal(h.messages.length, 1, 'only the small message was published');
});

test('auth: with an API key configured, missing/wrong bearer → 401, right bearer → 200', { timeout: 30_000 }, async () => {
  const keyed = await startServer({ label: 'publish-auth', env: { HERALD_PUBLISH_API_KEY: 's3cret-key' } });
  try {
    const channel = uniqueChannel('auth');
    const body = { channel, data: 1 };
    assertErrorBody(await request(keyed.base, 'POST', '/api/publish', { body }), 401, 'unauthorized');
    assertErrorBody(await request(keyed.base, 'POST', '/api/publish', { body, headers: { Authorization: 'Bearer wrong' } }), 401, 'unauthorized');
    assertErrorBody(await request(keyed.base, 'POST', '/api/publish', { body, headers: { Authorization: 's3cret-key' } }), 401, 'unauthorized');
    assertErrorBody(await request(keyed.base, 'POST', '/api/publish', { body, headers: { Authorization: 'Basic czNjcmV0LWtleQ==' } }), 401, 'unauthorized');
    assertErrorBody(
      await request(keyed.base, 'POST', `/api/publish/${channel}`, { body: 'x', headers: { 'Content-Type': 'text/plain', Authorization: 'Bearer nope' } }),
      401,
      'unauthorized',
    );
    const ok = await request(keyed.base, 'POST', '/api/publish', { body, headers: { Authorization: 'Bearer s3cret-key' } });
    assert.equal(ok.status, 200, ok.text);
    assertResult(ok.json(), channel, 1);
    const raw = await request(keyed.base, 'POST', `/api/publish/${channel}`, { body: 'x', headers: { 'Content-Type': 'text/plain', Authorization: 'Bearer s3cret-key' } });
    assert.equal(raw.status, 200, raw.text);
    // Reading does not need the key.
    const h = await historyOk(keyed.base, channel);
    assert.equal(h.messages.length, 2);
  } finally {
    await keyed.stop();
  }
});

test('auth: --api-key flag configures the key as well (curl with -H Authorization)', { timeout: 30_000 }, async () => {
  const keyed = await startServer({ label: 'publish-authflag', args: ['--api-key', 'flag-key'] });
  try {
    const channel = uniqueChannel('authflag');
    const args = ['-X', 'POST', '-H', 'Content-Type: application/json', '--data-binary', JSON.stringify({ channel, data: 2 })];
    const denied = await curl([...args, `${keyed.base}/api/publish`]);
    assert.equal(denied.status, 401, denied.body);
    assert.equal(JSON.parse(denied.body).error.code, 'unauthorized');
    const ok = await curl([...args, '-H', 'Authorization: Bearer flag-key', `${keyed.base}/api/publish`]);
    assert.equal(ok.status, 200, ok.body);
    assertResult(JSON.parse(ok.body), channel, 1);
  } finally {
    await keyed.stop();
  }
});

test('publish result epoch matches the channel cursor seen by history', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('epoch');
  const h0 = await historyOk(srv.base, channel);
  const { epoch } = parseCursor(h0.cursor);
  const r = await publish(srv.base, channel, 'x');
  assert.equal(r.epoch, epoch, 'polling created the channel; publishing keeps its epoch');
  assert.equal(r.offset, 1);
});

test('configured limits via env: publish.max_message_bytes, publish.max_batch, http.max_body_bytes', { timeout: 30_000 }, async () => {
  const lim = await startServer({
    label: 'publish-limits',
    env: { HERALD_PUBLISH_MAX_MESSAGE_BYTES: '100', HERALD_PUBLISH_MAX_BATCH: '3', HERALD_HTTP_MAX_BODY_BYTES: '2000' },
  });
  try {
    const channel = uniqueChannel('lim');
    const post = (body) => request(lim.base, 'POST', '/api/publish', { body });
    assertResult((await post({ channel, data: 'a'.repeat(50) })).json(), channel, 1);
    assertErrorBody(await post({ channel, data: 'a'.repeat(200) }), 413, 'too_large');
    const items = (n) => Array.from({ length: n }, (_, i) => ({ channel, data: i }));
    assert.equal((await post({ messages: items(3) })).status, 200);
    assertErrorBody(await post({ messages: items(4) }), 400);
    // A 3000-byte request body exceeds http.max_body_bytes=2000 (checked before the message size).
    const res = await request(lim.base, 'POST', `/api/publish/${channel}`, { body: 'b'.repeat(3000), headers: { 'Content-Type': 'text/plain' } });
    assertErrorBody(res, 413, 'too_large');
    const h = await historyOk(lim.base, channel);
    assert.equal(h.messages.length, 4);
  } finally {
    await lim.stop();
  }
});

test('history.max_channels reached → 503 unavailable for a new channel; existing channels still work', { timeout: 30_000 }, async () => {
  const full = await startServer({ label: 'publish-maxch', env: { HERALD_HISTORY_MAX_CHANNELS: '3' } });
  try {
    const names = [1, 2, 3].map((i) => uniqueChannel(`full${i}`));
    for (const c of names) assertResult(await publish(full.base, c, 1), c, 1);
    const extra = uniqueChannel('full4');
    assertErrorBody(await request(full.base, 'POST', '/api/publish', { body: { channel: extra, data: 1 } }), 503, 'unavailable');
    assertResult(await publish(full.base, names[0], 2), names[0], 2);

    // A batch with a message for a new channel: the others are published, and the answer says which
    // were (503 with every result, the refused one carrying its error).
    const res = await request(full.base, 'POST', '/api/publish', {
      body: { messages: [{ channel: names[1], data: 'x' }, { channel: extra, data: 'y' }, { channel: names[1], data: 'z' }] },
    });
    const body = assertErrorBody(res, 503, 'unavailable');
    assert.equal(body.results.length, 3, res.text);
    assertResult(body.results[0], names[1], 2);
    assert.deepEqual(Object.keys(body.results[1]), ['channel', 'error'], res.text);
    assert.equal(body.results[1].channel, extra);
    assert.equal(body.results[1].error.code, 'unavailable');
    assert.equal(body.results[1].error.message, body.error.message);
    assertResult(body.results[2], names[1], 3);
    const kept = await historyOk(full.base, names[1]);
    assert.deepEqual(kept.messages.map((m) => m.data), [1, 'x', 'z']);
  } finally {
    await full.stop();
  }
});

test('batch of 100 messages over 10 channels: offsets follow the order of the batch in every channel', async () => {
  const channels = Array.from({ length: 10 }, (_, i) => uniqueChannel(`order${i}`));
  const messages = Array.from({ length: 100 }, (_, i) => ({ channel: channels[(i * 7) % 10], data: i }));
  const results = await publishBatch(srv.base, messages);
  const seen = new Map(channels.map((c) => [c, 0]));
  results.forEach((r, i) => {
    seen.set(messages[i].channel, seen.get(messages[i].channel) + 1);
    assertResult(r, messages[i].channel, seen.get(messages[i].channel));
  });
  for (const channel of channels) {
    const { messages: stored } = await historyOk(srv.base, channel);
    assert.deepEqual(stored.map((m) => m.data), messages.filter((m) => m.channel === channel).map((m) => m.data), channel);
  }
});

test('publish.idempotency_window: after it expires the same key publishes again', { timeout: 30_000 }, async () => {
  const own = await startServer({ label: 'publish-idemwin', env: { HERALD_PUBLISH_IDEMPOTENCY_WINDOW: '1' } });
  try {
    const channel = uniqueChannel('idemwin');
    const first = await publish(own.base, channel, 'x', { idempotencyKey: 'win' });
    assert.equal((await publish(own.base, channel, 'x', { idempotencyKey: 'win' })).duplicate, true);
    await new Promise((r) => setTimeout(r, 2500));
    const later = await publish(own.base, channel, 'x', { idempotencyKey: 'win' });
    assert.equal(later.duplicate, false, 'the key expired with the window');
    assert.equal(later.offset, first.offset + 1);
  } finally {
    await own.stop();
  }
});
