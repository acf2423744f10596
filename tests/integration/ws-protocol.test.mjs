// WebSocket framing at the byte level (raw node:net sockets, lib/ws-frames.mjs): strict RFC 6455 checks
// (close 1002 / 1007 / 1009), fragmentation with interleaved control frames, the close handshake, the idle
// timeout, and permessage-deflate frames on the wire. After each case the server must still serve /healthz.
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { test, before, after } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';
import { request, publish, publishBatch } from './lib/http.mjs';
import { rawWsConnect, frame, closeFrame, closePayload, textFrame, describeFrames, OP } from './lib/ws-frames.mjs';
import { uniqueChannel, sleep } from './lib/util.mjs';

let proto; // ws.max_message_bytes=1000
let defl; // ws.deflate=true
let idle; // ws.ping_interval=1, ws.idle_timeout=2
let slow; // limits.queue_bytes=65536
const conns = [];

before(async () => {
  [proto, defl, idle, slow] = await Promise.all([
    startServer({ label: 'wsp', env: { HERALD_WS_MAX_MESSAGE_BYTES: '1000' } }),
    startServer({ label: 'wsp-deflate', env: { HERALD_WS_DEFLATE: 'true' } }),
    startServer({ label: 'wsp-idle', env: { HERALD_WS_PING_INTERVAL: '1', HERALD_WS_IDLE_TIMEOUT: '2' } }),
    startServer({ label: 'wsp-slow', env: { HERALD_LIMITS_QUEUE_BYTES: '65536' } }),
  ]);
});

after(async () => {
  for (const c of conns) c.destroy();
  await Promise.all([proto?.stop(), defl?.stop(), idle?.stop(), slow?.stop()]);
});

async function open(server, opts) {
  const c = await rawWsConnect(server.port, opts);
  conns.push(c);
  return c;
}

async function assertHealthy(server, label) {
  const res = await request(server.base, 'GET', '/healthz', { timeout: 5000 });
  assert.equal(res.status, 200, `${label}: /healthz → ${res.status} ${res.text}`);
}

/** No server frame may be masked. */
function assertUnmasked(c, label) {
  const masked = c.frames.filter((f) => f.masked);
  assert.equal(masked.length, 0, `${label}: server frames must not be masked: ${describeFrames(masked)}`);
}

/**
 * Opens a connection, sends `buffers` (Buffers or {delay}), expects a close frame with `code`, answers it,
 * and expects the server to end the TCP connection; then /healthz.
 */
async function expectClose(server, buffers, code, label, { reason } = {}) {
  const c = await open(server);
  for (const b of buffers) {
    if (Buffer.isBuffer(b)) c.send(b);
    else await sleep(b.delay);
  }
  const close = await c.waitClose({ timeout: 5000 }).catch((err) => {
    err.message = `${label}: ${err.message}`;
    throw err;
  });
  assert.equal(close.code, code, `${label}: expected close ${code}; ${describeFrames(c.frames)}`);
  if (reason !== undefined) assert.equal(close.reason, reason, `${label}: close reason`);
  assert.equal(close.fin, true, `${label}: close frame FIN`);
  assertUnmasked(c, label);
  const after = c.frames.slice(c.frames.indexOf(close) + 1);
  assert.deepEqual(after, [], `${label}: nothing after the close frame: ${describeFrames(after)}`);
  // Complete the closing handshake from our side; the server must then drop the TCP connection.
  c.send(closeFrame(close.code === 1005 || close.code === undefined ? 1000 : close.code));
  await c.waitEnd({ timeout: 5000 }).catch((err) => {
    err.message = `${label}: ${err.message}`;
    throw err;
  });
  c.destroy();
  await assertHealthy(server, label);
  return { c, close };
}

const HIST = (id) => `{"id":${JSON.stringify(id)},"op":"history","channel":"frag-${process.pid}"}`;

