// Long polling: GET /api/lp immediate answers, timeouts, wake-up on publish, shutdown, and a 10 000-message race.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { test, before, after } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';
import { longPoll, publish, publishBatch, publishMany, currentCursor, historyOk } from './lib/http.mjs';
import { metricValue } from './lib/redis.mjs';
import { uniqueChannel, parseCursor, foreignEpoch, assertContiguous, assertEnvelope, sleep, later } from './lib/util.mjs';

let srv;
before(async () => {
  // History large enough that a long-poll loop racing the publisher can never legitimately fall out of it.
  srv = await startServer({ label: 'longpoll', env: { HERALD_HISTORY_SIZE: '20000' } });
});
after(async () => {
  await srv?.stop();
});

const offsets = (body) => body.messages.map((m) => m.offset);

test('answers immediately when messages after since already exist', { timeout: 15_000 }, async () => {
  const channel = uniqueChannel('lpnow');
  const results = await publishMany(srv.base, channel, 3);
  const { epoch } = results[0];
  const { res, body, elapsed } = await longPoll(srv.base, channel, { since: `${epoch}:1`, timeout: 10 });
  assert.equal(res.status, 200, res.text);
  assert.ok(elapsed < 2000, `answered after ${elapsed} ms, expected immediately`);
  assert.equal(body.channel, channel);
  assert.deepEqual(offsets(body), [2, 3]);
  body.messages.forEach((m, k) => assertEnvelope(m, { channel, epoch, offset: k + 2, data: { i: k + 1 } }));
  assert.equal(body.cursor, `${epoch}:3`);
  assert.equal(body.gap, null);
});

test('limit applies to long polls too (more:true)', { timeout: 15_000 }, async () => {
  const channel = uniqueChannel('lplimit');
  const results = await publishMany(srv.base, channel, 5);
  const { epoch } = results[0];
  const { body, elapsed } = await longPoll(srv.base, channel, { since: `${epoch}:0`, timeout: 10, limit: 2 });
  assert.ok(elapsed < 2000, `answered after ${elapsed} ms`);
  assert.deepEqual(offsets(body), [1, 2]);
  assert.equal(body.more, true);
  assert.equal(body.cursor, `${epoch}:2`);
});

test('times out after `timeout` seconds with messages [] and the same cursor', { timeout: 15_000 }, async () => {
  const channel = uniqueChannel('lptimeout');
  await publish(srv.base, channel, 'x');
  const cursor = await currentCursor(srv.base, channel);
  const { res, body, elapsed } = await longPoll(srv.base, channel, { since: cursor, timeout: 1 });
  assert.equal(res.status, 200, res.text);
  assert.ok(elapsed >= 900, `answered after ${elapsed} ms, before the 1 s timeout`);
  assert.ok(elapsed < 4000, `answered after ${elapsed} ms, long after the 1 s timeout`);
  assert.deepEqual(body.messages, []);
  assert.equal(body.cursor, cursor);
  assert.equal(body.gap, null);
  // Also on a fresh channel at epoch:0.
  const fresh = uniqueChannel('lpfresh');
  const c0 = await currentCursor(srv.base, fresh);
  const r2 = await longPoll(srv.base, fresh, { since: c0, timeout: 1 });
  assert.ok(r2.elapsed >= 900 && r2.elapsed < 4000, `fresh channel answered after ${r2.elapsed} ms`);
  assert.deepEqual(r2.body.messages, []);
  assert.equal(r2.body.cursor, c0);
});

test('a waiting poll is answered as soon as a message is published', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('lpwake');
  const cursor = await currentCursor(srv.base, channel);
  const { epoch } = parseCursor(cursor);
  const pending = later(longPoll(srv.base, channel, { since: cursor, timeout: 15 }));
  await sleep(400);
  const t0 = Date.now();
  const r = await publish(srv.base, channel, { wake: true });
  const { body, elapsed } = await pending;
  const afterPublish = Date.now() - t0;
  assert.ok(elapsed >= 350, `poll answered after ${elapsed} ms, before anything was published`);
  assert.ok(afterPublish < 2000, `poll answered ${afterPublish} ms after the publish`);
  assert.deepEqual(offsets(body), [1]);
  assertEnvelope(body.messages[0], { channel, epoch, offset: 1, data: { wake: true } });
  assert.equal(body.cursor, r.cursor);
});

