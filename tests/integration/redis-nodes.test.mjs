// Several herald nodes on one real Redis: a message published on any node reaches subscribers on every
// node over every transport, in one order; racing publishers on two nodes; resuming on another node
// (with and without a gap); idempotency keys across nodes; and kill -9 of a node in the middle of a
// publishing run, its clients moving to the other nodes (docs/scaling.md, "Delivery guarantees").
import assert from 'node:assert/strict';
import { describe, test, before, after } from './lib/harness.mjs';
import { startRedis, startHeraldNodes, stopAll, redisSkip } from './lib/redis.mjs';
import { publish, currentCursor, historyOk, request } from './lib/http.mjs';
import { openSseReady, ssePath } from './lib/sse.mjs';
import { wsConnect } from './lib/ws-client.mjs';
import { follow, waitAll, closeAll, readHistory, TRANSPORTS } from './lib/followers.mjs';
import { uniqueChannel, parseCursor, assertContiguous, assertEnvelope } from './lib/util.mjs';

/** The fields every node must agree on for one message. */
const essence = (env) => ({ epoch: env.epoch, offset: env.offset, cursor: env.cursor, time: env.time, event: env.event, data: env.data });

/** Asserts that every follower holds exactly `reference` (the same envelopes in the same order). */
function assertSameAsReference(followers, reference) {
  for (const f of followers) {
    assert.deepEqual(f.messages.map(essence), reference.map(essence), `${f.label} differs from history`);
    assert.deepEqual(f.gaps, [], `${f.label}: no gap expected`);
  }
}

