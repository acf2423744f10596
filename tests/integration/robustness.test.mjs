// Robustness with raw sockets (garbage, truncation, huge headers, slow clients, connection limit, slow
// consumers), the operational endpoints, and graceful SIGTERM with an open SSE stream.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test, before, after } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';
import { request, rawExchange, rawStatus, rawJsonBody, assertAlive, publish, publishBatch, historyOk, longPoll, currentCursor } from './lib/http.mjs';
import { openSseReady, ssePath } from './lib/sse.mjs';
import { rawWsConnect, textFrame, OP, describeFrames } from './lib/ws-frames.mjs';
import { uniqueChannel, waitFor, sleep, later, assertErrorBody } from './lib/util.mjs';

let srv; // HERALD_HTTP_HEADER_TIMEOUT=1 / HERALD_HTTP_IDLE_TIMEOUT=1 so slow and idle clients are cut quickly
before(async () => {
  srv = await startServer({ label: 'robust', env: { HERALD_HTTP_HEADER_TIMEOUT: '1', HERALD_HTTP_IDLE_TIMEOUT: '1' } });
});
after(async () => {
  await srv?.stop();
});

test('garbage bytes: answered with 400 or closed; the server keeps working', { timeout: 30_000 }, async () => {
  const payloads = [
    Buffer.concat([randomBytes(2048), Buffer.from('\r\n\r\n')]),
    'HELLO WORLD\r\n\r\n',
    'GET\r\n\r\n',
    'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n',
    'POST /api/publish HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n',
    'POST /api/publish HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nnot chunked\r\n\r\n',
    Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]), // a TLS ClientHello start
  ];
  for (const p of payloads) {
    const r = await rawExchange(srv.port, [p], { timeout: 4000 });
    const status = rawStatus(r.data);
    assert.ok(
      r.closedByServer || (status >= 400 && status < 500),
      `payload ${JSON.stringify(p.toString('latin1').slice(0, 40))}: got ${JSON.stringify(r.data.slice(0, 200))}, closed=${r.closedByServer}`,
    );
    if (status !== undefined) assert.ok(status >= 400 && status < 500, `status ${status} for garbage`);
    await assertAlive(srv.base, 'after garbage');
  }
});

test('truncated request then close: nothing published, the server keeps working', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('trunc');
  const body = JSON.stringify({ channel, data: 'never' });
  const partial = `POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`;
  await rawExchange(srv.port, [partial, { delay: 100 }], { destroyAfterWrite: true });
  await rawExchange(srv.port, ['GET /api/history?chan'], { destroyAfterWrite: true });
  await rawExchange(srv.port, [partial], { endAfterWrite: true, timeout: 3000 }); // half-close
  await sleep(200);
  await assertAlive(srv.base, 'after truncated requests');
  const h = await historyOk(srv.base, channel);
  assert.deepEqual(h.messages, []);
});

test('20 KiB of headers → 431 headers_too_large (or closed); the server keeps working', { timeout: 20_000 }, async () => {
  const oneBig = `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`;
  const many = `GET /healthz HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 200 }, (_, i) => `X-H${i}: ${'b'.repeat(100)}\r\n`).join('')}\r\n`;
  for (const req of [oneBig, many]) {
    const r = await rawExchange(srv.port, [req], { timeout: 5000 });
    const status = rawStatus(r.data);
    if (status !== undefined) {
      assert.equal(status, 431, `expected 431, got ${JSON.stringify(r.data.slice(0, 300))}`);
      const body = rawJsonBody(r.data);
      assert.equal(body?.error?.code, 'headers_too_large', `431 body: ${JSON.stringify(r.data.slice(0, 400))}`);
    } else {
      assert.ok(r.closedByServer, 'neither a 431 nor a close');
    }
    await assertAlive(srv.base, 'after huge headers');
  }
  // Under the limit is fine.
  const fine = await rawExchange(srv.port, [`GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Ok: ${'c'.repeat(4000)}\r\n\r\n`], { timeout: 5000 });
  assert.equal(rawStatus(fine.data), 200, fine.data.slice(0, 200));
});

