// What docs/scaling.md's table "What a client sees when something fails" promises, checked on a real
// Redis under two herald nodes: Redis killed and back with its data (AOF: /readyz, 503s, open streams
// continuing), restarted or flushed without its data (gaps, new epoch), restarted from an older snapshot
// (offsets given again to new messages: a gap and a new epoch, never a silent hole), frozen (SIGSTOP) with a short command timeout, the pub/sub
// connections killed while publishing, and a message only the stream holds, found by the position check.
import assert from 'node:assert/strict';
import { describe, test, before, after } from './lib/harness.mjs';
import { startRedis, startHeraldNodes, waitReady, stopAll, metricValue, redisSkip } from './lib/redis.mjs';
import { publish, currentCursor, history, longPoll, request } from './lib/http.mjs';
import { follow, waitAll, closeAll, readHistory } from './lib/followers.mjs';
import { openSse, ssePath } from './lib/sse.mjs';
import { wsConnect, assertWsError } from './lib/ws-client.mjs';
import { uniqueChannel, parseCursor, assertContiguous, assertErrorBody, waitFor } from './lib/util.mjs';

async function metric(node, name) {
  const res = await request(node.base, 'GET', '/metrics', { timeout: 5000 });
  assert.equal(res.status, 200);
  return metricValue(res.text, name);
}

/** POST /api/publish, timed: {res, elapsed}. */
async function timedPublish(node, channel, data, idempotencyKey) {
  const t0 = Date.now();
  const body = { channel, data };
  if (idempotencyKey) body.idempotency_key = idempotencyKey;
  const res = await request(node.base, 'POST', '/api/publish', { body, timeout: 15_000 });
  return { res, elapsed: Date.now() - t0 };
}

/** A SSE and a WebSocket follower on each node (each bound to its node: a reconnection is recorded). */
async function followEverywhere(nodes, channel, since) {
  const group = [];
  for (const node of nodes) for (const transport of ['sse', 'ws']) group.push(await follow(transport, [node.base], channel, { since }));
  return group;
}

/** The streams stayed open: no follower had to connect a second time. */
function assertNeverReconnected(followers) {
  for (const f of followers) assert.equal(f.connects.length, 1, `${f.label} stayed connected: ${f.describe()}`);
}

/** Waits until every node answers /readyz 503 {"status":"engine_unavailable"}. */
async function waitUnready(nodes) {
  for (const node of nodes) {
    await waitFor(async () => {
      const res = await request(node.base, 'GET', '/readyz', { timeout: 2000 });
      return res.status === 503 && res.json().status === 'engine_unavailable';
    }, { timeout: 10_000, label: `${node.base} /readyz 503 engine_unavailable` });
  }
}

/** Polls /readyz every few milliseconds and returns as soon as it answers 200 (bounded). */
async function waitReadyNow(node) {
  await waitFor(async () => (await request(node.base, 'GET', '/readyz', { timeout: 2000 })).status === 200, {
    timeout: 15_000, interval: 2, label: `${node.label} /readyz 200`,
  });
}

/** While Redis is away a new SSE stream ends at once with `close` (unavailable), a WS subscribe fails. */
async function assertNewSubscriptionsRefused(node, channel) {
  const stream = await openSse(node.base, ssePath(channel));
  await stream.waitEnd();
  assert.equal(stream.status, 200);
  const closes = stream.eventsOf('close').map((b) => JSON.parse(b.data));
  assert.deepEqual(closes, [{ reason: 'unavailable' }], `a new stream ends with close: ${JSON.stringify(stream.raw)}`);
  const ws = await wsConnect(node.base);
  const reply = await ws.command({ op: 'subscribe', channel });
  assertWsError(reply, 'engine_unavailable');
  await ws.closeAndWait();
}

