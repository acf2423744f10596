// Presence over WebSocket (memory engine): who is subscribed to a channel of a namespace with
// `presence = true`, join/leave pushes for subscribers that ask for them, the `presence` op, client info
// from the token or the client (bounded), unguessable ids, and the errors for a channel without presence.
// presence-redis.test.mjs checks presence on the Redis engine, across nodes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, describe, before, after } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';
import { wsConnect, assertWsError } from './lib/ws-client.mjs';
import { uniqueChannel } from './lib/util.mjs';

describe('presence', () => {
  let dir;
  let srv;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-presence-'));
    const config = path.join(dir, 'herald.toml');
    fs.writeFileSync(config, ['[[namespace]]', 'prefix = "room:"', 'presence = true', '[presence]', 'max_info_bytes = 64'].join('\n'));
    srv = await startServer({ args: ['--config', config] });
  });
  after(async () => {
    await srv?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const pushes = (ws, op, channel) => ws.frames.map((f) => f.json).filter((j) => j && j.op === op && j.channel === channel);

  test('subscribers appear in presence; joins and leaves reach those that ask', async () => {
    const channel = uniqueChannel('room:');
    const watcher = await wsConnect(srv.base);
    await watcher.commandOk({ op: 'subscribe', channel, presence: true, info: { name: 'watcher' } });
    const alice = await wsConnect(srv.base);
    await alice.commandOk({ op: 'subscribe', channel, info: { name: 'Alice' } });
    await watcher.waitUntil(() => pushes(watcher, 'join', channel).find((p) => p.client.info?.name === 'Alice'), { label: 'join push' });
    const join = pushes(watcher, 'join', channel).find((p) => p.client.info?.name === 'Alice');
    assert.match(join.client.id, /^[0-9a-f]{32}$/);
    assert.equal(join.client.user, null);

    const listed = await alice.commandOk({ op: 'presence', channel });
    assert.equal(listed.channel, channel);
    assert.deepEqual(listed.clients.map((c) => c.info.name), ['watcher', 'Alice'], 'in the order they joined');
    assert.equal(listed.you, join.client.id, 'the op tells the client its own id');
    assert.equal(pushes(alice, 'join', channel).length, 0, 'no pushes without presence: true');

    await alice.closeAndWait();
    await watcher.waitUntil(() => pushes(watcher, 'leave', channel).find((p) => p.client.id === join.client.id), { label: 'leave push' });
    const after = await watcher.commandOk({ op: 'presence', channel });
    assert.deepEqual(after.clients.map((c) => c.info.name), ['watcher']);
    await watcher.commandOk({ op: 'unsubscribe', channel });
    const other = await wsConnect(srv.base);
    assert.deepEqual((await other.commandOk({ op: 'presence', channel })).clients, [], 'unsubscribing leaves too');
    await other.closeAndWait();
    await watcher.closeAndWait();
  });

  test('bad presence input and channels without presence are errors', async () => {
    const ws = await wsConnect(srv.base);
    assertWsError(await ws.command({ op: 'presence', channel: uniqueChannel('plain') }), 'presence_disabled');
    assertWsError(await ws.command({ op: 'subscribe', channel: uniqueChannel('room:'), info: { blob: 'x'.repeat(100) } }), 'too_large');
    assertWsError(await ws.command({ op: 'subscribe', channel: uniqueChannel('room:'), presence: 'yes' }), 'invalid_field');
    assert.equal((await ws.command({ op: 'ping' })).ok, true, 'the connection stays');
    await ws.closeAndWait();
  });
});
