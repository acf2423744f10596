// [[namespace]] bounds: history_size and history_ttl per namespace on the memory engine and on a real
// Redis (the longest prefix wins; Redis trims its own streams), bad values as configuration errors, and
// max_subscribers with two workers over SSE and WebSocket (the N+1th is refused with channel_full, a place
// is free again once a subscriber leaves, long polls are not counted, the count is per node with Redis).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, describe, before, after } from './lib/harness.mjs';
import { execFileSync } from 'node:child_process';
import { HeraldServer, startServer, HERALD_BIN } from './lib/server.mjs';
import { startRedis, waitReady, stopAll, redisSkip, metricValue } from './lib/redis.mjs';
import { request, publishMany, publishBatch, historyOk, longPoll } from './lib/http.mjs';
import { openSse, openSseReady, ssePath } from './lib/sse.mjs';
import { wsConnect, assertWsError } from './lib/ws-client.mjs';
import { runHerald } from './lib/cli.mjs';
import { uniqueChannel, waitFor } from './lib/util.mjs';

let tmp;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-namespaces-'));
});
after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** A TOML file with these lines in the temporary folder; returns its path. */
function tomlFile(name, lines) {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const HISTORY_CONFIG = [
  '[history]',
  'size = 50',
  '',
  '[[namespace]]',
  'prefix = "short:"',
  'history_size = 3',
  '',
  '[[namespace]]',
  'prefix = "short:long:"',
  'history_size = 5',
  '',
  '[[namespace]]',
  'prefix = "brief:"',
  'history_ttl = 1',
];

test('bad namespace bounds stop herald with exit 2 and FILE:LINE:COLUMN', { timeout: 20_000 }, async () => {
  const cases = [
    [['history_size = 0'], ':3:16: namespace.history_size: must be at least 1'],
    [['history_ttl = -2'], ':3:15: namespace.history_ttl: expected a non-negative number of seconds, got -2'],
    [['max_subscribers = "ten"'], ':3:19: namespace.max_subscribers: expected a non-negative integer, got "ten"'],
    [['max_subscriber = 1'], ':3:1: namespace.max_subscriber: unknown setting (did you mean namespace.max_subscribers?)'],
  ];
  for (const [i, [lines, expected]] of cases.entries()) {
    const file = tomlFile(`bad-${i}.toml`, ['[[namespace]]', 'prefix = "a:"', ...lines]);
    const out = await runHerald(['serve', '--workers', '1', '--config', file], { timeout: 10_000 });
    assert.equal(out.code, 2, `${lines}: exit ${out.code}\n${out.stderr}`);
    assert.equal(out.stderr.trim(), `herald: configuration error: ${file}${expected}`);
  }
});

/** The offsets /api/history returns for `channel` (up to 100 messages). */
async function keptOffsets(base, channel) {
  return (await historyOk(base, channel, { limit: 100 })).messages.map((m) => m.offset);
}

/** The history checks, on a server (or node) started with HISTORY_CONFIG; `streamLength` reads Redis. */
function historyTests(label, server, streamLength) {
  test(`${label}: each namespace keeps its history_size, the longest prefix winning`, { timeout: 30_000 }, async () => {
    const id = uniqueChannel('h');
    const channels = { short: `short:${id}`, long: `short:long:${id}`, other: `other:${id}` };
    for (const channel of Object.values(channels)) await publishMany(server().base, channel, 8, { batchSize: 4 });
    assert.deepEqual(await keptOffsets(server().base, channels.short), [6, 7, 8]);
    assert.deepEqual(await keptOffsets(server().base, channels.long), [4, 5, 6, 7, 8]);
    assert.deepEqual(await keptOffsets(server().base, channels.other), [1, 2, 3, 4, 5, 6, 7, 8]);
    if (streamLength) {
      assert.equal(await streamLength(channels.short), 3, 'Redis trims the stream itself');
      assert.equal(await streamLength(channels.long), 5);
    }
    const { cursor } = await historyOk(server().base, channels.short, { limit: 1 });
    const epoch = cursor.split(':')[0];
    const behind = await historyOk(server().base, channels.short, { since: `${epoch}:2` });
    assert.ok(behind.gap, `a resume behind the kept history gets a gap: ${JSON.stringify(behind)}`);
    assert.deepEqual(behind.messages.map((m) => m.offset), [6, 7, 8]);
  });

  test(`${label}: a namespace's history_ttl expires its messages, others keep history.ttl`, { timeout: 30_000 }, async () => {
    const id = uniqueChannel('t');
    const brief = `brief:${id}`;
    const lasting = `lasting:${id}`;
    await publishMany(server().base, lasting, 2);
    await publishMany(server().base, brief, 2);
    assert.deepEqual(await keptOffsets(server().base, brief), [1, 2]);
    const started = Date.now();
    await waitFor(async () => (await keptOffsets(server().base, brief)).length === 0, {
      timeout: 5000,
      interval: 100,
      label: `${brief} history expired`,
    });
    assert.ok(Date.now() - started >= 500, 'messages stay for about history_ttl = 1 s');
    assert.deepEqual(await keptOffsets(server().base, lasting), [1, 2]);
    const after = await historyOk(server().base, brief, { limit: 1 });
    assert.match(after.cursor, /:2$/, 'the offsets stay after the messages expired');
  });
}

describe('namespace history on the memory engine', () => {
  let srv;
  before(async () => {
    srv = await startServer({ args: ['--config', tomlFile('memory.toml', HISTORY_CONFIG)], label: 'ns-memory' });
  });
  after(async () => {
    await srv?.stop();
  });
  historyTests('memory', () => srv);
});

describe('namespace history on the Redis engine', { skip: redisSkip() }, () => {
  let redis;
  let node;
  before(async () => {
    redis = await startRedis();
    node = new HeraldServer({
      args: ['--config', tomlFile('redis.toml', HISTORY_CONFIG)],
      env: { HERALD_ENGINE_TYPE: 'redis', HERALD_ENGINE_URL: redis.url },
      label: 'ns-redis',
    });
    await node.start();
    await waitReady(node);
  });
  after(async () => {
    await stopAll([node], [redis]);
  });
  historyTests('redis', () => node, (channel) => redis.command('XLEN', `herald:{${channel}}:s`));
});

// ---------------------------------------------------------------------------------------------------------
// max_subscribers

const LIMIT = 2;
const LIMIT_CONFIG = ['[[namespace]]', 'prefix = "few:"', `max_subscribers = ${LIMIT}`];

/** Opens an SSE stream on `channel`: {status, stream, body} (the body of a refusal, parsed). */
async function trySse(base, channel) {
  const stream = await openSse(base, ssePath(channel));
  if (stream.status === 200) {
    await stream.waitFor((s) => s.raw.startsWith('retry:'), { label: 'SSE retry: line' });
    return { status: 200, stream };
  }
  await stream.done;
  return { status: stream.status, body: JSON.parse(stream.raw) };
}

async function refusedMetric(base) {
  const res = await request(base, 'GET', '/metrics');
  return metricValue(res.text, 'herald_subscribe_refused_total', 'reason="channel_full"');
}

describe('max_subscribers with two workers', () => {
  let srv;
  const open = [];
  before(async () => {
    srv = await startServer({ args: ['--config', tomlFile('limit.toml', LIMIT_CONFIG)], workers: 2, label: 'ns-limit' });
  });
  after(async () => {
    for (const item of open) {
      if (typeof item.terminate === 'function') item.terminate();
      else item.close();
    }
    await srv?.stop();
  });
  const keep = (item) => {
    open.push(item);
    return item;
  };

  test('SSE: the third stream gets 403 channel_full; after one leaves a new one is admitted', { timeout: 30_000 }, async () => {
    const channel = `few:${uniqueChannel('sse')}`;
    const refusedBefore = await refusedMetric(srv.base);
    const first = await trySse(srv.base, channel);
    const second = await trySse(srv.base, channel);
    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    keep(first.stream);
    keep(second.stream);
    const third = await trySse(srv.base, channel);
    assert.equal(third.status, 403);
    assert.equal(third.body.error.code, 'channel_full');
    assert.ok(third.body.error.message.includes(channel), third.body.error.message);
    assert.ok(third.body.error.message.includes(String(LIMIT)), third.body.error.message);
    assert.equal(await refusedMetric(srv.base), refusedBefore + 1);
    assert.equal((await trySse(srv.base, `few:${uniqueChannel('other')}`)).status, 200, 'another channel has its own count');

    const poll = await longPoll(srv.base, channel, { timeout: 0.2 });
    assert.equal(poll.res.status, 200, 'a long poll is not counted');

    first.stream.close();
    const admitted = await waitFor(
      async () => {
        const attempt = await trySse(srv.base, channel);
        return attempt.status === 200 ? attempt : null;
      },
      { timeout: 5000, interval: 50, label: 'a stream admitted after one left' },
    );
    keep(admitted.stream);
    assert.equal((await trySse(srv.base, channel)).status, 403, 'full again');
  });

  test('SSE with several channels: one full channel refuses the stream and holds no place on the others', { timeout: 30_000 }, async () => {
    const full = `few:${uniqueChannel('full')}`;
    const free = `few:${uniqueChannel('free')}`;
    for (let i = 0; i < LIMIT; i++) keep((await trySse(srv.base, full)).stream);
    const both = await openSse(srv.base, ssePath([free, full]));
    await both.done;
    assert.equal(both.status, 403);
    assert.equal(JSON.parse(both.raw).error.code, 'channel_full');
    for (let i = 0; i < LIMIT; i++) {
      const attempt = await trySse(srv.base, free);
      assert.equal(attempt.status, 200, `place ${i + 1} on ${free}`);
      keep(attempt.stream);
    }
  });

  test('WebSocket: the third subscribe gets channel_full, the connection stays; unsubscribe and close free a place', { timeout: 30_000 }, async () => {
    const channel = `few:${uniqueChannel('ws')}`;
    const a = keep(await wsConnect(srv.base));
    const b = keep(await wsConnect(srv.base));
    const c = keep(await wsConnect(srv.base));
    await a.subscribe(channel);
    await b.subscribe(channel);
    const refused = await c.command({ id: 'third', op: 'subscribe', channel });
    assertWsError(refused, 'channel_full', 'third');
    assert.ok(refused.error.message.includes(channel), refused.error.message);
    await c.commandOk({ op: 'ping' });
    await c.subscribe(`few:${uniqueChannel('other')}`);

    await a.commandOk({ op: 'unsubscribe', channel });
    await c.subscribe(channel);
    assertWsError(await a.command({ op: 'subscribe', channel }), 'channel_full');

    await b.closeAndWait();
    await waitFor(async () => (await a.command({ op: 'subscribe', channel })).ok === true, {
      timeout: 5000,
      interval: 50,
      label: 'a subscribe admitted after a connection closed',
    });
  });

  test('SSE and WebSocket share the count', { timeout: 30_000 }, async () => {
    const channel = `few:${uniqueChannel('mixed')}`;
    const ws = keep(await wsConnect(srv.base));
    await ws.subscribe(channel);
    keep((await trySse(srv.base, channel)).stream);
    assert.equal((await trySse(srv.base, channel)).status, 403);
    const other = keep(await wsConnect(srv.base));
    assertWsError(await other.command({ op: 'subscribe', channel }), 'channel_full');
  });

  test('many clients at once over both workers: exactly max_subscribers are admitted', { timeout: 30_000 }, async () => {
    const channel = `few:${uniqueChannel('race')}`;
    const clients = await Promise.all(Array.from({ length: 8 }, () => wsConnect(srv.base)));
    clients.forEach(keep);
    const replies = await Promise.all(clients.map((client) => client.command({ op: 'subscribe', channel })));
    assert.equal(replies.filter((r) => r.ok === true).length, LIMIT, JSON.stringify(replies));
    for (const r of replies.filter((x) => x.ok !== true)) assertWsError(r, 'channel_full');
    const streams = await Promise.all(Array.from({ length: 6 }, () => trySse(srv.base, channel)));
    streams.forEach((s) => s.stream && keep(s.stream));
    assert.deepEqual(streams.map((s) => s.status), Array(6).fill(403));
    for (const client of clients) client.terminate();
    const sseChannel = `few:${uniqueChannel('race-sse')}`;
    const racing = await Promise.all(Array.from({ length: 8 }, () => trySse(srv.base, sseChannel)));
    racing.forEach((s) => s.stream && keep(s.stream));
    assert.equal(racing.filter((s) => s.status === 200).length, LIMIT);
  });
});

describe('max_subscribers: a place is free as soon as its subscription ends', () => {
  const SECRET = 'namespaces-secret';
  let srv;
  const open = [];
  before(async () => {
    const config = tomlFile('limit-ends.toml', [
      '[auth]',
      `hmac_secret = "${SECRET}"`,
      'leeway = 0',
      '[limits]',
      'queue_bytes = 65536',
      '[[namespace]]',
      'prefix = "one:"',
      'anonymous_subscribe = true',
      'max_subscribers = 1',
    ]);
    srv = await startServer({ args: ['--config', config], workers: 2, label: 'ns-limit-ends' });
  });
  after(async () => {
    for (const item of open) {
      if (typeof item.terminate === 'function') item.terminate();
      else item.close();
    }
    await srv?.stop();
  });
  const token = (ttl) =>
    execFileSync(HERALD_BIN, ['token', '--secret', SECRET, '--channel', 'one:*', '--ttl', String(ttl)], { encoding: 'utf8' }).trim();

  test('an SSE stream dropped as a slow consumer frees its place while its socket is still open', { timeout: 60_000 }, async () => {
    const channel = `one:${uniqueChannel('slow')}`;
    const slow = await openSseReady(srv.base, ssePath(channel));
    open.push(slow);
    slow.pause();
    assert.equal((await trySse(srv.base, channel)).status, 403);
    const chunk = 'x'.repeat(60_000);
    let dropped = false;
    for (let b = 0; b < 28 && !dropped; b += 1) {
      await publishBatch(srv.base, Array.from({ length: 14 }, () => ({ channel, data: chunk })));
      const m = await request(srv.base, 'GET', '/metrics');
      dropped = metricValue(m.text, 'herald_slow_consumer_disconnects_total') >= 1;
    }
    assert.ok(dropped, 'the paused stream was dropped as a slow consumer');
    assert.equal(slow.ended, false, 'the paused client has not seen the end yet');
    const next = await trySse(srv.base, channel);
    assert.equal(next.status, 200, 'admitted while the dropped stream still waits for its last words to be read');
    open.push(next.stream);
  });

  test('an SSE stream whose token expires frees its place', { timeout: 30_000 }, async () => {
    const channel = `one:${uniqueChannel('sse-exp')}`;
    const expiring = await openSseReady(srv.base, ssePath(channel, { token: token(2) }));
    open.push(expiring);
    assert.equal((await trySse(srv.base, channel)).status, 403);
    await expiring.waitFor((x) => x.eventsOf('close').length === 1, { timeout: 8000, label: 'close event' });
    assert.deepEqual(JSON.parse(expiring.eventsOf('close')[0].data), { reason: 'token_expired' });
    const next = await trySse(srv.base, channel);
    assert.equal(next.status, 200);
    open.push(next.stream);
  });

  test('a WebSocket closed for an expired token frees its places', { timeout: 30_000 }, async () => {
    const channel = `one:${uniqueChannel('ws-exp')}`;
    const expiring = await wsConnect(srv.base, { path: `/api/ws?token=${token(2)}` });
    open.push(expiring);
    await expiring.subscribe(channel);
    const waiting = await wsConnect(srv.base);
    open.push(waiting);
    assertWsError(await waiting.command({ op: 'subscribe', channel }), 'channel_full');
    const closed = await expiring.waitClose({ timeout: 8000 });
    assert.equal(closed.code, 4001);
    await waiting.subscribe(channel);
  });
});

describe('max_subscribers with the Redis engine is per node', { skip: redisSkip() }, () => {
  let redis;
  const nodes = [];
  const open = [];
  before(async () => {
    redis = await startRedis();
    const config = tomlFile('limit-redis.toml', ['[[namespace]]', 'prefix = "one:"', 'max_subscribers = 1']);
    for (let i = 0; i < 2; i++) {
      const node = new HeraldServer({
        args: ['--config', config],
        env: { HERALD_ENGINE_TYPE: 'redis', HERALD_ENGINE_URL: redis.url },
        label: `ns-limit-node${i}`,
      });
      nodes.push(node);
      await node.start();
      await waitReady(node);
    }
  });
  after(async () => {
    for (const stream of open) stream.close();
    await stopAll(nodes, [redis]);
  });

  test('each node admits max_subscribers of its own', { timeout: 30_000 }, async () => {
    const channel = `one:${uniqueChannel('nodes')}`;
    for (const node of nodes) {
      const admitted = await openSseReady(node.base, ssePath(channel));
      open.push(admitted);
      const refused = await trySse(node.base, channel);
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.code, 'channel_full');
    }
  });
});