test('the handshake answer: 101, Upgrade/Connection headers, Sec-WebSocket-Accept, herald.v1', { timeout: 10_000 }, async () => {
  const c = await open(proto);
  assert.equal(c.status, 101);
  assert.match(c.headers.upgrade ?? '', /^websocket$/i);
  assert.match(c.headers.connection ?? '', /upgrade/i);
  assert.equal(c.headers['sec-websocket-protocol'], 'herald.v1');
  c.send(textFrame({ id: 1, op: 'history', channel: uniqueChannel('raw') }));
  const r = await c.waitJson((j) => j.id === 1);
  assert.equal(r.ok, true, JSON.stringify(r));
  assertUnmasked(c, 'handshake');
});

test('frames sent together with the handshake request, the last one incomplete, are all read', { timeout: 10_000 }, async () => {
  const channel = uniqueChannel('early');
  const first = textFrame({ id: 'early-1', op: 'history', channel });
  const second = textFrame({ id: 'early-2', op: 'history', channel });
  const cut = 3; // inside the second frame's header
  const c = await open(proto, { early: Buffer.concat([first, second.subarray(0, cut)]) });
  assert.equal((await c.waitJson((j) => j.id === 'early-1')).ok, true);
  c.send(second.subarray(cut));
  const reply = await c.waitJson((j) => j.id === 'early-2');
  assert.equal(reply.ok, true, JSON.stringify(reply));
  assert.equal(c.frames.filter((f) => f.opcode === OP.CLOSE).length, 0, describeFrames(c.frames));
  await assertHealthy(proto, 'early frames');
});

test('unmasked client frame → close 1002', { timeout: 15_000 }, async () => {
  await expectClose(proto, [frame({ payload: HIST('u'), mask: false })], 1002, 'unmasked text');
});

test('RSV1/RSV2/RSV3 set without a negotiated extension → close 1002', { timeout: 20_000 }, async () => {
  await expectClose(proto, [frame({ payload: HIST('r1'), rsv1: true })], 1002, 'rsv1');
  await expectClose(proto, [frame({ payload: HIST('r2'), rsv2: true })], 1002, 'rsv2');
  await expectClose(proto, [frame({ payload: HIST('r3'), rsv3: true })], 1002, 'rsv3');
  // deflate enabled on the server but not offered by this client: RSV1 is still a protocol error.
  await expectClose(defl, [frame({ payload: HIST('r1d'), rsv1: true })], 1002, 'rsv1 on a deflate server without negotiation');
});

test('reserved opcodes (3, 0xB) → close 1002', { timeout: 15_000 }, async () => {
  await expectClose(proto, [frame({ opcode: 3, payload: 'x' })], 1002, 'opcode 3');
  await expectClose(proto, [frame({ opcode: 0xb, payload: 'x' })], 1002, 'opcode 0xB');
});

test('ping with a 126-byte payload → close 1002', { timeout: 15_000 }, async () => {
  await expectClose(proto, [frame({ opcode: OP.PING, payload: Buffer.alloc(126, 0x61) })], 1002, 'ping 126 bytes');
});

test('fragmented ping (control frame with FIN=0) → close 1002', { timeout: 15_000 }, async () => {
  await expectClose(proto, [frame({ opcode: OP.PING, fin: false, payload: 'ab' })], 1002, 'ping FIN=0');
});

test('continuation frame without a started message → close 1002', { timeout: 15_000 }, async () => {
  await expectClose(proto, [frame({ opcode: OP.CONT, fin: true, payload: HIST('c') })], 1002, 'lone continuation');
});

test('new data frame inside a fragmented message → close 1002', { timeout: 15_000 }, async () => {
  const msg = Buffer.from(HIST('n'));
  await expectClose(
    proto,
    [frame({ opcode: OP.TEXT, fin: false, payload: msg.subarray(0, 10) }), frame({ opcode: OP.TEXT, fin: true, payload: msg.subarray(10) })],
    1002,
    'text inside a fragmented text',
  );
});