test('slow client: half the headers then silence → disconnected after http.header_timeout (1 s)', { timeout: 20_000 }, async () => {
  const r = await rawExchange(srv.port, ['GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: '], { timeout: 8000 });
  assert.ok(r.closedByServer, `server did not disconnect the slow client within 8 s (data: ${JSON.stringify(r.data)})`);
  assert.ok(r.elapsed >= 700, `disconnected after ${r.elapsed} ms, before the 1 s header timeout`);
  assert.ok(r.elapsed < 5000, `disconnected after ${r.elapsed} ms`);
  const status = rawStatus(r.data);
  assert.ok(status === undefined || status === 408 || status === 400, `unexpected answer ${JSON.stringify(r.data.slice(0, 200))}`);
  // A connection that sends nothing at all is also cut.
  const silent = await rawExchange(srv.port, [], { timeout: 8000 });
  assert.ok(silent.closedByServer && silent.elapsed < 5000, `silent connection: closed=${silent.closedByServer} after ${silent.elapsed} ms`);
  // Trickling one byte every 200 ms does not extend the header deadline.
  const trickle = [];
  for (const ch of 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: abcdefghijklmnopqrstuvwxyz') trickle.push(ch, { delay: 200 });
  const t = await rawExchange(srv.port, trickle, { timeout: 9000 });
  assert.ok(t.closedByServer && t.elapsed < 5000, `trickling client: closed=${t.closedByServer} after ${t.elapsed} ms`);
  await assertAlive(srv.base, 'after slow clients');
});

test('keep-alive: a second request on the same connection works; idle connections close after http.idle_timeout (1 s)', { timeout: 20_000 }, async () => {
  const req = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
  const r = await rawExchange(srv.port, [req, { delay: 300 }, req], { timeout: 8000 });
  assert.equal((r.data.match(/HTTP\/1\.1 200/g) ?? []).length, 2, `two answers on one connection: ${JSON.stringify(r.data.slice(0, 400))}`);
  assert.ok(r.closedByServer, 'idle keep-alive connection closed by the server');
  const idle = r.elapsed - r.firstDataAt - 300;
  assert.ok(idle >= 500 && idle < 5000, `closed ${idle} ms after the last answer`);
});

test('server.max_connections=5: the 6th and 7th connections get 503 too_many_connections', { timeout: 40_000 }, async () => {
  const limited = await startServer({ label: 'robust-maxconn', env: { HERALD_SERVER_MAX_CONNECTIONS: '5' } });
  const held = [];
  try {
    for (let i = 0; i < 5; i += 1) held.push(await openSseReady(limited.base, ssePath(uniqueChannel(`held${i}`))));
    for (const n of [6, 7]) {
      const r = await rawExchange(limited.port, ['GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'], { timeout: 5000 });
      assert.equal(rawStatus(r.data), 503, `connection #${n}: ${JSON.stringify(r.data.slice(0, 300))}`);
      const body = rawJsonBody(r.data);
      assert.equal(body?.error?.code, 'too_many_connections', `connection #${n} body: ${JSON.stringify(r.data.slice(0, 400))}`);
      assert.ok(r.closedByServer, `connection #${n} must be closed by the server`);
    }
    for (const s of held) assert.equal(s.ended, false, 'the 5 admitted streams stay open');
  } finally {
    held.forEach((s) => s.close());
  }
  await waitFor(async () => (await request(limited.base, 'GET', '/healthz', { timeout: 2000 })).status === 200, { timeout: 5000, label: 'healthz after releasing connections' });
  await assertAlive(limited.base, 'after max connections');
  await limited.stop();
});

test('/healthz, /readyz and the demo page', { timeout: 15_000 }, async () => {
  let r = await request(srv.base, 'GET', '/healthz');
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'] ?? '', /^application\/json/);
  assert.deepEqual(r.json(), { status: 'ok' });
  r = await request(srv.base, 'GET', '/readyz');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json(), { status: 'ready' });
  r = await request(srv.base, 'GET', '/');
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'] ?? '', /^text\/html/);
  assert.match(r.text, /<html|<!doctype html/i);
});

