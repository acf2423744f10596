// herald-client's signaling rooms against the real herald binary (Node, `ws` injected): join and the
// peers list, peer_joined / peer_left, signals both ways, refusals, leaving, and the rejoin after a
// server restart (a new id, the peers list brought up to date), and the rejoin while herald still holds
// the place of the client's old, half-open connection (room_full, retried until herald lets it go).
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { Herald, HeraldError } from '../../src/index.js';
import { closeClients, eventually, heraldMissing, startServer, tracked } from '../lib/herald.mjs';
import { startProxy } from '../lib/proxy.mjs';

const FAST = { backoff: { base: 100, cap: 500 }, WebSocket, transports: ['websocket'] };

/** herald with rooms of two peers under "call:" (presence on), its config in a temporary folder. */
async function startRoomServer(label, env = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-client-rooms-'));
  const config = path.join(dir, 'herald.toml');
  fs.writeFileSync(config, ['[[namespace]]', 'prefix = "call:"', 'presence = true', '[signaling]', 'max_peers = 2'].join('\n'));
  return { server: await startServer({ args: ['--config', config], env, label }), dir };
}

async function stopRoomServer(server, dir) {
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

function member(base, room, extra = {}, options = {}) {
  const herald = tracked(new Herald(base, { ...FAST, ...options }));
  const seen = { joined: [], came: [], went: [], signals: [] };
  const handle = herald.join(room, {
    ...extra,
    onJoined: (j) => seen.joined.push(j),
    onPeerJoined: (p) => seen.came.push(p),
    onPeerLeft: (p) => seen.went.push(p),
    onSignal: (s) => seen.signals.push(s),
  });
  return { herald, room: handle, seen };
}

describe('herald-client rooms', { skip: heraldMissing }, () => {
  let server;
  let dir;
  let n = 0;
  afterEach(closeClients);
  const roomName = () => `call:client-${process.pid}-${(n += 1)}`;
  before(async () => {
    ({ server, dir } = await startRoomServer('client-rooms'));
  });
  after(() => stopRoomServer(server, dir));

  test('two members see each other and signal both ways; leaving is seen', async () => {
    const name = roomName();
    const a = member(server.base, name, { info: { name: 'Ann' } });
    const joinedA = await a.room.ready;
    assert.deepEqual(joinedA.peers, []);
    assert.equal(a.room.you, joinedA.you);
    const b = member(server.base, name, { info: { name: 'Bob' } });
    const joinedB = await b.room.ready;
    assert.deepEqual(joinedB.peers.map((p) => p.info.name), ['Ann']);
    await eventually(() => a.seen.came.length === 1, 'a hears of b');
    assert.equal(a.seen.came[0].id, joinedB.you);
    assert.deepEqual(a.room.peers.map((p) => p.id), [joinedB.you]);

    await b.room.signal(joinedA.you, { type: 'offer', sdp: 'v=0' });
    await eventually(() => a.seen.signals.length === 1, 'a gets the offer');
    assert.deepEqual(a.seen.signals[0], { from: joinedB.you, data: { type: 'offer', sdp: 'v=0' } });
    await a.room.signal(joinedB.you, { type: 'answer' });
    await eventually(() => b.seen.signals.length === 1, 'b gets the answer');

    await assert.rejects(a.room.signal('0'.repeat(32), 1), (err) => err instanceof HeraldError && err.code === 'unknown_peer');
    b.room.leave();
    await eventually(() => a.seen.went.length === 1, 'a sees b leave');
    assert.deepEqual(a.room.peers, []);
    await assert.rejects(b.room.signal(joinedA.you, 1), (err) => err.code === 'not_joined');
    a.herald.close();
    b.herald.close();
  });

  test('a full room and a room without presence reject ready; rooms need the WebSocket', async () => {
    const name = roomName();
    const a = member(server.base, name);
    const b = member(server.base, name);
    await a.room.ready;
    await b.room.ready;
    const c = member(server.base, name);
    await assert.rejects(c.room.ready, (err) => err.code === 'room_full');
    const d = member(server.base, `plain-${process.pid}`);
    await assert.rejects(d.room.ready, (err) => err.code === 'presence_disabled');
    const sseOnly = tracked(new Herald(server.base, { ...FAST, transports: ['sse'] }));
    assert.throws(() => sseOnly.join(name), (err) => err.code === 'websocket_required');
    assert.throws(() => a.herald.join(name), (err) => err.code === 'already_joined');
    for (const x of [a, b, c, d]) x.herald.close();
    sseOnly.close();
  });

  test('after a server restart each member joins again with a new id and sees the other again', async () => {
    const name = roomName();
    const a = member(server.base, name);
    const first = await a.room.ready;
    const b = member(server.base, name);
    await b.room.ready;
    await server.restart();
    await eventually(() => a.seen.joined.length >= 2 && b.seen.joined.length >= 2, 'both rejoined', 20_000);
    await eventually(() => a.room.peers.length === 1 && b.room.peers.length === 1, 'they see each other again', 20_000);
    assert.notEqual(a.room.you, first.you, 'a new id after the reconnect');
    assert.equal(a.room.peers[0].id, b.room.you);
    await a.room.signal(b.room.you, 'after restart');
    await eventually(() => b.seen.signals.some((s) => s.data === 'after restart'), 'signal after the restart');
    a.herald.close();
    b.herald.close();
  });
});

describe('herald-client rooms after a half-open connection', { skip: heraldMissing }, () => {
  let server;
  let dir;
  afterEach(closeClients);
  before(async () => {
    // herald lets a silent connection go after 3 s (it pings after 1 s of silence).
    ({ server, dir } = await startRoomServer('client-rooms-half-open', { HERALD_WS_PING_INTERVAL: '1', HERALD_WS_IDLE_TIMEOUT: '3' }));
  });
  after(() => stopRoomServer(server, dir));

  test('a rejoin refused with room_full while herald holds the old place is retried until the place is free', async () => {
    const proxy = await startProxy(server.base);
    try {
      const name = `call:half-open-${process.pid}`;
      // a notices the frozen connection within 0.6 s and rejoins long before herald drops the old one.
      const a = member(proxy.base, name, {}, { pingInterval: 300, pingTimeout: 300 });
      const first = await a.room.ready;
      const b = member(server.base, name);
      await b.room.ready;
      const errors = [];
      a.herald.on('error', (e) => errors.push(e));
      proxy.freezeWebSockets();
      await eventually(() => a.seen.joined.length >= 2, 'a joined again', 20_000);
      assert.notEqual(a.room.you, first.you);
      assert.deepEqual(a.room.peers.map((p) => p.id), [b.room.you]);
      await eventually(() => b.room.peers.length === 1 && b.room.peers[0].id === a.room.you, 'b sees the new a', 10_000);
      assert.deepEqual(b.seen.went.map((p) => p.id), [first.you], 'the old connection left once herald let it go');
      assert.deepEqual(b.seen.came.map((p) => p.id), [a.room.you], 'b never heard of the refused attempts');
      assert.deepEqual(errors, []);
      await a.room.signal(b.room.you, 'back');
      await eventually(() => b.seen.signals.some((s) => s.data === 'back'), 'b gets the signal');
    } finally {
      await proxy.close();
    }
  });
});
