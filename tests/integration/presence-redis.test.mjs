// Presence on the Redis engine: three herald nodes on one redis-server share the presence of a namespace
// with `presence = true`. A join on one node is pushed to a subscriber on another and listed by the
// `presence` op on every node; a leave (the client closing) is seen everywhere; a node stopped cleanly
// takes its clients out at once; a node killed with SIGKILL takes them out within the documented bound
// (docs/scaling.md, "Presence across nodes": node TTL 6 s + refresh interval 2 s).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test, before, after } from './lib/harness.mjs';
import { startRedis, startHeraldNodes, stopAll, redisSkip, metricValue, redisCommand } from './lib/redis.mjs';
import { request } from './lib/http.mjs';
import { wsConnect } from './lib/ws-client.mjs';
import { uniqueChannel } from './lib/util.mjs';

const DEAD_NODE_BOUND_MS = 8000; // node_ttl + node_refresh_interval
const MARGIN_MS = 3000;

const pushes = (ws, op, channel) => ws.frames.map((f) => f.json).filter((j) => j && j.op === op && j.channel === channel);
const names = (listed) => listed.clients.map((c) => c.info?.name);

describe('presence across herald nodes on one Redis', { skip: redisSkip() }, () => {
  let dir;
  let redis;
  let nodes = [];
  const sockets = [];
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-presence-redis-'));
    const config = path.join(dir, 'herald.toml');
    fs.writeFileSync(config, ['[[namespace]]', 'prefix = "room:"', 'presence = true'].join('\n'));
    redis = await startRedis();
    nodes = await startHeraldNodes(3, { url: redis.url, args: ['--config', config] });
  });
  after(async () => {
    for (const ws of sockets) ws.ws.terminate();
    await stopAll(nodes, [redis]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function client(node, channel, name, { presence = false } = {}) {
    const ws = await wsConnect(node.base);
    sockets.push(ws);
    await ws.commandOk({ op: 'subscribe', channel, presence, info: { name } });
    return ws;
  }

  const joined = (ws, channel, name) =>
    ws.waitUntil(() => pushes(ws, 'join', channel).find((p) => p.client.info?.name === name), { label: `join of ${name}`, timeout: 5000 });

  test('a join on node A reaches a subscriber on node B; every node lists both; a close is a leave everywhere', async () => {
    const [a, b, c] = nodes;
    const channel = uniqueChannel('room:');
    const watcher = await client(b, channel, 'bob', { presence: true });
    const alice = await client(a, channel, 'alice');
    const join = await joined(watcher, channel, 'alice');
    assert.match(join.client.id, /^[0-9a-f]{32}$/);
    assert.equal(join.client.user, null);

    for (const [ws, label] of [[watcher, 'B'], [alice, 'A']]) {
      const listed = await ws.commandOk({ op: 'presence', channel });
      assert.deepEqual(names(listed), ['bob', 'alice'], `node ${label}: both, in join order`);
    }
    const other = await wsConnect(c.base);
    sockets.push(other);
    assert.deepEqual(names(await other.commandOk({ op: 'presence', channel })), ['bob', 'alice'], 'node C, with nobody subscribed there');

    await alice.closeAndWait();
    await watcher.waitUntil(() => pushes(watcher, 'leave', channel).find((p) => p.client.id === join.client.id), { label: 'leave push', timeout: 5000 });
    assert.deepEqual(names(await watcher.commandOk({ op: 'presence', channel })), ['bob']);
    assert.deepEqual(names(await other.commandOk({ op: 'presence', channel })), ['bob']);
    await watcher.commandOk({ op: 'unsubscribe', channel });
    assert.deepEqual((await other.commandOk({ op: 'presence', channel })).clients, [], 'unsubscribing leaves too');
  });

  test('a node stopped cleanly (SIGTERM) takes its clients out of presence at once', { timeout: 30_000 }, async () => {
    const [, b, c] = nodes;
    const channel = uniqueChannel('room:');
    const watcher = await client(b, channel, 'bob', { presence: true });
    await client(c, channel, 'carol');
    await joined(watcher, channel, 'carol');
    const stoppedAt = Date.now();
    await c.stop();
    await watcher.waitUntil(() => pushes(watcher, 'leave', channel).length === 1, { label: 'leave push', timeout: 5000 });
    const took = Date.now() - stoppedAt;
    assert.ok(took < 2000, `the leave came ${took} ms after the stop`);
    assert.deepEqual(names(await watcher.commandOk({ op: 'presence', channel })), ['bob']);
    console.log(`# clean stop: leave pushed ${took} ms after SIGTERM`);
  });

  test(`a node killed with SIGKILL is out of presence within ${DEAD_NODE_BOUND_MS} ms`, { timeout: 60_000 }, async () => {
    const [a, b] = nodes;
    const channel = uniqueChannel('room:');
    const elsewhere = uniqueChannel('room:');
    const watcher = await client(b, channel, 'bob', { presence: true });
    await client(a, channel, 'dave');
    await client(a, channel, 'erin');
    await client(a, elsewhere, 'dave-too');
    await joined(watcher, channel, 'dave');
    await joined(watcher, channel, 'erin');
    assert.deepEqual(names(await watcher.commandOk({ op: 'presence', channel })), ['bob', 'dave', 'erin']);

    const killedAt = Date.now();
    await a.kill();
    await watcher.waitUntil(() => pushes(watcher, 'leave', channel).length === 2, {
      label: 'leave pushes of the dead node', timeout: DEAD_NODE_BOUND_MS + MARGIN_MS,
    });
    const took = Date.now() - killedAt;
    assert.ok(took <= DEAD_NODE_BOUND_MS + MARGIN_MS, `the leaves came ${took} ms after the kill`);
    assert.deepEqual(names(await watcher.commandOk({ op: 'presence', channel })), ['bob']);
    const probe = await wsConnect(b.base);
    sockets.push(probe);
    assert.deepEqual((await probe.commandOk({ op: 'presence', channel: elsewhere })).clients, [], 'every channel of the dead node');

    const metrics = (await request(b.base, 'GET', '/metrics')).text;
    assert.ok(metricValue(metrics, 'herald_presence_dead_entries_total') >= 3, 'the cleanup is counted');
    assert.ok(metricValue(metrics, 'herald_presence_dead_nodes_total') >= 1, 'the dead node is counted');
    console.log(`# SIGKILL: the dead node's clients left ${took} ms after the kill (bound ${DEAD_NODE_BOUND_MS} ms)`);
  });
  // A node's first liveness refresh may fail while its connections come up (it tries again 100 ms
  // later); an entry written in that window must still belong to a registered node, or it would outlive
  // the node for ever.
  test('a node killed right after it came up and took a client is out of presence too', { timeout: 60_000 }, async () => {
    const b = nodes[1];
    const channel = uniqueChannel('room:');
    const watcher = await client(b, channel, 'bob', { presence: true });
    for (let round = 0; round < 3; round++) {
      const registeredBefore = await redisCommand(redis.port, ['SMEMBERS', 'herald:nodes']);
      const [young] = await startHeraldNodes(1, { url: redis.url, args: ['--config', path.join(dir, 'herald.toml')] });
      const name = `young-${round}`;
      await client(young, channel, name);
      await joined(watcher, channel, name);
      const registered = await redisCommand(redis.port, ['SMEMBERS', 'herald:nodes']);
      assert.ok(registered.some((id) => !registeredBefore.includes(id)), `the young node is registered once it has an entry (${registeredBefore} → ${registered})`);
      const killedAt = Date.now();
      await young.kill();
      await watcher.waitUntil(() => pushes(watcher, 'leave', channel).length === round + 1, {
        label: `leave push of young node ${round}`, timeout: DEAD_NODE_BOUND_MS + MARGIN_MS,
      });
      console.log(`# young node ${round}: its client left ${Date.now() - killedAt} ms after the kill`);
    }
    assert.deepEqual(names(await watcher.commandOk({ op: 'presence', channel })), ['bob']);
  });
});