test('invalid UTF-8 in a text message → close 1007, also when the bad sequence spans fragments', { timeout: 20_000 }, async () => {
  const head = Buffer.from('{"id":"x","op":"history","channel":"a","pad":"');
  const tail = Buffer.from('"}');
  // E2 82 starts a 3-byte sequence; 0x28 "(" is no continuation byte.
  await expectClose(
    proto,
    [
      frame({ opcode: OP.TEXT, fin: false, payload: Buffer.concat([head, Buffer.from([0xe2, 0x82])]) }),
      frame({ opcode: OP.CONT, fin: true, payload: Buffer.concat([Buffer.from([0x28]), tail]) }),
    ],
    1007,
    'invalid UTF-8 across fragments',
  );
  await expectClose(proto, [frame({ payload: Buffer.concat([head, Buffer.from([0xc3, 0x28]), tail]) })], 1007, 'invalid UTF-8 in one frame');
  await expectClose(proto, [frame({ payload: Buffer.concat([head, Buffer.from([0xed, 0xa0, 0x80]), tail]) })], 1007, 'UTF-16 surrogate in UTF-8');
});

test('valid fragmented text with a ping in between: the ping gets a pong with the same payload, then the command is answered', { timeout: 15_000 }, async () => {
  const c = await open(proto);
  const channel = uniqueChannel('frag');
  const msg = Buffer.from(JSON.stringify({ id: 'frag-1', op: 'history', channel, pad: '€€€' }));
  const euro = msg.indexOf(Buffer.from('€'));
  const cut1 = euro + 1; // inside the first "€" (E2 | 82 AC): a character split across fragments is fine
  const cut2 = euro + 5;
  c.send(frame({ opcode: OP.TEXT, fin: false, payload: msg.subarray(0, cut1) }));
  c.send(frame({ opcode: OP.PING, payload: 'ping-in-the-middle' }));
  const pong = await c.waitUntil((fs) => fs.find((f) => f.opcode === OP.PONG), { label: 'pong' });
  assert.equal(pong.text, 'ping-in-the-middle');
  assert.equal(pong.fin, true);
  c.send(frame({ opcode: OP.CONT, fin: false, payload: msg.subarray(cut1, cut2) }));
  c.send(frame({ opcode: OP.PING, payload: Buffer.alloc(125, 0x7a) })); // 125 bytes: the maximum, allowed
  c.send(frame({ opcode: OP.CONT, fin: true, payload: msg.subarray(cut2) }));
  const reply = await c.waitJson((j) => j.id === 'frag-1');
  assert.equal(reply.ok, true, JSON.stringify(reply));
  assert.equal(reply.channel, channel);
  const pongs = c.frames.filter((f) => f.opcode === OP.PONG);
  assert.equal(pongs.length, 2, describeFrames(c.frames));
  assert.deepEqual(pongs[1].payload, Buffer.alloc(125, 0x7a));
  assert.equal(c.frames.filter((f) => f.opcode === OP.CLOSE).length, 0, describeFrames(c.frames));
  // An empty ping is answered by an empty pong; the connection goes on.
  c.send(frame({ opcode: OP.PING }));
  await c.waitUntil((fs) => fs.filter((f) => f.opcode === OP.PONG).length === 3, { label: 'third pong' });
  assert.equal(c.frames.filter((f) => f.opcode === OP.PONG)[2].payload.length, 0);
  // Unsolicited pongs are ignored.
  c.send(frame({ opcode: OP.PONG, payload: 'unsolicited' }));
  c.send(textFrame({ id: 'after', op: 'history', channel }));
  assert.equal((await c.waitJson((j) => j.id === 'after')).ok, true);
  assertUnmasked(c, 'fragmented');
  await assertHealthy(proto, 'fragmented');
});

test('a message over ws.max_message_bytes (1000) after reassembly → close 1009', { timeout: 15_000 }, async () => {
  const big = Buffer.from(JSON.stringify({ id: 'big', op: 'history', channel: 'x', pad: 'p'.repeat(1200) }));
  const parts = [];
  for (let i = 0; i < big.length; i += 300) {
    const last = i + 300 >= big.length;
    parts.push(frame({ opcode: i === 0 ? OP.TEXT : OP.CONT, fin: last, payload: big.subarray(i, i + 300) }));
  }
  await expectClose(proto, parts, 1009, 'fragmented 1200+ bytes');
  await expectClose(proto, [frame({ payload: big })], 1009, 'one frame of 1200+ bytes');
});