describe('Redis unreachable, then back with its data (AOF)', { skip: redisSkip() }, () => {
  let redis;
  let nodes = [];
  const open = [];
  before(async () => {
    redis = await startRedis({ persistence: 'aof' });
    nodes = await startHeraldNodes(2, { url: redis.url });
  });
  after(async () => {
    closeAll(open);
    await stopAll(nodes, [redis]);
  });

  test('503 engine_unavailable at once, streams stay open, then they continue the same epoch without gap or duplicate', { timeout: 40_000 }, async () => {
    const [a, b] = nodes;
    const channel = uniqueChannel('down');
    const start = await currentCursor(a.base, channel);
    const { epoch } = parseCursor(start);
    const group = await followEverywhere(nodes, channel, start);
    open.push(...group);
    for (let i = 1; i <= 3; i += 1) await publish(a.base, channel, { i });
    await waitAll(group, 3);

    await redis.kill();
    await waitUnready(nodes);
    for (const node of nodes) {
      const health = await request(node.base, 'GET', '/healthz');
      assert.equal(health.status, 200, 'the process is alive: /healthz stays 200');
      assert.equal(await metric(node, 'herald_engine_up'), 0);
      // The connection is refused: publishes fail at once, well under engine.command_timeout (2 s).
      const { res, elapsed } = await timedPublish(node, channel, { lost: true });
      assertErrorBody(res, 503, 'engine_unavailable', 'publish while Redis is down');
      assert.ok(elapsed < 1000, `publish refused after ${elapsed} ms, expected well under 2 s`);
      const batch = await request(node.base, 'POST', '/api/publish', {
        body: { messages: [{ channel: `${channel}-lost`, data: 1 }, { channel: `${channel}-lost`, data: 2 }] },
      });
      const refused = assertErrorBody(batch, 503, 'engine_unavailable', 'batch publish while Redis is down');
      assert.deepEqual(refused.results.map((r) => r.error?.code), ['engine_unavailable', 'engine_unavailable'], batch.text);
      const polled = await longPoll(node.base, channel, { since: start, timeout: 1 });
      assertErrorBody(polled.res, 503, 'engine_unavailable', 'long poll while Redis is down');
      const read = await history(node.base, channel, { since: start });
      assertErrorBody(read.res, 503, 'engine_unavailable', 'history while Redis is down');
    }
    for (const f of group) {
      if (f.transport === 'sse') assert.equal(f.stream.ended, false, `${f.label}: the stream stays open`);
      else assert.equal(f.open, true, `${f.label}: the WebSocket stays open`);
    }
    await assertNewSubscriptionsRefused(a, channel);
    // Let the reconnection backoff of each connection (2 workers + pub/sub per node) grow over a few
    // refused attempts, so that the connections of a node come back at different moments.
    for (const node of nodes) {
      await waitFor(async () => (await metric(node, 'herald_engine_reconnects_total')) >= 12, { timeout: 10_000, label: `${node.label} retries` });
    }

    await redis.start();
    // Ready means ready: the moment /readyz answers 200, requests are served, whichever worker takes them.
    const burst = 8;
    const answers = await Promise.all(nodes.map(async (node, k) => {
      await waitReadyNow(node);
      return Promise.all(Array.from({ length: burst }, (_, j) => timedPublish(node, channel, { i: 4 + k * burst + j })));
    }));
    for (const { res } of answers.flat()) {
      assert.equal(res.status, 200, `a publish right after /readyz answered 200: ${res.text}`);
      assert.equal(parseCursor(res.json().cursor).epoch, epoch, 'the channel continues in its epoch (AOF kept it)');
    }
    const total = 3 + nodes.length * burst;
    for (const node of nodes) assert.equal(await metric(node, 'herald_engine_up'), 1);
    await waitAll(group, total);
    const { messages: stored } = await readHistory(b.base, channel, start);
    assert.deepEqual(stored.map((m) => m.data.i).sort((x, y) => x - y), Array.from({ length: total }, (_, k) => k + 1));
    for (const f of group) {
      assertContiguous(f.offsets(epoch), 1, total, `${f.label} offsets`);
      assert.deepEqual(f.messages.map((m) => m.data.i), stored.map((m) => m.data.i));
      assert.deepEqual(f.gaps, [], `${f.label}: no gap`);
    }
    assertNeverReconnected(group);
    closeAll(group);
  });
});