describe('three herald nodes on one Redis', { skip: redisSkip() }, () => {
  let redis;
  let nodes = [];
  const followers = [];
  before(async () => {
    redis = await startRedis();
    nodes = await startHeraldNodes(3, { url: redis.url, env: { HERALD_HISTORY_SIZE: '2000' } });
  });
  after(async () => {
    closeAll(followers);
    await stopAll(nodes, [redis]);
  });

  async function followOn(transport, node, channel, since) {
    const f = await follow(transport, [node.base], channel, { since });
    followers.push(f);
    return f;
  }

  test('a message published on A reaches B and C on every transport, identical everywhere', { timeout: 30_000 }, async () => {
    const [a, b, c] = nodes;
    const channel = uniqueChannel('fanout');
    const start = await currentCursor(a.base, channel);
    const { epoch } = parseCursor(start);
    const group = [];
    for (const node of [b, c]) for (const transport of TRANSPORTS) group.push(await followOn(transport, node, channel, start));

    const payloads = [{ text: 'hello' }, 'two', [3, { four: 4 }], null, 5.5];
    const results = [];
    for (const data of payloads) results.push(await publish(a.base, channel, data));
    assert.deepEqual(results.map((r) => r.cursor), payloads.map((_, k) => `${epoch}:${k + 1}`));
    await waitAll(group, payloads.length);

    const reference = (await historyOk(c.base, channel, { since: start })).messages;
    reference.forEach((env, k) => assertEnvelope(env, { channel, epoch, offset: k + 1, event: 'message', data: payloads[k] }));
    assertSameAsReference(group, reference);
    closeAll(group);
  });

  test('two publishers on two nodes racing on one channel: one order for every subscriber and for history', { timeout: 60_000 }, async () => {
    const [a, b, c] = nodes;
    const channel = uniqueChannel('race');
    const perPublisher = 300;
    const start = await currentCursor(a.base, channel);
    const group = [];
    for (const node of nodes) for (const transport of ['sse', 'ws', 'lp']) group.push(await followOn(transport, node, channel, start));

    async function publisher(node, name) {
      const results = [];
      for (let i = 1; i <= perPublisher; i += 1) results.push(await publish(node.base, channel, { from: name, i }));
      return results;
    }
    const [fromA, fromB] = await Promise.all([publisher(a, 'A'), publisher(b, 'B')]);
    const total = 2 * perPublisher;
    await waitAll(group, total, { timeout: 30_000 });

    const { messages: reference, gaps } = await readHistory(c.base, channel, start);
    assert.deepEqual(gaps, []);
    assertContiguous(reference.map((m) => m.offset), 1, total, 'history offsets');
    for (const [name, results] of [['A', fromA], ['B', fromB]]) {
      // Each publisher's answers name where its message went, in the order it published them.
      const offsets = results.map((r) => r.offset);
      assert.deepEqual([...offsets].sort((x, y) => x - y), offsets, `${name}'s offsets increase`);
      results.forEach((r, k) => assert.deepEqual(reference[r.offset - 1].data, { from: name, i: k + 1 }, `${name} #${k + 1} at ${r.cursor}`));
    }
    const interleaved = reference.some((m, k) => k > 0 && m.data.from !== reference[k - 1].data.from);
    assert.ok(interleaved, 'the two publishers did run concurrently');
    for (const f of group) assertContiguous(f.offsets(), 1, total, `${f.label} offsets`);
    assertSameAsReference(group, reference);
    closeAll(group);
  });

  test('resume on another node: subscribe on A, publish on B, resume on C with exactly the missed messages', { timeout: 30_000 }, async () => {
    const [a, b, c] = nodes;
    const channel = uniqueChannel('resume');
    const start = await currentCursor(a.base, channel);
    const { epoch } = parseCursor(start);
    const first = await openSseReady(a.base, ssePath(channel, { since: start }));
    for (let i = 1; i <= 3; i += 1) await publish(a.base, channel, { i });
    await first.waitMessages(3);
    const lastId = first.envelopes().at(-1).id;
    first.close();
    for (let i = 4; i <= 7; i += 1) await publish(b.base, channel, { i });

    // Last-Event-ID on C (a `since` elsewhere must not matter: the header wins).
    const resumed = await openSseReady(c.base, ssePath(channel, { since: start }), { headers: { 'Last-Event-ID': lastId } });
    await resumed.waitMessages(4);
    // `since` over WebSocket and long polling on C.
    const ws = await wsConnect(c.base);
    const reply = await ws.subscribe(channel, lastId);
    assert.equal(reply.recovered, true, JSON.stringify(reply));
    await ws.waitMessages(channel, 4);
    const polled = await historyOk(c.base, channel, { since: lastId });
    await publish(a.base, channel, { i: 8 });
    await resumed.waitMessages(5);
    await ws.waitMessages(channel, 5);

    assert.equal(lastId, `${epoch}:3`);
    assert.deepEqual(resumed.offsets(), [4, 5, 6, 7, 8]);
    assert.deepEqual(resumed.envelopes().map((m) => m.env.data.i), [4, 5, 6, 7, 8]);
    assert.deepEqual(resumed.gaps(), []);
    assert.deepEqual(ws.messages(channel).map((m) => m.offset), [4, 5, 6, 7, 8]);
    assert.deepEqual(ws.gaps(channel), []);
    assert.deepEqual(polled.messages.map((m) => m.offset), [4, 5, 6, 7]);
    assert.equal(polled.gap, null);
    assert.equal(polled.cursor, `${epoch}:7`);
    resumed.close();
    await ws.closeAndWait();
  });

  test('idempotency across nodes: one key on A, then on B and C, publishes once', { timeout: 20_000 }, async () => {
    const [a, b, c] = nodes;
    const channel = uniqueChannel('idem');
    const start = await currentCursor(a.base, channel);
    const { epoch } = parseCursor(start);
    const watcher = await followOn('ws', c, channel, start);
    const key = `order-${Date.now()}`;
    const firstResult = await publish(a.base, channel, { order: 42 }, { idempotencyKey: key });
    const onB = await publish(b.base, channel, { order: 42, retry: 'b' }, { idempotencyKey: key });
    const onC = await publish(c.base, channel, { order: 42, retry: 'c' }, { idempotencyKey: key });
    const sentinel = await publish(b.base, channel, 'after');

    assert.deepEqual(firstResult, { channel, epoch, offset: 1, cursor: `${epoch}:1`, duplicate: false });
    assert.deepEqual(onB, { ...firstResult, duplicate: true });
    assert.deepEqual(onC, { ...firstResult, duplicate: true });
    assert.equal(sentinel.offset, 2);
    const stored = (await historyOk(b.base, channel, { since: start })).messages;
    assert.deepEqual(stored.map((m) => [m.offset, m.data]), [[1, { order: 42 }], [2, 'after']]);
    await watcher.waitCount(2);
    assert.deepEqual(watcher.messages.map((m) => [m.offset, m.data]), [[1, { order: 42 }], [2, 'after']]);
    watcher.close();
  });
});

describe('nodes with a small history (history.size = 5)', { skip: redisSkip() }, () => {
  let redis;
  let nodes = [];
  before(async () => {
    redis = await startRedis();
    nodes = await startHeraldNodes(3, { url: redis.url, env: { HERALD_HISTORY_SIZE: '5' } });
  });
  after(() => stopAll(nodes, [redis]));

  test('a cursor older than the history gives a gap on every other node, then the retained messages', { timeout: 20_000 }, async () => {
    const [a, b, c] = nodes;
    const channel = uniqueChannel('oldcursor');
    const start = await currentCursor(a.base, channel);
    const { epoch } = parseCursor(start);
    for (let i = 1; i <= 10; i += 1) await publish(a.base, channel, { i });
    const old = `${epoch}:2`;
    const expectedGap = { channel, requested: old, continue_from: `${epoch}:5` };

    const sse = await follow('sse', [b.base], channel, { since: old });
    const ws = await follow('ws', [c.base], channel, { since: old });
    const lp = await follow('lp', [c.base], channel, { since: old });
    const polled = await historyOk(b.base, channel, { since: old });
    await waitAll([sse, ws, lp], 5);
    closeAll([sse, ws, lp]);

    assert.equal(ws.subscribeReply.recovered, false, JSON.stringify(ws.subscribeReply));
    for (const f of [sse, ws, lp]) {
      assert.deepEqual(f.gaps, [expectedGap], `${f.label} gap`);
      assert.deepEqual(f.offsets(), [6, 7, 8, 9, 10], `${f.label} offsets`);
    }
    assert.deepEqual(polled.gap, expectedGap);
    assert.deepEqual(polled.messages.map((m) => m.offset), [6, 7, 8, 9, 10]);
  });
});