test('close with code 1005 / 999 / 1004 / 1006 / 1015 / 5000 → close 1002', { timeout: 40_000 }, async () => {
  for (const code of [1005, 999, 1004, 1006, 1015, 5000]) {
    await expectClose(proto, [closeFrame(code)], 1002, `close code ${code}`);
  }
});

test('close with a 1-byte payload → close 1002', { timeout: 15_000 }, async () => {
  await expectClose(proto, [frame({ opcode: OP.CLOSE, payload: Buffer.from([0x03]) })], 1002, '1-byte close');
});

test('close with an invalid UTF-8 reason → close 1007', { timeout: 15_000 }, async () => {
  await expectClose(proto, [frame({ opcode: OP.CLOSE, payload: closePayload(1000, Buffer.from([0x62, 0x79, 0xff, 0xfe])) })], 1007, 'close reason not UTF-8');
});

test('client close 1000 (and 3000, 4999) → the server echoes the code and ends the TCP connection', { timeout: 30_000 }, async () => {
  for (const code of [1000, 3000, 4999]) {
    const c = await open(proto);
    c.send(textFrame({ id: 1, op: 'history', channel: uniqueChannel('cl') }));
    await c.waitJson((j) => j.id === 1);
    c.send(closeFrame(code, 'bye ü'));
    const close = await c.waitClose();
    assert.equal(close.code, code, describeFrames(c.frames));
    await c.waitEnd({ timeout: 5000 });
    assertUnmasked(c, `close ${code}`);
    await assertHealthy(proto, `after close ${code}`);
  }
});

test('no frame from the client for ws.idle_timeout (2 s) → pings first, then close 1001 "idle timeout"', { timeout: 20_000 }, async () => {
  const c = await open(idle);
  const t0 = Date.now();
  c.send(textFrame({ id: 1, op: 'history', channel: uniqueChannel('idle') }));
  await c.waitJson((j) => j.id === 1);
  const close = await c.waitClose({ timeout: 8000 });
  const elapsed = Date.now() - t0;
  assert.equal(close.code, 1001, describeFrames(c.frames));
  assert.equal(close.reason, 'idle timeout');
  assert.ok(elapsed >= 1500 && elapsed < 6000, `closed after ${elapsed} ms (idle_timeout 2 s)`);
  assert.ok(c.frames.some((f) => f.opcode === OP.PING), `server pings before the idle close: ${describeFrames(c.frames)}`);
  c.send(closeFrame(1001));
  await c.waitEnd();
  await assertHealthy(idle, 'idle');

  // A client that answers the pings stays connected past the idle timeout.
  const d = await open(idle);
  const answered = new Set();
  const deadline = Date.now() + 4500;
  while (Date.now() < deadline) {
    for (const f of d.frames) {
      if (f.opcode === OP.PING && !answered.has(f)) {
        answered.add(f);
        d.send(frame({ opcode: OP.PONG, payload: f.payload }));
      }
    }
    await sleep(50);
  }
  assert.equal(d.frames.filter((f) => f.opcode === OP.CLOSE).length, 0, describeFrames(d.frames));
  assert.ok(answered.size >= 1, 'pings seen');
  d.send(textFrame({ id: 2, op: 'history', channel: uniqueChannel('idle') }));
  assert.equal((await d.waitJson((j) => j.id === 2)).ok, true);
});

