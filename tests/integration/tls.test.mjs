// TLS: HTTPS and WSS with a test CA and server certificates the suite makes with the openssl CLI. curl
// (publish, history, long polling, TLS 1.1 refused, plain HTTP on the TLS port), Node `ws` (wss),
// `eventsource` over node:https, Chromium on an https page of herald, certificate reload on SIGHUP with
// an SSE stream open, plain HTTP and TLS side by side, a bad certificate at startup, and a handshake
// that never completes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import tls from 'node:tls';
import { EventSource } from 'eventsource';
import { test, before, after } from './lib/harness.mjs';
import { startServer, freePort } from './lib/server.mjs';
import { chromiumMissing, launchChromium } from './lib/browser.mjs';
import { runHerald } from './lib/cli.mjs';
import { publish, historyOk, request, curl, rawExchange } from './lib/http.mjs';
import { wsConnect } from './lib/ws-client.mjs';
import { uniqueChannel, waitFor } from './lib/util.mjs';

let dir; // the CA, the certificates and the files the servers read
let ca; // the CA's PEM text
let side; // plain HTTP on server.listen, TLS on tls.listen (the live certificate files, reloaded on SIGHUP)
let sideTls; // https base of `side`
let only; // server.listen speaks TLS, TLS 1.3 only, http.header_timeout=1
const clients = [];

function openssl(...args) {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

// A server certificate for 127.0.0.1 and localhost signed by the test CA, with the given serial (hex).
function makeServerCert(name, serial) {
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=localhost');
  fs.writeFileSync(path.join(dir, `${name}.ext`), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', `0x${serial}`, '-days', '2', '-out', `${name}.pem`, '-extfile', `${name}.ext`);
}

const file = (name) => path.join(dir, name);

// The serial number (hex, upper case) of the certificate a new TLS connection to `port` is shown.
function servedSerial(port) {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      const serial = socket.getPeerCertificate().serialNumber;
      socket.destroy();
      resolve(serial.toUpperCase());
    });
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('no TLS handshake within 5 s')));
  });
}

// A fetch for the `eventsource` package over node:https that trusts the test CA.
function httpsFetch(input, init = {}) {
  return new Promise((resolve, reject) => {
    const headers = Object.fromEntries(new Headers(init.headers));
    const req = https.request(new URL(input), { method: init.method ?? 'GET', headers, ca, agent: false }, (res) => {
      const responseHeaders = new Headers();
      for (const [name, value] of Object.entries(res.headers)) responseHeaders.set(name, String(value));
      resolve(new Response(Readable.toWeb(res), { status: res.statusCode, headers: responseHeaders }));
    });
    init.signal?.addEventListener('abort', () => req.destroy());
    req.on('error', reject);
    req.end();
  });
}

// An EventSource over TLS that records its messages and how often it (re)connected.
function tlsEventSource(url) {
  const state = { messages: [], opens: 0 };
  const es = new EventSource(url, { fetch: httpsFetch });
  es.addEventListener('open', () => (state.opens += 1));
  es.addEventListener('message', (ev) => state.messages.push(JSON.parse(ev.data)));
  clients.push(es);
  return { es, state };
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-tls-'));
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=herald test CA');
  ca = fs.readFileSync(file('ca.pem'), 'utf8');
  makeServerCert('first', '1001');
  makeServerCert('second', '1002');
  fs.copyFileSync(file('first.pem'), file('live.pem'));
  fs.copyFileSync(file('first.key'), file('live.key'));
  fs.writeFileSync(file('garbage.pem'), 'this is not a certificate\n');

  const tlsPort = await freePort();
  sideTls = `https://127.0.0.1:${tlsPort}`;
  [side, only] = await Promise.all([
    startServer({
      label: 'tls-side',
      args: ['--tls-cert', file('live.pem'), '--tls-key', file('live.key'), '--tls-listen', `127.0.0.1:${tlsPort}`],
    }),
    startServer({
      label: 'tls-only',
      ca,
      env: { HERALD_TLS_CERT: file('first.pem'), HERALD_TLS_KEY: file('first.key'), HERALD_TLS_MIN_VERSION: '1.3', HERALD_HTTP_HEADER_TIMEOUT: '1' },
    }),
  ]);
});