test('/metrics exposes every metric of the spec in Prometheus text format', { timeout: 30_000 }, async () => {
  const channel = uniqueChannel('metrics');
  const parse = (text) => {
    const samples = new Map();
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?)\s+(\S+)/.exec(line);
      if (m) samples.set(m[1].replace(/\s+/g, ''), Number(m[2]));
    }
    return samples;
  };
  const before0 = await request(srv.base, 'GET', '/metrics');
  assert.equal(before0.status, 200);
  assert.match(before0.headers['content-type'] ?? '', /^text\/plain/);
  const published0 = parse(before0.text).get('herald_messages_published_total') ?? 0;

  // Generate activity on every transport while an SSE stream and a long poll are open.
  const start = await currentCursor(srv.base, channel);
  const stream = await openSseReady(srv.base, ssePath(channel, { since: start }));
  const pendingLp = later(longPoll(srv.base, channel, { since: start, timeout: 5 }));
  await sleep(300);
  const midway = await request(srv.base, 'GET', '/metrics');
  await publishBatch(srv.base, [1, 2, 3].map((i) => ({ channel, data: i })));
  await stream.waitMessages(3);
  await pendingLp;
  await historyOk(srv.base, channel);
  await historyOk(srv.base, channel, { since: 'zzzzzzzz:1' }); // a gap
  await request(srv.base, 'GET', '/api/nope'); // a 4xx
  const res = await request(srv.base, 'GET', '/metrics');
  stream.close();
  const text = res.text;
  const samples = parse(text);

  for (const name of [
    'herald_connections',
    'herald_messages_published_total',
    'herald_messages_delivered_total',
    'herald_gaps_total',
    'herald_slow_consumer_disconnects_total',
    'herald_publish_duration_seconds',
    'herald_channels',
    'herald_http_requests_total',
  ]) {
    assert.match(text, new RegExp(`^${name}[{_ ]`, 'm'), `metric ${name} missing`);
  }
  assert.match(text, /^# TYPE herald_publish_duration_seconds histogram$/m);
  assert.match(text, /^herald_publish_duration_seconds_bucket\{.*le="\+Inf".*\} \d+/m);
  assert.match(text, /^herald_publish_duration_seconds_sum(\{\})? /m);
  assert.match(text, /^herald_publish_duration_seconds_count(\{\})? /m);
  for (const t of ['http', 'sse', 'longpoll']) assert.match(text, new RegExp(`^herald_connections\\{transport="${t}"\\} `, 'm'), `herald_connections{transport="${t}"}`);
  for (const t of ['sse', 'longpoll', 'history']) {
    assert.match(text, new RegExp(`^herald_messages_delivered_total\\{transport="${t}"\\} `, 'm'), `herald_messages_delivered_total{transport="${t}"}`);
    assert.ok(samples.get(`herald_messages_delivered_total{transport="${t}"}`) >= 1, `delivered via ${t} ≥ 1`);
  }
  for (const c of ['2xx', '4xx']) assert.ok(samples.get(`herald_http_requests_total{code="${c}"}`) >= 1, `herald_http_requests_total{code="${c}"} ≥ 1`);
  assert.match(text, /^herald_http_requests_total\{code="5xx"\} /m, 'the 5xx series is present');
  assert.ok(samples.get('herald_messages_published_total') >= published0 + 3, 'published_total counted the batch');
  assert.ok(samples.get('herald_gaps_total') >= 1, 'gaps_total counted the gap');
  assert.ok(samples.get('herald_channels') >= 1);
  assert.ok(samples.get('herald_publish_duration_seconds_count') >= 3 || samples.get('herald_publish_duration_seconds_count{}') >= 3);
  const mid = parse(midway.text);
  assert.ok(mid.get('herald_connections{transport="sse"}') >= 1, `an open SSE stream is counted: ${midway.text.match(/^herald_connections.*$/gm)}`);
  assert.ok(mid.get('herald_connections{transport="longpoll"}') >= 1, 'a pending long poll is counted');
});

