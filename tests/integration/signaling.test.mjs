// WebRTC signaling over the WebSocket protocol (memory engine, two workers so that peers sit on
// different threads): `join` a room (a channel with presence) and get its peers, peer_joined /
// peer_left pushes, `signal` relayed only to a peer of the same room, and the limits (room size,
// signal size, signal rate) with their errors; then peers on two nodes sharing one real redis-server.
// Driven with the `ws` npm client.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, describe, before, after } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';
import { wsConnect, assertWsError } from './lib/ws-client.mjs';
import { uniqueChannel } from './lib/util.mjs';
import { request, requestOk } from './lib/http.mjs';
import { startRedis, startHeraldNodes, stopAll, redisSkip } from './lib/redis.mjs';

describe('signaling', () => {
  let dir;
  let srv;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-signaling-'));
    const config = path.join(dir, 'herald.toml');
    fs.writeFileSync(
      config,
      [
        '[server]', 'workers = 2',
        '[[namespace]]', 'prefix = "call:"', 'presence = true',
        '[signaling]', 'max_peers = 3', 'max_signal_bytes = 2048', 'signal_rate = 5', 'signal_burst = 10',
      ].join('\n'),
    );
    srv = await startServer({ args: ['--config', config] });
  });
  after(async () => {
    await srv?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const opsOf = (ws, op) => ws.frames.map((f) => f.json).filter((j) => j && j.op === op);
  // Several connections, so that the two workers each get some.
  const connectMany = (n) => Promise.all(Array.from({ length: n }, () => wsConnect(srv.base)));

  test('join lists the peers already there; the others hear of joins and leaves', async () => {
    const room = uniqueChannel('call:');
    const [a, b] = await connectMany(2);
    const joinedA = await a.commandOk({ op: 'join', room, info: { name: 'Ann' } });
    assert.equal(joinedA.room, room);
    assert.match(joinedA.you, /^[0-9a-f]{32}$/, 'peer ids are 128 random bits');
    assert.deepEqual(joinedA.peers, []);

    const joinedB = await b.commandOk({ op: 'join', room, info: { name: 'Bob' } });
    assert.deepEqual(joinedB.peers.map((p) => [p.id, p.info.name]), [[joinedA.you, 'Ann']]);
    assert.notEqual(joinedB.you, joinedA.you);
    await a.waitUntil(() => opsOf(a, 'peer_joined').length === 1, { label: 'peer_joined at a' });
    const pushed = opsOf(a, 'peer_joined')[0];
    assert.deepEqual(pushed, { op: 'peer_joined', room, peer: { id: joinedB.you, user: null, info: { name: 'Bob' } } });
    assert.equal(opsOf(b, 'peer_joined').length, 0, 'no push of peers the reply already listed, nor of oneself');

    await b.commandOk({ op: 'leave', room });
    await a.waitUntil(() => opsOf(a, 'peer_left').length === 1, { label: 'peer_left at a' });
    assert.equal(opsOf(a, 'peer_left')[0].peer.id, joinedB.you);
    await b.commandOk({ op: 'join', room });
    await a.waitUntil(() => opsOf(a, 'peer_joined').length === 2, { label: 'second peer_joined' });
    await b.closeAndWait();
    await a.waitUntil(() => opsOf(a, 'peer_left').length === 2, { label: 'closing leaves the room' });
    await a.closeAndWait();
  });

  test('signals reach only the peer they name, with the sender and the data intact', async () => {
    const room = uniqueChannel('call:');
    const [a, b, c] = await connectMany(3);
    const idA = (await a.commandOk({ op: 'join', room })).you;
    const idB = (await b.commandOk({ op: 'join', room })).you;
    const idC = (await c.commandOk({ op: 'join', room })).you;
    const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n', unicode: 'ü ✓ \u{1F600}' };
    await a.commandOk({ op: 'signal', room, to: idB, data: offer });
    await b.waitUntil(() => opsOf(b, 'signal').length === 1, { label: 'signal at b' });
    assert.deepEqual(opsOf(b, 'signal')[0], { op: 'signal', room, from: idA, data: offer });
    await b.commandOk({ op: 'signal', room, to: idA, data: { type: 'answer', sdp: 'v=0' } });
    await a.waitUntil(() => opsOf(a, 'signal').length === 1, { label: 'answer at a' });
    assert.equal(opsOf(a, 'signal')[0].from, idB);
    for (let i = 0; i < 5; i += 1) await c.commandOk({ op: 'signal', room, to: idA, data: { candidate: i } });
    await a.waitUntil(() => opsOf(a, 'signal').length === 6, { label: 'candidates at a' });
    assert.deepEqual(opsOf(a, 'signal').slice(1).map((s) => s.data.candidate), [0, 1, 2, 3, 4], 'in order');
    assert.equal(opsOf(c, 'signal').length, 0, 'c was sent nothing');
    assert.equal(opsOf(b, 'signal').length, 1, 'b got only its own');
    for (const ws of [a, b, c]) await ws.closeAndWait();
  });

  test('a peer of another room, an unknown id, oneself and a room not joined are refused', async () => {
    const room = uniqueChannel('call:');
    const other = uniqueChannel('call:');
    const [a, b, x] = await connectMany(3);
    const idA = (await a.commandOk({ op: 'join', room })).you;
    const idB = (await b.commandOk({ op: 'join', room })).you;
    const idX = (await x.commandOk({ op: 'join', room: other })).you;
    assertWsError(await a.command({ op: 'signal', room, to: idX, data: 'hi' }), 'unknown_peer');
    assertWsError(await x.command({ op: 'signal', room: other, to: idA, data: 'hi' }), 'unknown_peer');
    assertWsError(await x.command({ op: 'signal', room, to: idA, data: 'hi' }), 'not_joined');
    assertWsError(await a.command({ op: 'signal', room, to: 'f'.repeat(32), data: 'hi' }), 'unknown_peer');
    assertWsError(await a.command({ op: 'signal', room, to: idA, data: 'hi' }), 'unknown_peer');
    assertWsError(await a.command({ op: 'leave', room: other }), 'not_joined');
    assertWsError(await a.command({ op: 'join', room }), 'already_joined');
    assertWsError(await a.command({ op: 'join', room: uniqueChannel('plain') }), 'presence_disabled');
    assertWsError(await a.command({ op: 'signal', room, to: idB }), 'invalid_field');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(opsOf(x, 'signal').length + opsOf(a, 'signal').length + opsOf(b, 'signal').length, 0, 'nothing was relayed');
    await b.closeAndWait();
    await a.waitUntil(() => opsOf(a, 'peer_left').length === 1, { label: 'b left' });
    assertWsError(await a.command({ op: 'signal', room, to: idB, data: 'late' }), 'unknown_peer', undefined);
    assert.equal((await a.command({ op: 'ping' })).ok, true, 'the connection stays');
    for (const ws of [a, x]) await ws.closeAndWait();
  });

  test('room size, signal size and signal rate have their limits', async () => {
    const room = uniqueChannel('call:');
    const peers = await connectMany(4);
    const ids = [];
    for (const ws of peers.slice(0, 3)) ids.push((await ws.commandOk({ op: 'join', room })).you);
    const refused = await peers[3].command({ op: 'join', room });
    assertWsError(refused, 'room_full');
    await new Promise((r) => setTimeout(r, 200));
    for (const member of peers.slice(0, 3)) {
      const strangers = [...opsOf(member, 'peer_joined'), ...opsOf(member, 'peer_left')].filter((p) => !ids.includes(p.peer.id));
      assert.deepEqual(strangers, [], 'the members never hear of a refused joiner');
    }
    const listed = await requestOk(srv.base, 'GET', `/api/presence?channel=${room}`);
    assert.equal(listed.clients.length, 3, 'the refused one is not present');

    const [a, b] = peers;
    assertWsError(await a.command({ op: 'signal', room, to: ids[1], data: 'x'.repeat(3000) }), 'too_large');
    let accepted = 0;
    let limited;
    for (let i = 0; i < 30 && !limited; i += 1) {
      const reply = await a.command({ op: 'signal', room, to: ids[1], data: { i } });
      if (reply.ok) accepted += 1;
      else limited = reply;
    }
    assertWsError(limited, 'rate_limited');
    assert.ok(limited.error.retry_after > 0, JSON.stringify(limited));
    assert.ok(accepted >= 10 && accepted <= 12, `burst of 10 (took ${accepted})`);
    await b.waitUntil(() => opsOf(b, 'signal').length === accepted, { label: 'every accepted signal arrives' });
    assert.deepEqual(opsOf(b, 'signal').map((s) => s.data.i), [...Array(accepted).keys()]);
    const metrics = (await request(srv.base, 'GET', '/metrics')).text;
    const relayed = Number(/herald_signals_relayed_total (\d+)/.exec(metrics)[1]);
    assert.ok(relayed >= accepted, metrics);
    for (const ws of peers) await ws.closeAndWait();
  });

  test('two peers joining at once each see the other', async () => {
    for (let round = 0; round < 10; round += 1) {
      const room = uniqueChannel('call:');
      const [a, b] = await connectMany(2);
      const [ra, rb] = await Promise.all([a.commandOk({ op: 'join', room }), b.commandOk({ op: 'join', room })]);
      const knows = (ws, reply, other) => () =>
        reply.peers.some((p) => p.id === other) || opsOf(ws, 'peer_joined').some((p) => p.peer.id === other);
      await a.waitUntil(knows(a, ra, rb.you), { label: `a knows b (round ${round})` });
      await b.waitUntil(knows(b, rb, ra.you), { label: `b knows a (round ${round})` });
      const seenByA = ra.peers.filter((p) => p.id === rb.you).length + opsOf(a, 'peer_joined').filter((p) => p.peer.id === rb.you).length;
      assert.equal(seenByA, 1, 'told once');
      await a.commandOk({ op: 'signal', room, to: rb.you, data: round });
      await b.waitUntil(() => opsOf(b, 'signal').length === 1, { label: 'signal after a race' });
      await a.closeAndWait();
      await b.closeAndWait();
    }
  });
});