after(async () => {
  for (const client of clients) client.close();
  await Promise.all([side?.stop(), only?.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('HTTPS publish, history and long polling with curl, plain HTTP beside it', async () => {
  const channel = uniqueChannel('tls');
  const published = await curl(['--cacert', file('ca.pem'), '-X', 'POST', `${sideTls}/api/publish`, '-d', JSON.stringify({ channel, data: { n: 1 } })]);
  assert.equal(published.status, 200, published.stderr + published.body);
  const historyOverTls = await curl(['--cacert', file('ca.pem'), `${sideTls}/api/history?channel=${channel}`]);
  assert.equal(historyOverTls.status, 200, historyOverTls.stderr);
  assert.deepEqual(JSON.parse(historyOverTls.body).messages.map((m) => m.data), [{ n: 1 }]);
  // The same channel over plain HTTP on server.listen: one server, two listeners.
  const plain = await historyOk(side.base, channel);
  assert.deepEqual(plain.messages.map((m) => m.data), [{ n: 1 }]);
  // A long poll over TLS is answered by a publish over plain HTTP (since= makes the order irrelevant).
  const poll = curl(['--cacert', file('ca.pem'), `${sideTls}/api/lp?channel=${channel}&since=${plain.cursor}&timeout=10`]);
  await publish(side.base, channel, { n: 2 });
  const answered = await poll;
  assert.equal(answered.status, 200, answered.stderr);
  assert.deepEqual(JSON.parse(answered.body).messages.map((m) => m.data), [{ n: 2 }]);
  // server.listen itself speaking TLS.
  const own = await curl(['--cacert', file('ca.pem'), `${only.base}/healthz`]);
  assert.equal(own.status, 200, own.stderr);
});

test('TLS 1.1 is refused, 1.2 and 1.3 are accepted; tls.min_version=1.3 refuses 1.2', async () => {
  // The client is told to allow old versions (DEFAULT@SECLEVEL=0), so a refusal is the server's.
  const old = ['--cacert', file('ca.pem'), '--ciphers', 'DEFAULT@SECLEVEL=0'];
  const tls11 = await curl([...old, '--tlsv1.1', '--tls-max', '1.1', `${sideTls}/healthz`]);
  assert.equal(tls11.code, 35, `TLS 1.1 must fail the handshake: ${tls11.stderr}`);
  assert.match(tls11.stderr, /protocol version|unsupported protocol/i);
  const tls12 = await curl([...old, '--tlsv1.2', '--tls-max', '1.2', `${sideTls}/healthz`]);
  assert.equal(tls12.status, 200, tls12.stderr);
  const tls13 = await curl(['--cacert', file('ca.pem'), '--tlsv1.3', `${sideTls}/healthz`]);
  assert.equal(tls13.status, 200, tls13.stderr);
  const refused12 = await curl([...old, '--tlsv1.2', '--tls-max', '1.2', `${only.base}/healthz`]);
  assert.equal(refused12.code, 35, refused12.stderr);
  // ALPN: herald says http/1.1.
  const alpn = await new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: new URL(sideTls).port, ca, ALPNProtocols: ['h2', 'http/1.1'] }, () => {
      resolve(socket.alpnProtocol);
      socket.destroy();
    });
    socket.on('error', reject);
  });
  assert.equal(alpn, 'http/1.1');
});

test('plain HTTP on the TLS port is refused with a clear 400', async () => {
  const res = await curl([`http://127.0.0.1:${new URL(sideTls).port}/healthz`]);
  assert.equal(res.status, 400, res.stderr);
  assert.equal(JSON.parse(res.body).error.code, 'tls_required');
  // and the TLS listener still serves TLS afterwards
  assert.equal((await request(sideTls, 'GET', '/healthz', { ca })).status, 200);
});

test('WSS with the ws client: subscribe and receive what HTTPS publishes', async () => {
  const channel = uniqueChannel('wss');
  const client = await wsConnect(sideTls, { ca });
  clients.push({ close: () => client.ws.terminate() });
  const reply = await client.command({ op: 'subscribe', channel });
  assert.equal(reply.ok, true, JSON.stringify(reply));
  for (let n = 1; n <= 50; n += 1) {
    const res = await request(sideTls, 'POST', '/api/publish', { body: { channel, data: { n } }, ca });
    assert.equal(res.status, 200, res.text);
  }
  const messages = await client.waitMessages(channel, 50);
  assert.deepEqual(messages.map((m) => m.data.n), Array.from({ length: 50 }, (_, i) => i + 1));
  // A large message crosses several TLS records both ways.
  const big = 'x'.repeat(40_000);
  await request(side.base, 'POST', '/api/publish', { body: { channel, data: big } });
  const [last] = (await client.waitMessages(channel, 51)).slice(-1);
  assert.equal(last.data, big);
  client.ws.close(1000);
  const closed = await client.waitClose();
  assert.equal(closed.code, 1000);
});

