// Simple polling: GET /api/history with/without since, limit, more, fresh channels and every kind of gap.
import assert from 'node:assert/strict';
import { test, before, after } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';
import { request, history, historyOk, publish, publishMany } from './lib/http.mjs';
import { uniqueChannel, parseCursor, foreignEpoch, assertContiguous, assertEnvelope, assertErrorBody, sleep } from './lib/util.mjs';

let srv; // default settings
let small; // HERALD_HISTORY_SIZE=5
before(async () => {
  srv = await startServer({ label: 'history' });
  small = await startServer({ label: 'history-small', env: { HERALD_HISTORY_SIZE: '5' } });
});
after(async () => {
  await Promise.all([srv?.stop(), small?.stop()]);
});

const offsets = (body) => body.messages.map((m) => m.offset);

function assertNoGap(body) {
  assert.equal(body.gap, null, `gap must be null: ${JSON.stringify(body.gap)}`);
}

test('fresh channel: messages [], cursor epoch:0, gap null; polling creates the channel', { timeout: 15_000 }, async () => {
  const channel = uniqueChannel('fresh');
  const body = await historyOk(srv.base, channel);
  assert.equal(body.channel, channel);
  assert.deepEqual(body.messages, []);
  assertNoGap(body);
  const { epoch, offset } = parseCursor(body.cursor);
  assert.equal(offset, 0);
  const again = await historyOk(srv.base, channel);
  assert.equal(again.cursor, body.cursor, 'the same epoch is kept once created');
  const r = await publish(srv.base, channel, 'first');
  assert.equal(r.epoch, epoch);
  assert.equal(r.offset, 1);
});