describe('kill -9 of a node while publishing', { skip: redisSkip() }, () => {
  const total = 3000;
  let redis;
  let nodes = [];
  const followers = [];
  before(async () => {
    redis = await startRedis();
    nodes = await startHeraldNodes(3, { url: redis.url, env: { HERALD_HISTORY_SIZE: String(2 * total), HERALD_SSE_RETRY_MS: '200' } });
  });
  after(async () => {
    closeAll(followers);
    await stopAll(nodes, [redis]);
  });

  /**
   * Publishes messages {i} for i in 0..total-1 with idempotency keys, `concurrency` requests at a time,
   * message i first on node i % 3 and, when a request fails, again (same key) on the next node.
   * `onProgress(done)` is called after each accepted message. Returns the counts of failures and duplicates.
   */
  async function publishRoundRobin(channel, { concurrency = 4, onProgress }) {
    let next = 0;
    let done = 0;
    const stats = { failures: 0, duplicates: 0, failuresByNode: {} };
    async function send(i) {
      for (let attempt = 0; attempt < 20; attempt += 1) {
        const node = nodes[(i + attempt) % nodes.length];
        try {
          const res = await request(node.base, 'POST', '/api/publish', {
            body: { channel, data: { i }, idempotency_key: `msg-${i}` },
            timeout: 5000,
          });
          if (res.status === 200) {
            if (res.json().duplicate) stats.duplicates += 1;
            return;
          }
          throw new Error(`HTTP ${res.status}: ${res.text}`);
        } catch {
          stats.failures += 1;
          stats.failuresByNode[node.label] = (stats.failuresByNode[node.label] ?? 0) + 1;
        }
      }
      throw new Error(`message ${i} was refused by every node 20 times`);
    }
    async function worker() {
      while (next < total) {
        const i = next;
        next += 1;
        await send(i);
        done += 1;
        onProgress?.(done);
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker));
    return stats;
  }

  test(`3 nodes, subscribers on each, ${total} messages round-robin, node B killed midway: nothing lost, nothing doubled`, { timeout: 60_000 }, async () => {
    const [a, b, c] = nodes;
    const channel = uniqueChannel('kill');
    const start = await currentCursor(a.base, channel);
    const { epoch } = parseCursor(start);
    // Each node's subscribers prefer that node and fall back on the others, as behind a load balancer.
    const rotations = [[a, b, c], [b, c, a], [c, a, b]];
    const byNode = new Map();
    for (const order of rotations) {
      const bases = order.map((n) => n.base);
      const group = [];
      for (const transport of ['eventsource', 'sse', 'ws']) group.push(await follow(transport, bases, channel, { since: start }));
      followers.push(...group);
      byNode.set(order[0], group);
    }

    let killed;
    const t0 = Date.now();
    const stats = await publishRoundRobin(channel, {
      onProgress: (done) => {
        if (done === total / 3 && !killed) killed = b.kill();
      },
    });
    await killed;
    const publishMs = Date.now() - t0;
    await waitAll(followers, total, { timeout: 30_000 });

    // Every request sent to B after its death failed and was retried elsewhere.
    assert.ok(stats.failuresByNode[b.label] > 0, `requests to the killed node must have failed: ${JSON.stringify(stats)}`);
    const { messages: stored, gaps } = await readHistory(c.base, channel, start);
    assert.deepEqual(gaps, []);
    assertContiguous(stored.map((m) => m.offset), 1, total, 'history offsets');
    const published = stored.map((m) => m.data.i).sort((x, y) => x - y);
    assertContiguous(published, 0, total - 1, 'history: each message i exactly once');
    for (const f of followers) {
      assertContiguous(f.offsets(epoch), 1, total, `${f.label} offsets`);
      assert.deepEqual(f.gaps, [], `${f.label}: no gap`);
    }
    assertSameAsReference(followers, stored);
    for (const f of byNode.get(b)) {
      const moved = f.connects.filter((x) => x.base !== b.base);
      assert.ok(moved.length >= 1, `${f.label} must have moved to another node: ${JSON.stringify(f.connects)}`);
      assert.ok(moved.every((x) => x.since && x.since !== start), `${f.label} resumed with its cursor: ${JSON.stringify(f.connects)}`);
    }
    for (const f of [...byNode.get(a), ...byNode.get(c)]) assert.equal(f.connects.length, 1, `${f.label} never reconnected`);
    console.log(`# kill -9: ${total} messages in ${publishMs} ms, ${stats.failures} failed requests retried, ${stats.duplicates} duplicates`);
    closeAll(followers);
  });
});