test('eventsource over TLS receives messages', async () => {
  const channel = uniqueChannel('sse-tls');
  const { es, state } = tlsEventSource(`${sideTls}/api/sse?channel=${channel}`);
  await waitFor(() => state.opens === 1, { timeout: 10_000, label: 'EventSource open' });
  for (let n = 1; n <= 20; n += 1) await publish(side.base, channel, { n });
  await waitFor(() => state.messages.length === 20, { timeout: 10_000, describe: () => `${state.messages.length} messages` });
  assert.deepEqual(state.messages.map((m) => m.data.n), Array.from({ length: 20 }, (_, i) => i + 1));
  es.close();
});

test('Chromium: an https page of herald uses EventSource, WebSocket and publishes as its own origin', { skip: chromiumMissing, timeout: 60_000 }, async () => {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const channel = uniqueChannel('browser-tls');
    const res = await page.goto(`${sideTls}/healthz`);
    assert.equal(res.status(), 200);
    const publishStatus = await page.evaluate(async (ch) => {
      const st = { sse: [], ws: [] };
      window.__st = st;
      const es = new EventSource(`/api/sse?channel=${ch}`);
      es.onmessage = (e) => st.sse.push(JSON.parse(e.data).data);
      const esOpen = new Promise((resolve) => es.addEventListener('open', resolve, { once: true }));
      const socket = new WebSocket(`wss://${location.host}/api/ws`, 'herald.v1');
      await new Promise((resolve, reject) => {
        socket.onopen = resolve;
        socket.onerror = reject;
      });
      socket.onmessage = (e) => {
        const m = JSON.parse(e.data);
        if (m.op === 'message') st.ws.push(m.data);
        if (m.id === 1) st.subscribed = true;
      };
      socket.send(JSON.stringify({ id: 1, op: 'subscribe', channel: ch }));
      await esOpen;
      while (!st.subscribed) await new Promise((resolve) => setTimeout(resolve, 20));
      // Without an API key, herald's own pages may publish: an https page served over TLS is one.
      const answer = await fetch('/api/publish', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ channel: ch, data: 'from the page' }) });
      return answer.status;
    }, channel);
    assert.equal(publishStatus, 200);
    await waitFor(async () => {
      const st = await page.evaluate(() => window.__st);
      return st.sse.length === 1 && st.ws.length === 1;
    }, { timeout: 10_000, label: 'both streams got the message' });
    const st = await page.evaluate(() => window.__st);
    assert.deepEqual(st, { sse: ['from the page'], ws: ['from the page'], subscribed: true });
  } finally {
    await browser.close();
  }
});

test('SIGHUP reloads the certificate for new connections while an open SSE stream goes on', { timeout: 40_000 }, async () => {
  const port = Number(new URL(sideTls).port);
  assert.equal(await servedSerial(port), '1001');
  const channel = uniqueChannel('reload');
  const { es, state } = tlsEventSource(`${sideTls}/api/sse?channel=${channel}`);
  await waitFor(() => state.opens === 1, { timeout: 10_000, label: 'EventSource open' });
  await publish(side.base, channel, { n: 1 });
  await waitFor(() => state.messages.length === 1, { timeout: 10_000 });

  fs.copyFileSync(file('second.pem'), file('live.pem'));
  fs.copyFileSync(file('second.key'), file('live.key'));
  side.signal('SIGHUP');
  await waitFor(() => side.output().includes('reloaded the TLS certificate'), { timeout: 5000, label: 'reload logged' });
  assert.equal(await servedSerial(port), '1002');
  await publish(side.base, channel, { n: 2 });
  await waitFor(() => state.messages.length === 2, { timeout: 10_000, describe: () => `${state.messages.length} messages` });
  assert.equal(state.opens, 1, 'the stream opened before the reload kept running');

  // A reload that fails keeps the current certificate, and the server keeps serving.
  fs.copyFileSync(file('garbage.pem'), file('live.pem'));
  side.signal('SIGHUP');
  await waitFor(() => side.output().includes('TLS reload failed'), { timeout: 5000, label: 'failed reload logged' });
  assert.match(side.output(), /TLS reload failed, keeping the current certificate: tls\.cert: .*live\.pem/);
  assert.equal(await servedSerial(port), '1002');
  await publish(side.base, channel, { n: 3 });
  await waitFor(() => state.messages.length === 3, { timeout: 10_000 });
  assert.equal(state.opens, 1);
  assert.equal(side.exitInfo, null, 'SIGHUP does not stop the server');
  es.close();
  fs.copyFileSync(file('second.pem'), file('live.pem'));
});