describe('Redis restarted without its data', { skip: redisSkip() }, () => {
  let redis;
  let nodes = [];
  const open = [];
  before(async () => {
    redis = await startRedis({ persistence: 'none' });
    nodes = await startHeraldNodes(2, { url: redis.url });
  });
  after(async () => {
    closeAll(open);
    await stopAll(nodes, [redis]);
  });

  /** Followers (SSE and WS on each node, long polling on B) that have received messages 1..3 of a new channel. */
  async function followersAtThree() {
    const [a, b] = nodes;
    const channel = uniqueChannel('lost');
    const start = await currentCursor(a.base, channel);
    const followers = [...(await followEverywhere(nodes, channel, start)), await follow('lp', [b.base], channel, { since: start })];
    open.push(...followers);
    for (let i = 1; i <= 3; i += 1) await publish(a.base, channel, { i });
    await waitAll(followers, 3);
    return { channel, followers, oldEpoch: parseCursor(start).epoch };
  }

  /**
   * Publishes two messages on a channel whose history Redis lost, then checks what everyone sees: a gap
   * from the old cursor to the new epoch, then the new epoch's messages; the same for a poll.
   */
  async function assertGapThenNewEpoch({ channel, followers, oldEpoch }) {
    const [a, b] = nodes;
    const first = await publish(b.base, channel, { i: 'new-1' });
    const { epoch: newEpoch } = parseCursor(first.cursor);
    assert.notEqual(newEpoch, oldEpoch, 'a channel Redis lost starts again under a new epoch');
    await publish(a.base, channel, { i: 'new-2' });

    const oldCursor = `${oldEpoch}:3`;
    const expectedGap = { channel, requested: oldCursor, continue_from: `${newEpoch}:0` };
    await waitAll(followers, 5);
    for (const f of followers) {
      assert.deepEqual(f.gaps, [expectedGap], `${f.label} gap`);
      assert.deepEqual(f.messages.map((m) => m.cursor), [1, 2, 3].map((o) => `${oldEpoch}:${o}`).concat([`${newEpoch}:1`, `${newEpoch}:2`]));
      assert.deepEqual(f.messages.slice(3).map((m) => m.data.i), ['new-1', 'new-2']);
    }
    assertNeverReconnected(followers.filter((f) => f.transport !== 'lp'));
    for (const node of nodes) {
      const { res, body } = await history(node.base, channel, { since: oldCursor });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(body.gap, expectedGap);
      assert.deepEqual(body.messages.map((m) => m.cursor), [`${newEpoch}:1`, `${newEpoch}:2`]);
      const polled = await longPoll(node.base, channel, { since: oldCursor, timeout: 5 });
      assert.deepEqual(polled.body.gap, expectedGap);
      assert.ok(polled.elapsed < 2000, `a gap answers a long poll at once (${polled.elapsed} ms)`);
    }
    closeAll(followers);
  }

  test('restarted: open streams get a gap, then the new epoch; a poll with the old cursor gets the gap', { timeout: 40_000 }, async () => {
    const state = await followersAtThree();
    await redis.restart({ hard: true });
    await Promise.all(nodes.map((n) => waitReady(n)));
    await assertGapThenNewEpoch(state);
  });

  test('flushed under open connections (FLUSHALL, nothing reconnects): the same gap, then the new epoch', { timeout: 40_000 }, async () => {
    const state = await followersAtThree();
    const reconnects = await Promise.all(nodes.map((n) => metric(n, 'herald_engine_reconnects_total')));
    await redis.command('FLUSHALL');
    await assertGapThenNewEpoch(state);
    assert.deepEqual(await Promise.all(nodes.map((n) => metric(n, 'herald_engine_reconnects_total'))), reconnects, 'no connection dropped');
  });
});