test('without since: waits for the next message published after the request arrived', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('lpnosince');
  await publishMany(srv.base, channel, 3);
  const pending = later(longPoll(srv.base, channel, { timeout: 15 }));
  await sleep(400);
  const r = await publish(srv.base, channel, 'new one');
  const { body, elapsed } = await pending;
  assert.ok(elapsed >= 350, `answered after ${elapsed} ms, i.e. with already existing messages`);
  assert.deepEqual(offsets(body), [4]);
  assert.equal(body.messages[0].data, 'new one');
  assert.equal(body.cursor, r.cursor);
});

// A raw keep-alive connection: what it received so far, and a way to wait until that matches.
function rawConnection(port) {
  const socket = net.connect({ host: '127.0.0.1', port });
  const conn = { socket, data: '', closed: false };
  socket.setEncoding('latin1');
  socket.on('data', (chunk) => { conn.data += chunk; });
  socket.on('close', () => { conn.closed = true; });
  socket.on('error', () => {});
  conn.until = async (predicate, label, ms = 5000) => {
    const deadline = Date.now() + ms;
    while (!predicate(conn.data)) {
      assert.ok(Date.now() < deadline, `${label}: received ${JSON.stringify(conn.data.slice(0, 600))}`);
      await sleep(20);
    }
  };
  return conn;
}
const answers = (data) => data.match(/HTTP\/1\.1 \d{3}/g) ?? [];
const lpRequest = (channel, extra = '') => `GET /api/lp?channel=${channel}&timeout=20${extra} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;

async function waitingPolls() {
  const text = await (await fetch(`${srv.base}/metrics`)).text();
  return metricValue(text, 'herald_connections', 'transport="longpoll"');
}

test('a poller that leaves while its poll waits is let go at once, long before the timeout', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('lpleave');
  const before = await waitingPolls();
  const conn = rawConnection(srv.port);
  conn.socket.write(lpRequest(channel));
  const t0 = Date.now();
  while ((await waitingPolls()) < before + 1) {
    assert.ok(Date.now() - t0 < 5000, 'the poll never started waiting');
    await sleep(20);
  }
  conn.socket.destroy();
  const left = Date.now();
  while ((await waitingPolls()) > before) {
    assert.ok(Date.now() - left < 3000, 'the wait of a client that left was not ended');
    await sleep(20);
  }
  const r = await publish(srv.base, channel, { after: 'leave' });
  assert.ok(r.cursor);
});

test('a keep-alive poller: a request sent while its poll waits is answered after it, then the next poll waits again', { timeout: 30_000 }, async () => {
  const channel = uniqueChannel('lpahead');
  const cursor = await currentCursor(srv.base, channel);
  const conn = rawConnection(srv.port);
  try {
    conn.socket.write(lpRequest(channel, `&since=${cursor}`));
    await sleep(300);
    conn.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');  // sent ahead, while the poll waits
    await sleep(300);
    assert.equal(answers(conn.data).length, 0, `answered before anything was published: ${conn.data}`);
    const first = await publish(srv.base, channel, { n: 1 });
    await conn.until((d) => answers(d).length >= 2, 'the poll and the request sent ahead');
    assert.deepEqual(answers(conn.data), ['HTTP/1.1 200', 'HTTP/1.1 200']);
    const pollBody = conn.data.slice(conn.data.indexOf('{'), conn.data.lastIndexOf('HTTP/1.1'));
    assert.equal(JSON.parse(pollBody).cursor, first.cursor);
    assert.ok(conn.data.lastIndexOf('"channel"') < conn.data.lastIndexOf('HTTP/1.1'), 'the poll is answered first');
    // The same connection polls on, twice: each poll waits, and is answered by the next message.
    let since = first.cursor;
    for (const n of [2, 3]) {
      conn.data = '';
      conn.socket.write(lpRequest(channel, `&since=${since}`));
      await sleep(250);
      assert.equal(conn.data, '', `poll ${n} answered before anything was published`);
      const r = await publish(srv.base, channel, { n });
      await conn.until((d) => d.includes('"cursor"') && d.trimEnd().endsWith('}'), `poll ${n}`);
      const body = JSON.parse(conn.data.slice(conn.data.indexOf('{')));
      assert.deepEqual(offsets(body), [n]);
      since = r.cursor;
    }
    assert.equal(conn.closed, false, 'the connection stays open');
  } finally {
    conn.socket.destroy();
  }
});

test('a gap is answered immediately (foreign epoch)', { timeout: 15_000 }, async () => {
  const channel = uniqueChannel('lpgap');
  const results = await publishMany(srv.base, channel, 2);
  const { epoch } = results[0];
  const since = `${foreignEpoch(epoch)}:7`;
  const { body, elapsed } = await longPoll(srv.base, channel, { since, timeout: 10 });
  assert.ok(elapsed < 2000, `answered after ${elapsed} ms`);
  assert.deepEqual(body.gap, { channel, requested: since, continue_from: `${epoch}:0` });
  assert.deepEqual(offsets(body), [1, 2]);
  assert.equal(body.cursor, `${epoch}:2`);
});

test('race: 3 long-poll loops see offsets 1..10000 exactly once, in order, while batches are published', { timeout: 150_000 }, async () => {
  const channel = uniqueChannel('race');
  const TOTAL = 10_000;
  const BATCH = 100;
  const start = await currentCursor(srv.base, channel);
  const { epoch } = parseCursor(start);
  const deadline = Date.now() + 120_000;
  const expectedData = new Map(); // offset -> data, from the publish results

  async function loop(id) {
    let cursor = start;
    const seen = [];
    const data = new Map();
    let requests = 0;
    while (seen.length < TOTAL && Date.now() < deadline && requests < 20_000) {
      requests += 1;
      const { res, body } = await longPoll(srv.base, channel, { since: cursor, timeout: 5 });
      assert.equal(res.status, 200, `loop ${id}: ${res.status} ${res.text}`);
      assert.equal(body.gap, null, `loop ${id}: unexpected gap ${JSON.stringify(body.gap)} at ${cursor}`);
      const last = parseCursor(cursor).offset;
      body.messages.forEach((m, k) => {
        assert.equal(m.epoch, epoch, `loop ${id}: epoch changed`);
        assert.equal(m.offset, last + k + 1, `loop ${id}: after cursor ${cursor} got offset ${m.offset} at index ${k}`);
      });
      seen.push(...body.messages.map((m) => m.offset));
      if (body.messages.length) assert.equal(body.cursor, body.messages.at(-1).cursor, `loop ${id}: cursor = last message`);
      else assert.equal(body.cursor, cursor, `loop ${id}: empty answer keeps the cursor`);
      cursor = body.cursor;
      for (const m of body.messages) data.set(m.offset, m.data);
    }
    return { id, seen, data, requests };
  }

  async function publisher() {
    for (let b = 0; b < TOTAL / BATCH && Date.now() < deadline; b += 1) {
      const messages = Array.from({ length: BATCH }, (_, k) => ({ channel, data: { n: b * BATCH + k } }));
      const results = await publishBatch(srv.base, messages);
      results.forEach((r, k) => {
        assert.equal(r.epoch, epoch);
        expectedData.set(r.offset, messages[k].data);
      });
      if (b % 10 === 0) await sleep(5); // let the pollers interleave at different phases
    }
  }

  const loops = later(Promise.all([loop(1), loop(2), loop(3)]));
  await sleep(100);
  await publisher();
  const outcomes = await loops;
  assert.equal(expectedData.size, TOTAL);
  for (const { id, seen, data, requests } of outcomes) {
    assertContiguous(seen, 1, TOTAL, `loop ${id} (${requests} requests)`);
    for (const [offset, d] of data) assert.deepEqual(d, expectedData.get(offset), `loop ${id}: data at offset ${offset}`);
  }
  // Publish results were offsets 1..10000 in order, too.
  assertContiguous([...expectedData.keys()], 1, TOTAL, 'publish result offsets');
  const h = await historyOk(srv.base, channel, { limit: 1 });
  assert.equal(h.cursor, `${epoch}:${TOTAL}`);
});

test('80 pollers on a busy server: answers held to gather still carry every message once, in order', { timeout: 150_000 }, async () => {
  const channel = uniqueChannel('gather');
  const TOTAL = 2000;
  const BATCH = 20;
  const POLLERS = 80;
  const start = await currentCursor(srv.base, channel);
  const { epoch } = parseCursor(start);
  const deadline = Date.now() + 120_000;
  const gatheredBefore = await gatheredCount();

  async function loop(id) {
    let cursor = start;
    const seen = [];
    let polls = 0;
    while (seen.length < TOTAL && Date.now() < deadline && polls < 5000) {
      polls += 1;
      const { res, body } = await longPoll(srv.base, channel, { since: cursor, timeout: 5 });
      assert.equal(res.status, 200, `poller ${id}: ${res.status} ${res.text}`);
      assert.equal(body.gap, null, `poller ${id}: unexpected gap at ${cursor}`);
      for (const m of body.messages) assert.equal(m.epoch, epoch, `poller ${id}: epoch changed`);
      seen.push(...offsets(body));
      cursor = body.cursor;
    }
    return { id, seen, polls };
  }

  const loops = later(Promise.all(Array.from({ length: POLLERS }, (_, i) => loop(i + 1))));
  await sleep(300);
  for (let b = 0; b < TOTAL / BATCH && Date.now() < deadline; b += 1) {
    const messages = Array.from({ length: BATCH }, (_, k) => ({ channel, data: { n: b * BATCH + k } }));
    await publishBatch(srv.base, messages);
    await sleep(b % 4 === 0 ? 15 : 1); // waves of answers, and live messages arriving while polls wait
  }
  const outcomes = await loops;
  for (const { id, seen, polls } of outcomes) assertContiguous(seen, 1, TOTAL, `poller ${id} (${polls} polls)`);
  const gathered = (await gatheredCount()) - gatheredBefore;
  assert.ok(gathered > 0, 'with 80 pollers answered in waves, some answers were held to gather (herald_longpoll_gathered_total)');
});

async function gatheredCount() {
  const res = await fetch(`${srv.base}/metrics`);
  const line = (await res.text()).split('\n').find((l) => l.startsWith('herald_longpoll_gathered_total '));
  assert.ok(line, 'herald_longpoll_gathered_total is in /metrics');
  return Number(line.split(' ')[1]);
}

test('server shutdown answers pending polls at once with messages [] and Connection: close', { timeout: 30_000 }, async () => {
  const own = await startServer({ label: 'longpoll-shutdown' });
  try {
    const channel = uniqueChannel('lpshutdown');
    const cursor = await currentCursor(own.base, channel);
    const pending = later(new Promise((resolve, reject) => {
      const req = http.get(`${own.base}/api/lp?channel=${channel}&since=${encodeURIComponent(cursor)}&timeout=30`, { agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text, at: Date.now() }));
      });
      req.on('error', reject);
    }));
    await sleep(500);
    const t0 = Date.now();
    const exited = later(own.stop({ timeout: 15_000 }));
    const answer = await pending;
    assert.ok(answer.at - t0 < 3000, `pending poll answered ${answer.at - t0} ms after SIGTERM`);
    assert.equal(answer.status, 200, answer.text);
    const body = JSON.parse(answer.text);
    assert.deepEqual(body.messages, []);
    assert.equal(body.cursor, cursor);
    assert.match(answer.headers.connection ?? '', /close/i, `Connection header: ${answer.headers.connection}`);
    const info = await exited;
    assert.equal(info.code, 0, `exit: ${JSON.stringify(info)}`);
    assert.ok(!info.forced, 'exited within the deadline');
  } finally {
    await own.stop();
  }
});

test('longpoll.default_timeout and longpoll.max_timeout are configurable (env)', { timeout: 30_000 }, async () => {
  const own = await startServer({ label: 'longpoll-cfg', env: { HERALD_LONGPOLL_DEFAULT_TIMEOUT: '1', HERALD_LONGPOLL_MAX_TIMEOUT: '2' } });
  try {
    const channel = uniqueChannel('lpcfg');
    const cursor = await currentCursor(own.base, channel);
    const d = await longPoll(own.base, channel, { since: cursor });
    assert.ok(d.elapsed >= 900 && d.elapsed < 4000, `default timeout 1 s: answered after ${d.elapsed} ms`);
    assert.deepEqual(d.body.messages, []);
    const m = await longPoll(own.base, channel, { since: cursor, timeout: 30 });
    assert.ok(m.elapsed >= 1800 && m.elapsed < 5000, `timeout=30 capped at max_timeout 2 s: answered after ${m.elapsed} ms`);
    assert.deepEqual(m.body.messages, []);
    assert.equal(m.body.cursor, cursor);
  } finally {
    await own.stop();
  }
});

// timeout=0 asks "what is there now?": the answer must come from history, never from a timer that fired
// before the history read answered.
test('timeout=0 answers what history holds, every time (messages, gaps, cursors)', { timeout: 60_000 }, async () => {
  const channel = uniqueChannel('lpzero');
  const results = await publishMany(srv.base, channel, 1000);
  const { epoch } = results[0];
  for (let i = 0; i < 30; i++) {
    const { res, body } = await longPoll(srv.base, channel, { since: `${epoch}:100`, timeout: 0 });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(offsets(body), Array.from({ length: 100 }, (_, k) => 101 + k), `try ${i}`);
    assert.equal(body.cursor, `${epoch}:200`);
    assert.equal(body.more, true);
    assert.equal(body.gap, null);
  }
  for (let i = 0; i < 30; i++) {
    const { body } = await longPoll(srv.base, channel, { since: `${foreignEpoch(epoch)}:5`, timeout: 0 });
    assert.ok(body.gap, `try ${i}: a cursor of another epoch gives a gap`);
    assert.equal(body.gap.continue_from, `${epoch}:0`);
    assert.equal(body.messages.length, 100);
  }
  for (let i = 0; i < 30; i++) {
    const { body } = await longPoll(srv.base, channel, { since: 'garbage', timeout: 0 });
    assert.ok(body.gap, `try ${i}: an unparsable cursor gives a gap`);
    assert.equal(body.gap.requested, 'garbage');
    assert.match(body.cursor, /^[a-z0-9]{8}:\d+$/, `try ${i}: cursor ${body.cursor}`);
  }
  for (let i = 0; i < 10; i++) {
    const fresh = uniqueChannel('lpzerofresh');
    const { body } = await longPoll(srv.base, fresh, { timeout: 0 });
    assert.deepEqual(body.messages, []);
    assert.equal(body.cursor, await currentCursor(srv.base, fresh), `try ${i}: same cursor as history`);
    assert.match(body.cursor, /^[a-z0-9]{8}:0$/);
  }
});

test('one long poll follows several channels: the first news answers, with a token for all of them', { timeout: 30_000 }, async () => {
  const a = uniqueChannel('lpmultia');
  const b = uniqueChannel('lpmultib');
  const ca = await currentCursor(srv.base, a);
  const cb = await currentCursor(srv.base, b);
  const pending = longPoll(srv.base, [a, b], { since: `${ca},${cb}`, timeout: 10 });
  await sleep(300);
  await publish(srv.base, b, { n: 1 });
  const { res, body, elapsed } = await pending;
  assert.equal(res.status, 200, res.text);
  assert.ok(elapsed < 5000, `woken by the publish after ${elapsed} ms`);
  assert.deepEqual(body.channels.map((c) => c.channel), [a, b], 'one part per channel, in request order');
  assert.deepEqual(body.channels[0].messages, []);
  assert.equal(body.channels[0].cursor, ca, 'a channel without news keeps its cursor');
  assert.deepEqual(offsets(body.channels[1]), [parseCursor(cb).offset + 1]);
  assert.equal(body.cursor, `${ca},${body.channels[1].cursor}`, 'the token joins the channels\' cursors');

  // The next poll resumes both from the token: a message on a wakes it, b has nothing new.
  const next = longPoll(srv.base, [a, b], { since: body.cursor, timeout: 10 });
  await sleep(300);
  await publish(srv.base, a, { n: 2 });
  await publish(srv.base, a, { n: 3 });
  const second = (await next).body;
  assert.ok(offsets(second.channels[0]).length >= 1);
  assert.deepEqual(second.channels[1].messages, []);
  // Whatever the first answer held, the rest comes with the next poll: nothing is lost.
  const third = (await longPoll(srv.base, [a, b], { since: second.cursor, timeout: 0 })).body;
  assert.deepEqual([...offsets(second.channels[0]), ...offsets(third.channels[0])], [parseCursor(ca).offset + 1, parseCursor(ca).offset + 2]);
});

test('a long poll of several channels times out with every cursor unchanged, and reports a gap per channel', { timeout: 30_000 }, async () => {
  const a = uniqueChannel('lpmto');
  const b = uniqueChannel('lpmtob');
  const ca = await currentCursor(srv.base, a);
  const cb = await currentCursor(srv.base, b);
  const { body, elapsed } = await longPoll(srv.base, [a, b], { since: `${ca},${cb}`, timeout: 1 });
  assert.ok(elapsed >= 900, `waited ${elapsed} ms`);
  assert.equal(body.cursor, `${ca},${cb}`);
  assert.ok(body.channels.every((c) => c.messages.length === 0 && c.gap === null));

  const foreign = `${foreignEpoch(parseCursor(ca).epoch)}:3`;
  const gapped = (await longPoll(srv.base, [a, b], { since: `${foreign},${cb}`, timeout: 5 })).body;
  assert.ok(gapped.channels[0].gap, JSON.stringify(gapped));
  assert.equal(gapped.channels[0].gap.requested, foreign);
  assert.equal(gapped.channels[1].gap, null);
});

test('long polls of several channels: bad lists are refused', { timeout: 15_000 }, async () => {
  const a = uniqueChannel('lpbad');
  const many = Array.from({ length: 17 }, (_, i) => `${a}-${i}`);
  const tooMany = await longPoll(srv.base, many, { timeout: 0 });
  assert.equal(tooMany.res.status, 400);
  assert.equal(tooMany.res.json().error.code, 'too_many_channels');
  const twice = await longPoll(srv.base, [a, a], { timeout: 0 });
  assert.equal(twice.res.json().error.code, 'invalid_channel');
});