test('a certificate or key that cannot be loaded stops herald with a clear message (exit 2)', async () => {
  const port = await freePort();
  const serve = (...args) => runHerald(['serve', '--listen', `127.0.0.1:${port}`, ...args]);
  const garbage = await serve('--tls-cert', file('garbage.pem'), '--tls-key', file('first.key'));
  assert.equal(garbage.code, 2, garbage.stderr);
  assert.match(garbage.stderr, /^herald: configuration error: command line: tls\.cert: .*garbage\.pem: not a PEM certificate/m);
  const missing = await serve('--tls-cert', file('missing.pem'), '--tls-key', file('first.key'));
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(missing.stderr, /tls\.cert: .*missing\.pem: cannot read it: No such file or directory/);
  const mismatch = await serve('--tls-cert', file('first.pem'), '--tls-key', file('second.key'));
  assert.equal(mismatch.code, 2, mismatch.stderr);
  assert.match(mismatch.stderr, /tls\.key: .*second\.key: the key does not belong to the certificate/);
  const alone = await runHerald(['serve', '--listen', `127.0.0.1:${port}`, '--tls-cert', file('first.pem')]);
  assert.equal(alone.code, 2, alone.stderr);
  assert.match(alone.stderr, /tls\.cert: needs tls\.key too/);
  const version = await runHerald(['serve', '--listen', `127.0.0.1:${port}`], { env: { HERALD_TLS_MIN_VERSION: '1.1' } });
  assert.equal(version.code, 2, version.stderr);
  assert.match(version.stderr, /environment HERALD_TLS_MIN_VERSION: tls\.min_version: expected "1\.2" or "1\.3"/);
});

test('a TLS handshake that never completes is closed after http.header_timeout', async () => {
  const port = Number(new URL(only.base).port);
  // Nothing at all, then the first bytes of a ClientHello that never goes on.
  const silent = await rawExchange(port, [], { timeout: 6000 });
  assert.equal(silent.closedByServer, true, 'a silent client is closed');
  assert.ok(silent.elapsed >= 900 && silent.elapsed < 4000, `closed after ${silent.elapsed} ms`);
  const partial = await rawExchange(port, [Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00])], { timeout: 6000 });
  assert.equal(partial.closedByServer, true, 'a half handshake is closed');
  assert.ok(partial.elapsed >= 900 && partial.elapsed < 4000, `closed after ${partial.elapsed} ms`);
  // The server is fine afterwards.
  assert.equal((await request(only.base, 'GET', '/healthz', { ca })).status, 200);
  // A connection that did complete the handshake is not affected by the handshake limit alone: it gets
  // the header timeout for its request as before.
  const socket = await new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, ca }, () => resolve(s));
    s.on('error', reject);
  });
  const ended = new Promise((resolve) => socket.on('close', () => resolve(Date.now())));
  const t0 = Date.now();
  assert.ok((await ended) - t0 < 4000, 'an idle TLS connection without a request is closed by the header timeout');
});

test('a burst over TLS reaches a WSS and an SSE client whole and in order', { timeout: 40_000 }, async () => {
  const channel = uniqueChannel('burst');
  const client = await wsConnect(sideTls, { ca });
  clients.push({ close: () => client.ws.terminate() });
  assert.equal((await client.command({ op: 'subscribe', channel })).ok, true);
  const { es, state } = tlsEventSource(`${sideTls}/api/sse?channel=${channel}`);
  await waitFor(() => state.opens === 1, { timeout: 10_000, label: 'EventSource open' });
  const count = 2000;
  const pad = 'p'.repeat(200);
  for (let start = 0; start < count; start += 100) {
    const messages = Array.from({ length: 100 }, (_, i) => ({ channel, data: { n: start + i + 1, pad } }));
    const res = await request(side.base, 'POST', '/api/publish', { body: { messages } });
    assert.equal(res.status, 200, res.text);
  }
  const expected = Array.from({ length: count }, (_, i) => i + 1);
  const overWs = await client.waitMessages(channel, count, { timeout: 20_000 });
  assert.deepEqual(overWs.map((m) => m.data.n), expected);
  await waitFor(() => state.messages.length === count, { timeout: 20_000, describe: () => `${state.messages.length} SSE messages` });
  assert.deepEqual(state.messages.map((m) => m.data.n), expected);
  es.close();
  client.ws.close(1000);
  await client.waitClose();
});