test('slow consumer: a stream that does not read is closed with reason slow_consumer', { timeout: 60_000 }, async () => {
  const own = await startServer({ label: 'robust-slow', env: { HERALD_LIMITS_QUEUE_BYTES: '65536' } });
  try {
    const channel = uniqueChannel('slow');
    const start = await currentCursor(own.base, channel);
    const s = await openSseReady(own.base, ssePath(channel, { since: start }));
    s.pause();
    const chunk = 'x'.repeat(60_000);
    // Up to 24 MB, far beyond the kernel socket buffers on loopback plus the 64 KiB queue.
    for (let b = 0; b < 28; b += 1) {
      await publishBatch(own.base, Array.from({ length: 14 }, () => ({ channel, data: chunk })));
      const m = await request(own.base, 'GET', '/metrics');
      if (/^herald_slow_consumer_disconnects_total(\{\})? [1-9]/m.test(m.text)) break;
    }
    s.resume();
    await s.waitEnd({ timeout: 20_000 });
    const close = s.blocks.find((b) => b.event === 'close');
    assert.ok(close, `no close event at the end: ${JSON.stringify(s.raw.slice(-300))}`);
    assert.deepEqual(JSON.parse(close.data), { reason: 'slow_consumer' });
    const m = await request(own.base, 'GET', '/metrics');
    assert.match(m.text, /^herald_slow_consumer_disconnects_total(\{\})? [1-9]/m);
    await assertAlive(own.base, 'after slow consumer');
  } finally {
    await own.stop();
  }
});

// Subscribers that stop reading while a lot is published: each must get whole frames and then the close
// frame 4008, never a frame cut short by the end of the connection.
test('slow consumer: WebSocket subscribers that do not read get whole frames, then close 4008', { timeout: 90_000 }, async () => {
  const own = await startServer({ label: 'robust-ws-slow', env: { HERALD_LIMITS_QUEUE_BYTES: '65536' } });
  const clients = [];
  try {
    const channel = uniqueChannel('wsslow');
    for (let i = 0; i < 20; i += 1) {
      const c = await rawWsConnect(own.port);
      c.send(textFrame({ id: 1, op: 'subscribe', channel }));
      await c.waitJson((m) => m.id === 1 && m.ok === true, { label: 'subscribed' });
      clients.push(c);
    }
    for (const c of clients) c.pause();
    // Small messages at a steady pace fill the sockets first, so that a write is under way (and cut
    // short by the kernel) when the queue overflows. At most 8 MB in 100 rounds.
    const chunk = 'y'.repeat(4000);
    const slow = () => request(own.base, 'GET', '/metrics').then((m) => Number(/^herald_slow_consumer_disconnects_total(?:\{\})? (\d+)/m.exec(m.text)?.[1] ?? 0));
    for (let round = 0; round < 100 && (await slow()) < clients.length; round += 1) {
      for (let k = 0; k < 20; k += 1) await publishBatch(own.base, Array.from({ length: 10 }, () => ({ channel, data: chunk })));
    }
    assert.equal(await slow(), clients.length, 'every subscriber was dropped as a slow consumer');
    await sleep(5000); // longer than a closing connection waits for its peer once the close frame is out
    for (const c of clients) c.resume();
    for (const [i, c] of clients.entries()) {
      const close = await c.waitClose({ timeout: 20_000 });
      await c.waitEnd({ timeout: 10_000 });
      assert.equal(close.code, 4008, `client ${i}: ${describeFrames(c.frames)}`);
      assert.equal(close.reason, 'slow consumer');
      assert.equal(c.frames.at(-1).opcode, OP.CLOSE, `client ${i}: the close frame comes last`);
      assert.equal(c.reader.buf.length, 0, `client ${i}: ${c.reader.buf.length} bytes of a cut frame after the last whole one`);
      for (const f of c.frames.slice(0, -1)) {
        assert.equal(f.opcode, OP.TEXT);
        JSON.parse(f.text); // every message frame arrived whole
      }
    }
    await assertAlive(own.base, 'after slow WebSocket consumers');
  } finally {
    for (const c of clients) c.destroy();
    await own.stop();
  }
});

