// Presence over HTTP (memory engine): GET /api/presence, SSE streams in presence (with info=), and
// presence=true streams that get the list (`presence` event) and `join` / `leave` events. Driven with
// the `eventsource` npm client, curl-like raw requests and the `ws` client for the other side; then two
// nodes on one real redis-server.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventSource } from 'eventsource';
import { test, describe, before, after } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';
import { openSseReady } from './lib/sse.mjs';
import { startRedis, startHeraldNodes, stopAll, redisSkip } from './lib/redis.mjs';
import { wsConnect } from './lib/ws-client.mjs';
import { request, requestOk, publish } from './lib/http.mjs';
import { uniqueChannel, waitFor, assertErrorBody } from './lib/util.mjs';

// An EventSource that records herald's presence events (and messages) as they come.
function presenceStream(url) {
  const seen = { presence: [], join: [], leave: [], messages: [] };
  const es = new EventSource(url);
  es.addEventListener('presence', (ev) => seen.presence.push(JSON.parse(ev.data)));
  es.addEventListener('join', (ev) => seen.join.push(JSON.parse(ev.data)));
  es.addEventListener('leave', (ev) => seen.leave.push(JSON.parse(ev.data)));
  es.addEventListener('message', (ev) => seen.messages.push({ id: ev.lastEventId, env: JSON.parse(ev.data) }));
  return { es, seen, until: (pred, label) => waitFor(() => pred(seen), { timeout: 10_000, label }) };
}

describe('presence over HTTP', () => {
  let dir;
  let srv;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-presence-http-'));
    const config = path.join(dir, 'herald.toml');
    fs.writeFileSync(config, ['[server]', 'workers = 2', '[[namespace]]', 'prefix = "room:"', 'presence = true', '[presence]', 'max_info_bytes = 64'].join('\n'));
    srv = await startServer({ args: ['--config', config] });
  });
  after(async () => {
    await srv?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('GET /api/presence lists WebSocket and SSE subscribers, who leave when they go', async () => {
    const channel = uniqueChannel('room:');
    assert.deepEqual(await requestOk(srv.base, 'GET', `/api/presence?channel=${channel}`), { channel, clients: [] });
    const ws = await wsConnect(srv.base);
    await ws.commandOk({ op: 'subscribe', channel, info: { name: 'ws' } });
    const sse = presenceStream(`${srv.base}/api/sse?channel=${channel}&info=${encodeURIComponent('{"name":"sse"}')}`);
    await waitFor(async () => (await requestOk(srv.base, 'GET', `/api/presence?channel=${channel}`)).clients.length === 2, { label: 'both present' });
    const listed = await requestOk(srv.base, 'GET', `/api/presence?channel=${channel}`);
    assert.deepEqual(listed.clients.map((c) => c.info.name), ['ws', 'sse']);
    for (const client of listed.clients) assert.match(client.id, /^[0-9a-f]{32}$/);
    assert.equal(listed.you, undefined, 'HTTP has no "you"');
    sse.es.close();
    await ws.closeAndWait();
    await waitFor(async () => (await requestOk(srv.base, 'GET', `/api/presence?channel=${channel}`)).clients.length === 0, { label: 'both gone' });
  });

  test('presence=true streams get the list, then joins and leaves, without moving the cursor', async () => {
    const channel = uniqueChannel('room:');
    const sse = presenceStream(`${srv.base}/api/sse?channel=${channel}&presence=true&info=${encodeURIComponent('{"name":"me"}')}`);
    await sse.until((s) => s.presence.length === 1, 'presence event');
    const first = sse.seen.presence[0];
    assert.equal(first.channel, channel);
    assert.match(first.you, /^[0-9a-f]{32}$/);
    assert.deepEqual(first.clients.map((c) => [c.id, c.info.name]), [[first.you, 'me']]);

    await publish(srv.base, channel, { n: 1 });
    await sse.until((s) => s.messages.length === 1, 'message');
    const ws = await wsConnect(srv.base);
    await ws.commandOk({ op: 'subscribe', channel, info: { name: 'other' } });
    await sse.until((s) => s.join.some((j) => j.client.info?.name === 'other'), 'join event');
    const join = sse.seen.join.find((j) => j.client.info?.name === 'other');
    assert.equal(join.channel, channel);
    const raw = await openSseReady(srv.base, `/api/sse?channel=${channel}&presence=true`);
    await raw.waitFor((x) => x.eventsOf('presence').length === 1, { label: 'raw presence event' });
    await ws.commandOk({ op: 'presence', channel });
    const presenceBlocks = raw.blocks.filter((b) => ['presence', 'join', 'leave'].includes(b.event));
    assert.ok(presenceBlocks.length >= 1);
    assert.ok(presenceBlocks.every((b) => b.id === undefined), 'presence events carry no id: they do not move the resume position');
    raw.close();
    await ws.closeAndWait();
    await sse.until((s) => s.leave.some((l) => l.client.id === join.client.id), 'leave event');
    assert.equal(sse.seen.join.filter((j) => j.client.id === first.you).length, 0, 'its own join is in the list, not an event');
    sse.es.close();
  });

  test('bad presence requests are errors', async () => {
    const plain = uniqueChannel('plain');
    assertErrorBody(await request(srv.base, 'GET', `/api/presence?channel=${plain}`), 400, 'presence_disabled');
    assertErrorBody(await request(srv.base, 'GET', '/api/presence'), 400, 'invalid_field');
    assertErrorBody(await request(srv.base, 'GET', '/api/presence?channel=a%20b'), 400, 'invalid_channel');
    assertErrorBody(await request(srv.base, 'POST', `/api/presence?channel=room:x`), 405, 'method_not_allowed');
    assertErrorBody(await request(srv.base, 'GET', `/api/sse?channel=${plain}&presence=true`), 400, 'presence_disabled');
    assertErrorBody(await request(srv.base, 'GET', `/api/sse?channel=room:x&presence=maybe`), 400, 'invalid_field');
    assertErrorBody(await request(srv.base, 'GET', `/api/sse?channel=room:x&info=${encodeURIComponent('{"a":')}`), 400, 'invalid_field');
    const big = encodeURIComponent(JSON.stringify({ blob: 'x'.repeat(100) }));
    assertErrorBody(await request(srv.base, 'GET', `/api/sse?channel=room:x&info=${big}`), 413, 'too_large');
    const head = await request(srv.base, 'HEAD', `/api/presence?channel=room:x`);
    assert.equal(head.status, 200);
  });

  test('a stream of several channels is present in those that keep presence', async () => {
    const room = uniqueChannel('room:');
    const plain = uniqueChannel('plain');
    const sse = presenceStream(`${srv.base}/api/sse?channel=${plain}&channel=${room}&presence=1`);
    await sse.until((s) => s.presence.length === 1, 'presence event');
    assert.equal(sse.seen.presence[0].channel, room);
    assert.equal((await requestOk(srv.base, 'GET', `/api/presence?channel=${room}`)).clients.length, 1);
    sse.es.close();
  });
});