test('SIGTERM ends WSS, SSE and idle HTTPS connections cleanly and promptly', { timeout: 30_000 }, async () => {
  const srv = await startServer({ label: 'tls-shutdown', ca, args: ['--tls-cert', file('first.pem'), '--tls-key', file('first.key')] });
  try {
    const channel = uniqueChannel('bye');
    const client = await wsConnect(srv.base, { ca });
    assert.equal((await client.command({ op: 'subscribe', channel })).ok, true);
    const closes = [];
    const es = new EventSource(`${srv.base}/api/sse?channel=${channel}`, { fetch: httpsFetch });
    es.addEventListener('close', (ev) => closes.push(JSON.parse(ev.data).reason));
    await new Promise((resolve) => es.addEventListener('open', resolve, { once: true }));
    // An idle keep-alive HTTPS connection after one request.
    const agent = new https.Agent({ keepAlive: true, ca });
    await new Promise((resolve, reject) => https.get(`${srv.base}/healthz`, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject));
    const t0 = Date.now();
    const stopped = await srv.stop();
    es.close();
    agent.destroy();
    assert.equal(stopped.code, 0, JSON.stringify(stopped));
    assert.equal(stopped.forced, false);
    assert.ok(Date.now() - t0 < 3000, `exited after ${Date.now() - t0} ms`);
    assert.equal((await client.waitClose()).code, 1001);
    assert.deepEqual(closes, ['shutdown']);
  } finally {
    await srv.stop();
  }
});

test('a slow TLS reader is dropped with its last event after whole events', { timeout: 40_000 }, async () => {
  const srv = await startServer({ label: 'tls-slow', ca, env: { HERALD_TLS_CERT: file('first.pem'), HERALD_TLS_KEY: file('first.key'), HERALD_LIMITS_QUEUE_BYTES: '65536' } });
  try {
    const channel = uniqueChannel('slow');
    const port = Number(new URL(srv.base).port);
    const received = [];
    const socket = await new Promise((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port, ca }, () => resolve(s));
      s.on('error', reject);
    });
    const ended = new Promise((resolve) => socket.on('end', resolve));
    socket.on('data', (d) => received.push(d));
    socket.write(`GET /api/sse?channel=${channel} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    await waitFor(() => Buffer.concat(received).toString().includes('\n\nid: '), { timeout: 5000, label: 'stream started' });
    // A few messages it reads, then it stops reading.
    const first = Array.from({ length: 5 }, (_, i) => ({ channel, data: { n: i + 1 } }));
    assert.equal((await request(srv.base, 'POST', '/api/publish', { body: { messages: first }, ca })).status, 200);
    await waitFor(() => (Buffer.concat(received).toString().match(/event: message/g) ?? []).length === 5, { timeout: 5000, label: 'first messages read' });
    socket.pause(); // stop reading: the kernel buffers fill, then herald's queue
    const data = 'd'.repeat(4000);
    for (let batch = 0; batch < 10 && !srv.output().includes('slow consumer'); batch += 1) {
      const messages = Array.from({ length: 100 }, (_, i) => ({ channel, data: { n: batch * 100 + i + 6, data } }));
      assert.equal((await request(srv.base, 'POST', '/api/publish', { body: { messages }, ca })).status, 200);
    }
    await waitFor(() => srv.output().includes('slow consumer'), { timeout: 10_000, label: 'slow consumer logged' });
    socket.resume();
    await ended;
    const text = Buffer.concat(received).toString();
    const events = text.slice(text.indexOf('\r\n\r\n') + 4).split('\n\n').filter((e) => e.includes('data: '));
    const last = events.pop();
    assert.match(last, /event: close\ndata: \{"reason":"slow_consumer"\}/);
    const offsets = events.map((e) => JSON.parse(e.slice(e.indexOf('data: ') + 6)).offset);
    assert.ok(offsets.length >= 5, `${offsets.length} events before the close event`);
    assert.deepEqual(offsets, Array.from({ length: offsets.length }, (_, i) => i + 1), 'whole events, in order, none cut');
    socket.destroy();
  } finally {
    await srv.stop();
  }
});