test('without since: the last messages oldest first, envelope format, current cursor', { timeout: 15_000 }, async () => {
  const channel = uniqueChannel('nosince');
  const results = [];
  for (let i = 1; i <= 5; i += 1) results.push(await publish(srv.base, channel, { i }, i === 3 ? { event: 'third' } : {}));
  const { res, body } = await history(srv.base, channel);
  assert.equal(res.status, 200);
  assert.match(res.headers['content-type'] ?? '', /^application\/json/);
  assert.equal(body.channel, channel);
  assert.deepEqual(offsets(body), [1, 2, 3, 4, 5]);
  body.messages.forEach((m, k) =>
    assertEnvelope(m, { channel, epoch: results[0].epoch, offset: k + 1, event: k === 2 ? 'third' : 'message', data: { i: k + 1 } }),
  );
  assert.equal(body.cursor, results[4].cursor);
  assertNoGap(body);
  assert.notEqual(body.more, true);
  // The envelope is serialized with its fields in the documented order.
  assert.match(res.text, /\{"channel":"[^"]+","epoch":"[a-z0-9]{8}","offset":1,"cursor":"[a-z0-9]{8}:1","time":\d+,"event":"message","data":\{"i":1\}\}/);
});

test('without since with limit: the last N messages', { timeout: 15_000 }, async () => {
  const channel = uniqueChannel('limit');
  const results = await publishMany(srv.base, channel, 5);
  const body = await historyOk(srv.base, channel, { limit: 2 });
  assert.deepEqual(offsets(body), [4, 5]);
  assert.equal(body.cursor, results[4].cursor);
  assertNoGap(body);
});

test('default limit is 100', { timeout: 30_000 }, async () => {
  const channel = uniqueChannel('deflimit');
  await publishMany(srv.base, channel, 150);
  const last = await historyOk(srv.base, channel);
  assertContiguous(offsets(last), 51, 150, 'default limit, no since');
  const { epoch } = parseCursor(last.cursor);
  assert.equal(last.cursor, `${epoch}:150`);
  const first = await historyOk(srv.base, channel, { since: `${epoch}:0` });
  assertContiguous(offsets(first), 1, 100, 'default limit with since');
  assert.equal(first.more, true);
  assert.equal(first.cursor, `${epoch}:100`);
  const big = await historyOk(srv.base, channel, { since: `${epoch}:0`, limit: 1000 });
  assertContiguous(offsets(big), 1, 150, 'limit 1000');
  assert.notEqual(big.more, true);
});

test('with since: messages after it, cursor of the last one, or since itself when nothing new', { timeout: 15_000 }, async () => {
  const channel = uniqueChannel('since');
  const results = await publishMany(srv.base, channel, 5);
  const { epoch } = results[0];
  let body = await historyOk(srv.base, channel, { since: `${epoch}:2` });
  assert.deepEqual(offsets(body), [3, 4, 5]);
  assert.equal(body.cursor, `${epoch}:5`);
  assertNoGap(body);
  body = await historyOk(srv.base, channel, { since: `${epoch}:0` });
  assert.deepEqual(offsets(body), [1, 2, 3, 4, 5]);
  assertNoGap(body);
  body = await historyOk(srv.base, channel, { since: `${epoch}:5` });
  assert.deepEqual(body.messages, []);
  assert.equal(body.cursor, `${epoch}:5`);
  assertNoGap(body);
  assert.notEqual(body.more, true);
});

test('with since and limit: first `limit` messages and more:true, then paging reaches the end', { timeout: 15_000 }, async () => {
  const channel = uniqueChannel('more');
  const results = await publishMany(srv.base, channel, 7);
  const { epoch } = results[0];
  let body = await historyOk(srv.base, channel, { since: `${epoch}:0`, limit: 2 });
  assert.deepEqual(offsets(body), [1, 2]);
  assert.equal(body.more, true);
  assert.equal(body.cursor, `${epoch}:2`);
  const seen = offsets(body);
  for (let i = 0; i < 10 && body.more === true; i += 1) {
    body = await historyOk(srv.base, channel, { since: body.cursor, limit: 3 });
    assertNoGap(body);
    seen.push(...offsets(body));
  }
  assertContiguous(seen, 1, 7, 'paged offsets');
  assert.notEqual(body.more, true);
  assert.equal(body.cursor, `${epoch}:7`);
  // Exactly `limit` remaining: no more.
  body = await historyOk(srv.base, channel, { since: `${epoch}:4`, limit: 3 });
  assert.deepEqual(offsets(body), [5, 6, 7]);
  assert.notEqual(body.more, true);
});

test('gap: cursor older than the retained history (history.size=5)', { timeout: 15_000 }, async () => {
  const channel = uniqueChannel('old');
  const results = await publishMany(small.base, channel, 20, { batchSize: 7 });
  const { epoch } = results[0];
  const body = await historyOk(small.base, channel, { since: `${epoch}:2` });
  assert.deepEqual(body.gap, { channel, requested: `${epoch}:2`, continue_from: `${epoch}:15` });
  assert.deepEqual(offsets(body), [16, 17, 18, 19, 20], 'the 5 retained messages');
  body.messages.forEach((m, k) => assertEnvelope(m, { channel, epoch, offset: 16 + k, data: { i: 15 + k } }));
  assert.equal(body.cursor, `${epoch}:20`);
  // Boundaries: since = oldest retained - 1 is inside history (no gap); one below is a gap.
  const inside = await historyOk(small.base, channel, { since: `${epoch}:15` });
  assertNoGap(inside);
  assert.deepEqual(offsets(inside), [16, 17, 18, 19, 20]);
  const justOut = await historyOk(small.base, channel, { since: `${epoch}:14` });
  assert.deepEqual(justOut.gap, { channel, requested: `${epoch}:14`, continue_from: `${epoch}:15` });
  assert.deepEqual(offsets(justOut), [16, 17, 18, 19, 20]);
  // Without since: only the retained ones, no gap.
  const plain = await historyOk(small.base, channel);
  assert.deepEqual(offsets(plain), [16, 17, 18, 19, 20]);
  assertNoGap(plain);
});

test('gap with limit: continue_from then the first `limit` retained messages and more:true', { timeout: 15_000 }, async () => {
  const channel = uniqueChannel('oldlimit');
  const results = await publishMany(small.base, channel, 20);
  const { epoch } = results[0];
  const body = await historyOk(small.base, channel, { since: `${epoch}:3`, limit: 2 });
  assert.deepEqual(body.gap, { channel, requested: `${epoch}:3`, continue_from: `${epoch}:15` });
  assert.deepEqual(offsets(body), [16, 17]);
  assert.equal(body.more, true);
  assert.equal(body.cursor, `${epoch}:17`);
});

test('gap: foreign epoch, unparsable cursor, cursor ahead of the channel', { timeout: 15_000 }, async () => {
  const channel = uniqueChannel('foreign');
  const results = await publishMany(srv.base, channel, 3);
  const { epoch } = results[0];
  const other = foreignEpoch(epoch);
  for (const since of [`${other}:2`, `${other}:0`, 'garbage', `${epoch}:x`, `${epoch}:99`, `${epoch}:4`]) {
    const body = await historyOk(srv.base, channel, { since });
    assert.deepEqual(body.gap, { channel, requested: since, continue_from: `${epoch}:0` }, `since=${since}`);
    assert.deepEqual(offsets(body), [1, 2, 3], `since=${since}`);
    assert.equal(body.cursor, `${epoch}:3`, `since=${since}`);
  }
  // A foreign cursor on a fresh channel: gap with continue_from epoch:0, no messages, cursor = continue_from.
  const fresh = uniqueChannel('foreign-fresh');
  const body = await historyOk(srv.base, fresh, { since: 'abcdefgh:5' });
  const { epoch: freshEpoch, offset } = parseCursor(body.cursor);
  assert.equal(offset, 0);
  assert.deepEqual(body.gap, { channel: fresh, requested: 'abcdefgh:5', continue_from: `${freshEpoch}:0` });
  assert.deepEqual(body.messages, []);
});

test('gap after a server restart (memory engine: new epoch)', { timeout: 40_000 }, async () => {
  const own = await startServer({ label: 'history-restart' });
  try {
    const channel = uniqueChannel('restart');
    const results = await publishMany(own.base, channel, 3);
    const oldCursor = results[2].cursor;
    const stopped = await own.restart();
    assert.equal(stopped.code, 0, `graceful stop exit code: ${JSON.stringify(stopped)}`);
    const body = await historyOk(own.base, channel, { since: oldCursor });
    const { epoch: newEpoch, offset } = parseCursor(body.cursor);
    assert.notEqual(newEpoch, results[0].epoch, 'a new epoch after restart');
    assert.equal(offset, 0);
    assert.deepEqual(body.gap, { channel, requested: oldCursor, continue_from: `${newEpoch}:0` });
    assert.deepEqual(body.messages, []);
    const r = await publish(own.base, channel, 'after restart');
    assert.equal(r.epoch, newEpoch);
    assert.equal(r.offset, 1);
    const next = await historyOk(own.base, channel, { since: body.cursor });
    assertNoGap(next);
    assert.deepEqual(offsets(next), [1]);
  } finally {
    await own.stop();
  }
});

test('history parameter errors: missing channel → 400, invalid channel → 400 invalid_channel', { timeout: 15_000 }, async () => {
  // The spec does not name the code for a missing parameter: any JSON 400 error is accepted.
  assertErrorBody(await request(srv.base, 'GET', '/api/history'), 400, undefined, 'no channel parameter');
  assertErrorBody(await request(srv.base, 'GET', '/api/history?channel=bad%20name'), 400, 'invalid_channel');
  assertErrorBody(await request(srv.base, 'GET', `/api/history?channel=${'x'.repeat(256)}`), 400, 'invalid_channel');
  assertErrorBody(await request(srv.base, 'GET', '/api/history?channel='), 400, 'invalid_channel');
});

test('history.ttl: expired messages are gone; an older cursor gets a gap, offsets keep counting', { timeout: 30_000 }, async () => {
  const own = await startServer({ label: 'history-ttl', env: { HERALD_HISTORY_TTL: '1' } });
  try {
    const channel = uniqueChannel('ttl');
    const results = await publishMany(own.base, channel, 3);
    const { epoch } = results[0];
    const fresh = await historyOk(own.base, channel, { since: `${epoch}:0` });
    assert.deepEqual(offsets(fresh), [1, 2, 3]);
    await sleep(2600);
    const plain = await historyOk(own.base, channel);
    assert.deepEqual(plain.messages, [], 'messages older than history.ttl are not returned');
    assert.equal(plain.cursor, `${epoch}:3`, 'the cursor stays at the last offset');
    const old = await historyOk(own.base, channel, { since: `${epoch}:1` });
    assert.deepEqual(old.gap, { channel, requested: `${epoch}:1`, continue_from: `${epoch}:3` });
    assert.deepEqual(old.messages, []);
    assert.equal(old.cursor, `${epoch}:3`);
    const current = await historyOk(own.base, channel, { since: `${epoch}:3` });
    assertNoGap(current);
    const r = await publish(own.base, channel, 'after expiry');
    assert.equal(r.epoch, epoch);
    assert.equal(r.offset, 4);
  } finally {
    await own.stop();
  }
});