describe('signaling across two herald nodes on one Redis', { skip: redisSkip() }, () => {
  let redis;
  let nodes = [];
  let dir;
  before(async () => {
    redis = await startRedis();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-signaling-redis-'));
    const config = path.join(dir, 'herald.toml');
    fs.writeFileSync(config, ['[[namespace]]', 'prefix = "call:"', 'presence = true', '[signaling]', 'max_peers = 2'].join('\n'));
    nodes = await startHeraldNodes(2, { url: redis.url, args: ['--config', config] });
  });
  after(async () => {
    await stopAll(nodes, [redis]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('peers on different nodes see each other, signal each other, and share the room size', async () => {
    const room = uniqueChannel('call:');
    const a = await wsConnect(nodes[0].base);
    const b = await wsConnect(nodes[1].base);
    const idA = (await a.commandOk({ op: 'join', room })).you;
    const joinedB = await b.commandOk({ op: 'join', room });
    assert.deepEqual(joinedB.peers.map((p) => p.id), [idA], 'b on node 2 finds a of node 1');
    await a.waitUntil(() => a.frames.some((f) => f.json?.op === 'peer_joined' && f.json.peer.id === joinedB.you), { label: 'peer_joined across nodes' });
    await b.commandOk({ op: 'signal', room, to: idA, data: { type: 'offer' } });
    await a.waitUntil(() => a.frames.some((f) => f.json?.op === 'signal' && f.json.from === joinedB.you), { label: 'signal across nodes' });
    await a.commandOk({ op: 'signal', room, to: joinedB.you, data: { type: 'answer' } });
    await b.waitUntil(() => b.frames.some((f) => f.json?.op === 'signal' && f.json.data.type === 'answer'), { label: 'answer across nodes' });
    const third = await wsConnect(nodes[0].base);
    assertWsError(await third.command({ op: 'join', room }), 'room_full');
    for (const ws of [a, b, third]) await ws.closeAndWait();
  });
});