test('SIGTERM with an open SSE stream: event close (shutdown), retry, EOF; exit 0 within 10 s', { timeout: 30_000 }, async () => {
  const own = await startServer({ label: 'robust-sigterm' });
  try {
    const channel = uniqueChannel('term');
    const s = await openSseReady(own.base, ssePath(channel));
    await publish(own.base, channel, 'before shutdown');
    await s.waitMessages(1);
    const t0 = Date.now();
    const stopping = later(own.stop({ timeout: 15_000 }));
    await s.waitEnd({ timeout: 10_000 });
    const blocks = s.blocks;
    const closeIdx = blocks.findIndex((b) => b.event === 'close');
    assert.ok(closeIdx >= 0, `no close event: ${JSON.stringify(s.raw)}`);
    assert.deepEqual(JSON.parse(blocks[closeIdx].data), { reason: 'shutdown' });
    // A retry: field in the close event's block or after it (the spec does not fix the order).
    const afterClose = s.raw.slice(s.raw.lastIndexOf('event: close'));
    assert.ok(blocks[closeIdx].retry !== undefined || /\nretry: \d+\n/.test(afterClose), `retry line with the close event: ${JSON.stringify(s.raw.slice(-200))}`);
    assert.equal(blocks.length - 1, closeIdx, 'the close event is the last thing before EOF');
    assert.equal(s.error, null, `stream ended with an error instead of EOF: ${s.error?.message}`);
    const info = await stopping;
    assert.equal(info.code, 0, `exit status: ${JSON.stringify(info)}`);
    assert.equal(info.forced, false, 'needed SIGKILL');
    assert.ok(Date.now() - t0 < 10_000, `exit took ${Date.now() - t0} ms`);
  } finally {
    await own.stop();
  }
});

test('SIGINT also shuts down gracefully with exit 0', { timeout: 20_000 }, async () => {
  const own = await startServer({ label: 'robust-sigint' });
  const info = await own.stop({ signal: 'SIGINT', timeout: 12_000 });
  assert.equal(info.code, 0, JSON.stringify(info));
  assert.equal(info.forced, false);
});

test('unknown routes and methods keep JSON errors under raw HTTP/1.0 too', { timeout: 15_000 }, async () => {
  const r = await rawExchange(srv.port, ['GET /api/nope HTTP/1.0\r\n\r\n'], { timeout: 5000 });
  assert.equal(rawStatus(r.data), 404, r.data.slice(0, 200));
  assert.equal(rawJsonBody(r.data)?.error?.code, 'not_found');
  assertErrorBody(await request(srv.base, 'GET', '/api/nope'), 404, 'not_found');
});

test('a second server on a port that is in use refuses to start instead of sharing it', { timeout: 20_000 }, async () => {
  const { spawn } = await import('node:child_process');
  const { HERALD_BIN, childEnv } = await import('./lib/server.mjs');
  const second = spawn(HERALD_BIN, ['serve', '--listen', `127.0.0.1:${srv.port}`, '--workers', '1'], {
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  second.stdout.on('data', (chunk) => (output += chunk));
  second.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise((resolve) => second.on('exit', resolve));
  assert.notEqual(code, 0, `second server exited with ${code}: ${output}`);
  assert.match(output, /Address already in use/);
  await assertAlive(srv.base, "after a second server tried the port");
});