// Redis restarts from a snapshot taken before the last publishes (RDB, or AOF with appendfsync everysec
// after a crash): the channel keeps its epoch but goes back, and its offsets are given again to new
// messages. docs/scaling.md promises that herald sees the channel go back and reports a gap to open streams.
describe('Redis lost its last writes (restarted from an older snapshot)', { skip: redisSkip() }, () => {
  let redis;
  let nodes = [];
  const open = [];
  before(async () => {
    redis = await startRedis({ persistence: 'none' }); // SAVE writes the snapshot it restarts from
    nodes = await startHeraldNodes(2, { url: redis.url });
  });
  after(async () => {
    for (const node of nodes) if (node.child) process.kill(node.pid, 'SIGCONT');
    closeAll(open);
    await stopAll(nodes, [redis]);
  });

  test('open streams on a node that comes back after the channel grew again get a gap, not a silent hole', {
    timeout: 40_000,
  }, async () => {
    const [a, b] = nodes;
    const channel = uniqueChannel('rollback');
    const start = await currentCursor(b.base, channel);
    const { epoch } = parseCursor(start);
    const followers = await followEverywhere([a], channel, start);
    open.push(...followers);
    for (let i = 1; i <= 3; i += 1) await publish(b.base, channel, { i });
    await redis.command('SAVE');
    for (let i = 4; i <= 5; i += 1) await publish(b.base, channel, { i });
    await waitAll(followers, 5);

    // Node A is paused while Redis comes back with offsets 1..3 and B publishes three new messages,
    // which get offsets 4, 5 and 6 again, in the same epoch.
    process.kill(a.pid, 'SIGSTOP');
    try {
      await redis.restart({ hard: true });
      await waitReady(b);
      for (let i = 1; i <= 3; i += 1) {
        const result = await publish(b.base, channel, { i: `again-${i}` });
        assert.equal(result.cursor, `${epoch}:${3 + i}`, 'the snapshot kept the epoch: offsets are given again');
      }
    } finally {
      process.kill(a.pid, 'SIGCONT');
    }
    await waitReady(a);
    // Node A's feeds see that the message at their position is another one (or that the channel is behind
    // them): the channel starts again under a new epoch, and every follower that missed something hears of it.
    await waitFor(() => followers.every((f) => f.gaps.length > 0 || f.messages.length >= 8), {
      timeout: 15_000,
      label: 'a gap (or every message) on every follower',
      describe: () => followers.map((f) => `${f.label}: ${f.messages.length} messages, gaps=${JSON.stringify(f.gaps)}`).join('; '),
    });
    for (const f of followers) {
      const received = f.messages.map((m) => m.data.i);
      const missing = ['again-1', 'again-2', 'again-3'].filter((x) => !received.includes(x));
      assert.ok(f.gaps.length > 0 || missing.length === 0,
        `${f.label}: ${JSON.stringify(missing)} never arrived and no gap was reported: ${JSON.stringify(f.messages.map((m) => [m.cursor, m.data.i]))}`);
    }
    const { cursor } = await publish(b.base, channel, { i: 'again-4' });
    assert.notEqual(parseCursor(cursor).epoch, epoch, 'the channel started again under a new epoch');
    await waitFor(() => followers.every((f) => f.messages.some((m) => m.data.i === 'again-4')), {
      timeout: 15_000,
      label: 'again-4 on every follower',
    });
    closeAll(followers);
  });
});