describe('presence over HTTP with two nodes on one Redis', { skip: redisSkip() }, () => {
  let redis;
  let nodes = [];
  let dir;
  before(async () => {
    redis = await startRedis();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-presence-http-redis-'));
    const config = path.join(dir, 'herald.toml');
    fs.writeFileSync(config, ['[[namespace]]', 'prefix = "room:"', 'presence = true'].join('\n'));
    nodes = await startHeraldNodes(2, { url: redis.url, args: ['--config', config] });
  });
  after(async () => {
    await stopAll(nodes, [redis]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('an SSE stream on one node sees a WebSocket client of the other; /api/presence agrees on both', async () => {
    const channel = uniqueChannel('room:');
    const sse = presenceStream(`${nodes[0].base}/api/sse?channel=${channel}&presence=true`);
    await sse.until((s) => s.presence.length === 1, 'presence event');
    const ws = await wsConnect(nodes[1].base);
    await ws.commandOk({ op: 'subscribe', channel, info: { name: 'remote' } });
    await sse.until((s) => s.join.some((j) => j.client.info?.name === 'remote'), 'join from the other node');
    for (const node of nodes) {
      await waitFor(async () => (await requestOk(node.base, 'GET', `/api/presence?channel=${channel}`)).clients.length === 2, { label: `both listed on ${node.base}` });
    }
    await ws.closeAndWait();
    await sse.until((s) => s.leave.length === 1, 'leave from the other node');
    sse.es.close();
  });
});