/** Text of a server data frame, inflating it when RSV1 (permessage-deflate) is set. */
function inflateText(f) {
  if (!f.rsv1) return f.text;
  const tail = Buffer.from([0x00, 0x00, 0xff, 0xff]);
  return zlib.inflateRawSync(Buffer.concat([f.payload, tail]), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString('utf8');
}

test('permessage-deflate on the wire: negotiated parameters, RSV1 frames that inflate independently, compressed client frames', { timeout: 20_000 }, async () => {
  const c = await open(defl, { headers: { 'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits' } });
  const ext = c.headers['sec-websocket-extensions'] ?? '';
  const params = ext.split(';').map((s) => s.trim());
  assert.equal(params[0], 'permessage-deflate', ext);
  assert.ok(params.includes('server_no_context_takeover'), ext);
  assert.ok(params.includes('client_no_context_takeover'), ext);

  const channel = uniqueChannel('rawdefl');
  c.send(textFrame({ id: 's', op: 'subscribe', channel })); // uncompressed frames stay valid
  await c.waitUntil((fs) => fs.some((f) => f.opcode === OP.TEXT && JSON.parse(inflateText(f)).id === 's'), { label: 'subscribe reply' });
  const big = 'abcdefgh'.repeat(2000);
  await publish(defl.base, channel, big);
  await publish(defl.base, channel, big);
  const pushes = await c.waitUntil((fs) => {
    const t = fs.filter((f) => f.opcode === OP.TEXT && JSON.parse(inflateText(f)).op === 'message');
    return t.length >= 2 ? t : null;
  }, { label: 'two pushes' });
  for (const [i, f] of pushes.entries()) {
    assert.equal(f.rsv1, true, `push ${i + 1} of a 16 KB compressible message is sent compressed (RSV1)`);
    assert.ok(f.payload.length < big.length / 4, `compressed size ${f.payload.length}`);
    const j = JSON.parse(inflateText(f)); // inflates on its own: no context takeover
    assert.equal(j.op, 'message');
    assert.equal(j.offset, i + 1);
    assert.equal(j.data, big);
  }
  // A compressed client message (RSV1, deflate-raw without the 00 00 ff ff tail).
  const cmd = Buffer.from(JSON.stringify({ id: 'z', op: 'history', channel, limit: 1, pad: 'q'.repeat(3000) }));
  const deflated = zlib.deflateRawSync(cmd, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  assert.deepEqual(deflated.subarray(-4), Buffer.from([0, 0, 0xff, 0xff]));
  c.send(frame({ opcode: OP.TEXT, rsv1: true, payload: deflated.subarray(0, -4) }));
  const reply = await c.waitUntil((fs) => {
    for (const f of fs) if (f.opcode === OP.TEXT) {
      const j = JSON.parse(inflateText(f));
      if (j.id === 'z') return j;
    }
    return null;
  }, { label: 'reply to the compressed command' });
  assert.equal(reply.ok, true, JSON.stringify(reply));
  assert.equal(reply.messages[0].offset, 2);
  // RSV1 on a control frame is a protocol error even with the extension.
  c.send(frame({ opcode: OP.PING, rsv1: true, payload: 'x' }));
  const close = await c.waitClose();
  assert.equal(close.code, 1002, describeFrames(c.frames));
  await assertHealthy(defl, 'deflate');
});

test('an offer with server_max_window_bits=8 is declined (no extension), the connection works uncompressed', { timeout: 10_000 }, async () => {
  const c = await open(defl, { headers: { 'Sec-WebSocket-Extensions': 'permessage-deflate; server_max_window_bits=8' } });
  assert.equal(c.headers['sec-websocket-extensions'], undefined, c.head);
  const channel = uniqueChannel('nodefl');
  c.send(textFrame({ id: 1, op: 'subscribe', channel }));
  await c.waitJson((j) => j.id === 1);
  await publish(defl.base, channel, 'y'.repeat(4000));
  const m = await c.waitJson((j) => j.op === 'message');
  assert.equal(m.data.length, 4000);
  assert.ok(c.frames.every((f) => !f.rsv1), describeFrames(c.frames));
});

/** Inflates a compressed server frame with a window of `windowBits`, in small output chunks so that every back reference must come from the window. */
function inflateWithWindow(f, windowBits) {
  const tail = Buffer.from([0x00, 0x00, 0xff, 0xff]);
  return zlib
    .inflateRawSync(Buffer.concat([f.payload, tail]), { windowBits, chunkSize: 64, finishFlush: zlib.constants.Z_SYNC_FLUSH })
    .toString('utf8');
}

/** Random letters and digits (incompressible within a small window), `size` characters. */
function randomText(size) {
  let text = '';
  while (text.length < size) text += Math.random().toString(36).slice(2);
  return text.slice(0, size);
}

test('server_max_window_bits=9..14 is accepted: pushes are compressed with that window, also for a second offer after one with =8', { timeout: 20_000 }, async () => {
  const block = randomText(3000);
  const data = `${block}${'near repeats '.repeat(100)}${block}`; // the second block is 3000+ bytes back
  const cases = [
    ['permessage-deflate; server_max_window_bits=9', 9],
    ['permessage-deflate; server_max_window_bits=9; client_max_window_bits', 9],
    ['permessage-deflate; server_max_window_bits=11; client_max_window_bits=10', 11],
    ['permessage-deflate; server_max_window_bits=14', 14],
    ['permessage-deflate; server_max_window_bits=8, permessage-deflate; server_max_window_bits=10', 10],
    ['permessage-deflate; server_max_window_bits=8, permessage-deflate', 15],
  ];
  const conns = [];
  for (const [offer, bits] of cases) {
    const c = await open(defl, { headers: { 'Sec-WebSocket-Extensions': offer } });
    const ext = c.headers['sec-websocket-extensions'] ?? '';
    const params = ext.split(';').map((p) => p.trim());
    assert.equal(params[0], 'permessage-deflate', `${offer}: ${ext}`);
    assert.ok(params.includes('server_no_context_takeover'), ext);
    assert.ok(params.includes('client_no_context_takeover'), ext);
    const named = params.filter((p) => p.startsWith('server_max_window_bits'));
    assert.deepEqual(named, bits === 15 ? [] : [`server_max_window_bits=${bits}`], `${offer}: ${ext}`);
    conns.push([c, bits, offer]);
  }
  const channel = uniqueChannel('rawwin');
  for (const [c] of conns) c.send(textFrame({ id: 's', op: 'subscribe', channel }));
  for (const [c] of conns) {
    await c.waitUntil((fs) => fs.some((f) => f.opcode === OP.TEXT && JSON.parse(inflateText(f)).id === 's'), { label: 'subscribe reply' });
  }
  await publish(defl.base, channel, data);
  for (const [c, bits, offer] of conns) {
    const push = await c.waitUntil((fs) => fs.find((f) => f.opcode === OP.TEXT && JSON.parse(inflateText(f)).op === 'message'), { label: `push (${offer})` });
    assert.equal(push.rsv1, true, `${offer}: the push is compressed`);
    assert.ok(push.payload.length < data.length, `${offer}: ${push.payload.length} bytes compressed`);
    assert.equal(JSON.parse(inflateWithWindow(push, bits)).data, data, `${offer}: inflates with a ${bits}-bit window`);
  }
  for (const [c] of conns) c.destroy();
  await assertHealthy(defl, 'window sizes');
});

/** deflate-raw of `data` as permessage-deflate sends it (without the 00 00 ff ff tail). */
function pmdCompress(data) {
  const out = zlib.deflateRawSync(Buffer.from(data), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  return out.subarray(0, -4);
}

async function openDeflate() {
  const c = await open(defl, { headers: { 'Sec-WebSocket-Extensions': 'permessage-deflate' } });
  assert.match(c.headers['sec-websocket-extensions'] ?? '', /^permessage-deflate/, c.head);
  return c;
}

test('permessage-deflate: a compressed message split into fragments (RSV1 on the first only) works; RSV1 on a continuation → 1002', { timeout: 15_000 }, async () => {
  const c = await openDeflate();
  const channel = uniqueChannel('pmdfrag');
  const z = pmdCompress(JSON.stringify({ id: 'zf', op: 'history', channel, pad: 'w'.repeat(5000) }));
  const k = Math.floor(z.length / 2);
  c.send(frame({ opcode: OP.TEXT, rsv1: true, fin: false, payload: z.subarray(0, k) }));
  c.send(frame({ opcode: OP.CONT, fin: true, payload: z.subarray(k) }));
  const reply = await c.waitUntil((fs) => {
    for (const f of fs) if (f.opcode === OP.TEXT) {
      const j = JSON.parse(inflateText(f));
      if (j.id === 'zf') return j;
    }
    return null;
  }, { label: 'reply to the fragmented compressed command' });
  assert.equal(reply.ok, true, JSON.stringify(reply));

  const d = await openDeflate();
  const z2 = pmdCompress(HIST('zf2'));
  const k2 = Math.floor(z2.length / 2);
  d.send(frame({ opcode: OP.TEXT, rsv1: true, fin: false, payload: z2.subarray(0, k2) }));
  d.send(frame({ opcode: OP.CONT, rsv1: true, fin: true, payload: z2.subarray(k2) }));
  const close = await d.waitClose();
  assert.equal(close.code, 1002, describeFrames(d.frames));
  await assertHealthy(defl, 'rsv1 on continuation');
});

test('permessage-deflate: a small compressed message that inflates beyond ws.max_message_bytes → close 1009', { timeout: 15_000 }, async () => {
  const c = await openDeflate();
  const bomb = pmdCompress(JSON.stringify({ id: 'bomb', op: 'history', channel: 'x', pad: 'a'.repeat(300_000) }));
  assert.ok(bomb.length < 2000, `compressed ${bomb.length} bytes`);
  c.send(frame({ opcode: OP.TEXT, rsv1: true, payload: bomb }));
  const close = await c.waitClose();
  assert.equal(close.code, 1009, describeFrames(c.frames));
  await assertHealthy(defl, 'deflate bomb');
});

async function metricsText(server) {
  const res = await request(server.base, 'GET', '/metrics');
  assert.equal(res.status, 200);
  return res.text;
}

function sample(text, name) {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

test('slow consumer (outbound queue over limits.queue_bytes) → close 4008 "slow consumer"', { timeout: 90_000 }, async () => {
  const c = await open(slow);
  const channel = uniqueChannel('slow');
  c.send(textFrame({ id: 1, op: 'subscribe', channel }));
  assert.equal((await c.waitJson((j) => j.id === 1)).ok, true);
  const m0 = await metricsText(slow);
  const slow0 = sample(m0, 'herald_slow_consumer_disconnects_total') ?? 0;
  const conns0 = sample(m0, 'herald_connections{transport="ws"}');
  c.pause(); // stop reading: the kernel buffers fill, then the server's queue
  const data = 'd'.repeat(32_000);
  const deadline = Date.now() + 45_000;
  let batches = 0;
  let detected = false;
  while (!detected && batches < 200 && Date.now() < deadline) {
    await publishBatch(slow.base, Array.from({ length: 20 }, () => ({ channel, data })));
    batches += 1;
    if (batches % 5 === 0) {
      const m = await metricsText(slow);
      detected = (sample(m, 'herald_slow_consumer_disconnects_total') ?? 0) > slow0 || sample(m, 'herald_connections{transport="ws"}') < conns0;
    }
  }
  c.resume();
  const close = await c.waitClose({ timeout: 20_000 });
  assert.equal(close.code, 4008, `after ${batches} batches of 20 × 32 KB: ${describeFrames(c.frames, 3)}`);
  assert.equal(close.reason, 'slow consumer');
  assert.ok(detected, `the server noticed the slow consumer while publishing (${batches} batches)`);
  const pushes = c.frames.filter((f) => f.opcode === OP.TEXT && f.text.startsWith('{"op":"message"'));
  pushes.forEach((f, i) => assert.equal(JSON.parse(f.text).offset, i + 1, 'what was delivered before the close is contiguous'));
  c.send(closeFrame(4008));
  await c.waitEnd({ timeout: 10_000 });
  await assertHealthy(slow, 'slow consumer');
});