describe('Redis frozen (SIGSTOP), engine.command_timeout = 1 s', { skip: redisSkip() }, () => {
  let redis;
  let nodes = [];
  const open = [];
  before(async () => {
    redis = await startRedis();
    nodes = await startHeraldNodes(2, { url: redis.url, env: { HERALD_ENGINE_COMMAND_TIMEOUT: '1' } });
  });
  after(async () => {
    if (redis?.child) redis.thaw();
    closeAll(open);
    await stopAll(nodes, [redis]);
  });

  test('publishes answer 503 within about a second, never hang; after SIGCONT everything works', { timeout: 40_000 }, async () => {
    const [a, b] = nodes;
    const channel = uniqueChannel('frozen');
    const start = await currentCursor(a.base, channel);
    const { epoch } = parseCursor(start);
    const group = await followEverywhere(nodes, channel, start);
    open.push(...group);
    await publish(a.base, channel, { i: 1 }, { idempotencyKey: 'k1' });
    await waitAll(group, 1);

    redis.freeze();
    const refused = [];
    try {
      // One after the other and two at once, on both nodes: each answer within the bound, none accepted.
      const attempts = [];
      for (const [k, node] of [[2, a], [3, b]]) attempts.push(await timedPublish(node, channel, { i: k }, `k${k}`));
      attempts.push(...(await Promise.all([timedPublish(a, channel, { i: 4 }, 'k4'), timedPublish(b, channel, { i: 5 }, 'k5')])));
      attempts.forEach(({ res, elapsed }, k) => {
        assertErrorBody(res, 503, 'engine_unavailable', `publish #${k + 2} while Redis is frozen`);
        assert.ok(elapsed < 3000, `publish #${k + 2} answered after ${elapsed} ms, expected about 1 s`);
        refused.push(k + 2);
      });
      console.log(`# frozen Redis: publishes refused after ${attempts.map((x) => x.elapsed).join(', ')} ms`);
      await waitUnready(nodes);
      for (const f of group) assert.equal(f.transport === 'sse' ? !f.stream.ended : f.open, true, `${f.label} stays open`);
    } finally {
      redis.thaw();
    }

    await Promise.all(nodes.map((n) => waitReady(n)));
    // A refused publish may still have reached Redis (it was in the socket when Redis stopped): the
    // publisher retries each with its idempotency key, and every message is published exactly once.
    for (const i of refused) await publish((i % 2 ? a : b).base, channel, { i }, { idempotencyKey: `k${i}` });
    await publish(b.base, channel, { i: 6 }, { idempotencyKey: 'k6' });
    await waitAll(group, 6);
    const { messages: stored } = await readHistory(a.base, channel, start);
    assertContiguous(stored.map((m) => m.offset), 1, 6, 'history offsets');
    assert.deepEqual(stored.map((m) => m.data.i).sort(), [1, 2, 3, 4, 5, 6]);
    for (const f of group) {
      assert.deepEqual(f.messages.map((m) => [m.offset, m.data.i]), stored.map((m) => [m.offset, m.data.i]), `${f.label}`);
      assert.deepEqual(f.gaps, []);
      assert.ok(f.messages.every((m) => m.epoch === epoch));
    }
    assertNeverReconnected(group);
    closeAll(group);
  });
});

describe('the pub/sub connections killed (CLIENT KILL TYPE pubsub)', { skip: redisSkip() }, () => {
  const interval = 0.5; // engine.position_check_interval, seconds
  let redis;
  let nodes = [];
  const open = [];
  before(async () => {
    redis = await startRedis();
    nodes = await startHeraldNodes(2, { url: redis.url, env: { HERALD_ENGINE_POSITION_CHECK_INTERVAL: String(interval) } });
  });
  after(async () => {
    closeAll(open);
    await stopAll(nodes, [redis]);
  });

  async function counters(node) {
    return { repaired: await metric(node, 'herald_messages_repaired_total'), reconnects: await metric(node, 'herald_engine_reconnects_total') };
  }

  /** Kills every pub/sub connection to Redis, once each node has one (again); asserts it found them. */
  async function killPubsub() {
    await waitFor(async () => {
      const list = await redis.command('CLIENT', 'LIST', 'TYPE', 'pubsub');
      return list.split('\n').filter((line) => line.trim()).length >= nodes.length;
    }, { timeout: 10_000, label: 'a subscribed pub/sub connection per node' });
    const killed = await redis.command('CLIENT', 'KILL', 'TYPE', 'pubsub');
    assert.ok(killed >= nodes.length, `CLIENT KILL TYPE pubsub killed ${killed} connections, expected one per node`);
  }

  test('killed while messages are published: every subscriber still gets every message, once, in order', { timeout: 40_000 }, async () => {
    const [a, b] = nodes;
    const channel = uniqueChannel('pskill');
    const total = 400;
    const start = await currentCursor(a.base, channel);
    const group = await followEverywhere(nodes, channel, start);
    open.push(...group);
    const before = await Promise.all(nodes.map(counters));
    for (let i = 1; i <= total; i += 1) {
      await publish((i % 2 ? a : b).base, channel, { i });
      if (i % 100 === 50) await killPubsub();
    }
    await waitAll(group, total, { timeout: 20_000 });
    for (const f of group) {
      assertContiguous(f.offsets(), 1, total, `${f.label} offsets`);
      assert.deepEqual(f.messages.map((m) => m.data.i), Array.from({ length: total }, (_, k) => k + 1));
      assert.deepEqual(f.gaps, []);
    }
    assertNeverReconnected(group);
    const after = await Promise.all(nodes.map(counters));
    nodes.forEach((node, k) => {
      assert.ok(after[k].reconnects >= before[k].reconnects + 4, `${node.label} counted its 4 lost pub/sub connections: ${JSON.stringify([before[k], after[k]])}`);
    });
    console.log(`# pub/sub killed 4 times: counters before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`);
    closeAll(group);
  });

  test('killed right before the last message: it arrives within the position check interval', { timeout: 30_000 }, async () => {
    const [a] = nodes;
    const channel = uniqueChannel('pslast');
    const start = await currentCursor(a.base, channel);
    const group = await followEverywhere(nodes, channel, start);
    open.push(...group);
    for (let i = 1; i <= 5; i += 1) await publish(a.base, channel, { i });
    await waitAll(group, 5);
    await killPubsub();
    const t0 = Date.now();
    await publish(a.base, channel, { i: 'last' });
    await waitAll(group, 6, { timeout: 10_000 });
    const elapsed = Date.now() - t0;
    assert.ok(elapsed < interval * 1000 + 1000, `the last message arrived after ${elapsed} ms (position_check_interval ${interval} s)`);
    for (const f of group) {
      assert.deepEqual(f.offsets(), [1, 2, 3, 4, 5, 6]);
      assert.equal(f.messages.at(-1).data.i, 'last');
    }
    closeAll(group);
  });

  test('a message only the stream holds (never published on pub/sub) is found by the position check', { timeout: 30_000 }, async () => {
    const [a, b] = nodes;
    const channel = uniqueChannel('psstream');
    const start = await currentCursor(a.base, channel);
    const { epoch } = parseCursor(start);
    const group = await followEverywhere(nodes, channel, start);
    open.push(...group);
    await publish(a.base, channel, { i: 1 });
    await waitAll(group, 1);
    const before = await Promise.all(nodes.map(counters));

    // What herald's publish script writes, without its SPUBLISH (keys and fields: docs/scaling.md,
    // src/engine/redis/redis_scripts.cpp): the live path never sees this message, no connection drops.
    const appendWithoutPublish = `
      local offset = redis.call('HINCRBY', KEYS[1], 'o', 1)
      redis.call('XADD', KEYS[2], string.format('%d-0', offset), 't', ARGV[1], 'e', 'message', 'd', ARGV[2])
      return offset`;
    const t0 = Date.now();
    const offset = await redis.command('EVAL', appendWithoutPublish, 2, `herald:{${channel}}:m`, `herald:{${channel}}:s`,
      String(Date.now()), JSON.stringify({ i: 'silent' }));
    assert.equal(offset, 2);
    await waitAll(group, 2, { timeout: 10_000 });
    const elapsed = Date.now() - t0;
    assert.ok(elapsed < interval * 1000 + 1000, `found after ${elapsed} ms (position_check_interval ${interval} s)`);
    for (const f of group) {
      assert.deepEqual(f.messages.map((m) => [m.cursor, m.data.i]), [[`${epoch}:1`, 1], [`${epoch}:2`, 'silent']]);
    }
    const after = await Promise.all(nodes.map(counters));
    nodes.forEach((node, k) => {
      assert.ok(after[k].repaired >= before[k].repaired + 1, `${node.label} counted the repaired message: ${JSON.stringify([before[k], after[k]])}`);
      assert.equal(after[k].reconnects, before[k].reconnects, 'no connection was lost');
    });
    // The next live message follows it, once.
    await publish(b.base, channel, { i: 3 });
    await waitAll(group, 3);
    for (const f of group) assert.deepEqual(f.offsets(), [1, 2, 3]);
    closeAll(group);
  });
});
