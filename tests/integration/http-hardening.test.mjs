// HTTP hardening, tested from outside with clients herald did not write (node:http, raw `net` sockets,
// curl, `ws`, Chromium): numbers that cannot be carried exactly, request framing (smuggling shapes, Host),
// cross-site publishing, the web root, and small HTTP conformance points (Authorization scheme, HEAD,
// absolute-form targets, limit clamping, HTTP/1.0 keep-alive).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { test, before, after } from './lib/harness.mjs';
import { chromiumMissing, launchChromium } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';
import { request, historyOk, publish, rawExchange, rawStatus, rawJsonBody } from './lib/http.mjs';
import { wsConnect, wsRefused } from './lib/ws-client.mjs';
import { uniqueChannel, assertErrorBody, waitFor } from './lib/util.mjs';

const noChromium = chromiumMissing;

let srv; // defaults, plus client publishing over WebSocket for "num."
let browser; // Chromium, for the cross-site publishing tests
const clients = [];
const pageServers = [];

before(async () => {
  srv = await startServer({ label: 'hardening', env: { HERALD_WS_PUBLISH_PREFIXES: 'num.' } });
  if (!noChromium) {
    browser = await launchChromium();
  }
});

after(async () => {
  for (const c of clients) await c.closeAndWait().catch(() => {});
  await browser?.close();
  for (const server of pageServers) await new Promise((resolve) => server.close(resolve));
  await srv?.stop();
});

/** POST /api/publish with `body` sent exactly as written (JSON.stringify cannot write 1e999999). */
function publishText(body, path = '/api/publish', contentType = 'application/json') {
  return request(srv.base, 'POST', path, { body, headers: { 'Content-Type': contentType } });
}

// ---------------------------------------------------------------------------------------------------
// Numbers that cannot be carried exactly

const UNREPRESENTABLE = ['1e999999', '-1e400', '123456789012345678901234567890', '-9223372036854775809', '1e-400'];

test('a number out of range is refused with 400 invalid_number on POST /api/publish, and nothing is published', async () => {
  for (const number of UNREPRESENTABLE) {
    const channel = uniqueChannel('num');
    const res = await publishText(`{"channel":"${channel}","data":{"n":${number}}}`);
    const body = assertErrorBody(res, 400, 'invalid_number', number);
    assert.match(body.error.message, /string/, 'the message says to send such numbers as strings');
    const hist = await request(srv.base, 'GET', `/api/history?channel=${channel}`);
    assert.equal(hist.status, 200);
    assert.deepEqual(JSON.parse(hist.text).messages, [], `${number}: nothing published`);
  }
});

test('a batch with one number out of range is refused whole', async () => {
  const a = uniqueChannel('num');
  const b = uniqueChannel('num');
  const res = await publishText(`{"messages":[{"channel":"${a}","data":1},{"channel":"${b}","data":[1e999999]}]}`);
  assertErrorBody(res, 400, 'invalid_number');
  assert.deepEqual((await historyOk(srv.base, a)).messages, []);
  assert.deepEqual((await historyOk(srv.base, b)).messages, []);
});

test('POST /api/publish/{channel} with a JSON body refuses numbers out of range; a text body stays a string', async () => {
  const channel = uniqueChannel('num');
  assertErrorBody(await publishText('1e999999', `/api/publish/${channel}`), 400, 'invalid_number');
  assertErrorBody(await publishText('[18446744073709551616]', `/api/publish/${channel}`, 'application/ld+json'), 400, 'invalid_number');
  const text = await publishText('1e999999', `/api/publish/${channel}`, 'text/plain');
  assert.equal(text.status, 200, text.text);
  const { messages } = await historyOk(srv.base, channel);
  assert.deepEqual(messages.map((m) => m.data), ['1e999999']);
});

test('the WebSocket publish command refuses numbers out of range with invalid_number and echoes the id', async () => {
  const c = await wsConnect(srv.base);
  clients.push(c);
  const channel = uniqueChannel('num.ws');
  c.send(`{"id":"big","op":"publish","channel":"${channel}","data":123456789012345678901234567890}`);
  const reply = await c.waitReply('big');
  assert.equal(reply.ok, false);
  assert.equal(reply.error.code, 'invalid_number', JSON.stringify(reply));
  c.send(`{"id":"inf","op":"publish","channel":"${channel}","data":1e999999}`);
  assert.equal((await c.waitReply('inf')).error.code, 'invalid_number');
  // Every frame the server sent is JSON.
  for (const frame of c.frames) assert.ok(frame.json !== undefined, `not JSON: ${frame.text}`);
  assert.deepEqual((await historyOk(srv.base, channel)).messages, []);
  assert.equal(c.open, true, 'the connection stays open');
});

test('finite numbers keep working and arrive with the value that was sent', async () => {
  const channel = uniqueChannel('num');
  const sent = ['1.5', '1e300', '-0.0', '18446744073709551615', '-9223372036854775808', '2.2250738585072011e-308', '0.1'];
  for (const number of sent) {
    const res = await publishText(`{"channel":"${channel}","data":${number}}`);
    assert.equal(res.status, 200, `${number}: ${res.text}`);
  }
  const hist = await request(srv.base, 'GET', `/api/history?channel=${channel}`);
  assert.doesNotMatch(hist.text, /Infinity|NaN/);
  const values = JSON.parse(hist.text).messages.map((m) => m.data);
  // JSON.parse rounds correctly, so equal doubles mean the number kept its value. (The two 64-bit integers
  // are beyond 2^53 and compared as text.)
  assert.equal(values[0], 1.5);
  assert.equal(values[1], 1e300);
  assert.ok(Object.is(values[2], -0), `-0.0 arrived as ${values[2]}`);
  assert.match(hist.text, /"data":18446744073709551615\}/);
  assert.match(hist.text, /"data":-9223372036854775808\}/);
  assert.equal(values[5], 2.2250738585072011e-308);
  assert.equal(values[6], 0.1);
});

// ---------------------------------------------------------------------------------------------------
// Request framing: smuggling shapes and Host

/** A complete POST /api/publish request for `channel` (Content-Length framing). */
function plainPublish(channel, host = '127.0.0.1') {
  const body = JSON.stringify({ channel, data: 'hidden' });
  return `POST /api/publish HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
}

/** Number of HTTP responses in raw data. */
function responseCount(data) {
  return (data.match(/HTTP\/1\.[01] \d{3} /g) ?? []).length;
}

async function messagesOn(channel) {
  return (await historyOk(srv.base, channel)).messages;
}

test('a Transfer-Encoding whose last coding is not chunked is refused with 400 and the connection closed; Content-Length is never used instead', async () => {
  for (const coding of ['xchunked', 'chunked, identity', 'gzip', 'identity']) {
    const front = uniqueChannel('front');
    const hidden = uniqueChannel('hidden');
    const frontBody = JSON.stringify({ channel: front, data: 'front' });
    // Content-Length covers the front body; the hidden request follows it on the same connection.
    const payload =
      `POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: ${coding}\r\n` +
      `Content-Length: ${frontBody.length}\r\n\r\n${frontBody}${plainPublish(hidden)}`;
    const r = await rawExchange(srv.port, [payload], { timeout: 5000 });
    assert.equal(rawStatus(r.data), 400, `${coding}: ${r.data}`);
    assert.equal(rawJsonBody(r.data)?.error?.code, 'bad_request', coding);
    assert.match(r.data, /\r\nconnection: close\r\n/i, `${coding}: the response says the connection closes`);
    assert.equal(r.closedByServer, true, `${coding}: the server closes the connection`);
    assert.equal(responseCount(r.data), 1, `${coding}: exactly one response: ${r.data}`);
    assert.deepEqual(await messagesOn(hidden), [], `${coding}: the hidden request was not executed`);
    assert.deepEqual(await messagesOn(front), [], `${coding}: the refused request published nothing`);
  }
});

test('a Transfer-Encoding that is not chunked, without Content-Length, does not turn the body into a request', async () => {
  for (const coding of ['chunked, identity', 'gzip', 'xchunked']) {
    const hidden = uniqueChannel('hidden');
    const payload = `POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: ${coding}\r\n\r\n${plainPublish(hidden)}`;
    const r = await rawExchange(srv.port, [payload], { timeout: 5000 });
    assert.equal(rawStatus(r.data), 400, `${coding}: ${r.data}`);
    assert.equal(r.closedByServer, true);
    assert.equal(responseCount(r.data), 1, `${coding}: exactly one response: ${r.data}`);
    assert.deepEqual(await messagesOn(hidden), [], `${coding}: the hidden request was not executed`);
  }
});

test('Transfer-Encoding together with Content-Length is refused with 400 and closed, in either order', async () => {
  for (const fields of [
    ['Transfer-Encoding: chunked', 'Content-Length: 5'],
    ['Content-Length: 5', 'Transfer-Encoding: chunked'],
  ]) {
    const hidden = uniqueChannel('hidden');
    const payload = `POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1\r\n${fields.join('\r\n')}\r\n\r\n0\r\n\r\n${plainPublish(hidden)}`;
    const r = await rawExchange(srv.port, [payload], { timeout: 5000 });
    assert.equal(rawStatus(r.data), 400, `${fields}: ${r.data}`);
    assert.equal(r.closedByServer, true);
    assert.equal(responseCount(r.data), 1, `${fields}: ${r.data}`);
    assert.deepEqual(await messagesOn(hidden), []);
  }
});

test('a transfer coding before chunked is answered 501 and the connection closed', async () => {
  const hidden = uniqueChannel('hidden');
  const payload = `POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n${plainPublish(hidden)}`;
  const r = await rawExchange(srv.port, [payload], { timeout: 5000 });
  assert.equal(rawStatus(r.data), 501, r.data);
  assert.equal(rawJsonBody(r.data)?.error?.code, 'not_implemented');
  assert.equal(r.closedByServer, true);
  assert.deepEqual(await messagesOn(hidden), []);
});

test('a chunked request body still works, and the next request on the connection too', async () => {
  const channel = uniqueChannel('chunked');
  const second = uniqueChannel('chunked');
  const body = JSON.stringify({ channel, data: 'chunked body' });
  const chunked = `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
  const payload = `POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunked}${plainPublish(second)}`;
  const r = await rawExchange(srv.port, [payload], { timeout: 3000 });
  assert.equal(rawStatus(r.data), 200, r.data);
  assert.equal(responseCount(r.data), 2, r.data);
  assert.deepEqual((await messagesOn(channel)).map((m) => m.data), ['chunked body']);
  assert.deepEqual((await messagesOn(second)).map((m) => m.data), ['hidden']);
});

test('an HTTP/1.1 request without Host, or with two, is refused with 400; HTTP/1.0 may leave Host out', async () => {
  const none = await rawExchange(srv.port, ['GET /healthz HTTP/1.1\r\n\r\n'], { timeout: 5000 });
  assert.equal(rawStatus(none.data), 400, none.data);
  assert.match(rawJsonBody(none.data)?.error?.message ?? '', /Host/);
  const two = await rawExchange(srv.port, ['GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'], { timeout: 5000 });
  assert.equal(rawStatus(two.data), 400, two.data);
  const bad = await rawExchange(srv.port, ['GET /healthz HTTP/1.1\r\nHost: user@evil\r\n\r\n'], { timeout: 5000 });
  assert.equal(rawStatus(bad.data), 400, bad.data);
  const old = await rawExchange(srv.port, ['GET /healthz HTTP/1.0\r\n\r\n'], { timeout: 5000 });
  assert.equal(rawStatus(old.data), 200, old.data);
});

// ---------------------------------------------------------------------------------------------------
// One origin parser: the WebSocket handshake reads origins strictly

test('a WebSocket handshake from an origin whose port part is not a port is refused with 403', async () => {
  for (const origin of ['http://localhost:19300.evil.com', 'http://127.0.0.1:80.evil.com', 'http://localhost:3000@evil.com']) {
    const err = await wsRefused(srv.base, { origin });
    assert.equal(err.status, 403, `${origin}: ${err.body}`);
  }
  const ok = await wsConnect(srv.base, { origin: 'http://localhost:19300' });
  clients.push(ok);
});

// ---------------------------------------------------------------------------------------------------
// Cross-site publishing on a herald without an API key

/** Serves `html` at / from a second local HTTP server (another origin); resolves its base URL. */
async function servePage(html, host = '127.0.0.1') {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(html);
  });
  pageServers.push(server);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://${host}:${server.address().port}`;
}

/** Opens `url` in a fresh browser context; returns the page (closed with its context by the caller). */
async function openPage(url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const res = await page.goto(url);
  assert.equal(res.status(), 200);
  return { page, context };
}

/** From a page, tries every way a foreign page could publish to `target` without a preflight. */
async function tryCrossSitePublishes(page, target, channel) {
  return page.evaluate(
    async ({ target, channel }) => {
      const body = JSON.stringify({ channel, data: 'from another site' });
      const outcomes = [];
      const attempt = async (label, init, url = `${target}/api/publish`) => {
        try {
          const res = await fetch(url, init);
          outcomes.push({ label, type: res.type, status: res.status });
        } catch (err) {
          outcomes.push({ label, error: String(err) });
        }
      };
      await attempt('no-cors text/plain', { method: 'POST', mode: 'no-cors', body, headers: { 'Content-Type': 'text/plain' } });
      await attempt('no-cors form', { method: 'POST', mode: 'no-cors', body: new URLSearchParams({ x: body }) });
      await attempt('no-cors raw', { method: 'POST', mode: 'no-cors', body: 'raw text', headers: { 'Content-Type': 'text/plain' } }, `${target}/api/publish/${channel}`);
      await attempt('cors json', { method: 'POST', mode: 'cors', body, headers: { 'Content-Type': 'application/json' } });
      navigator.sendBeacon(`${target}/api/publish`, new Blob([body], { type: 'text/plain' }));
      outcomes.push({ label: 'beacon' });
      return outcomes;
    },
    { target, channel },
  );
}

test('a page of another origin cannot publish to a herald without an API key (fetch no-cors, beacon)', { skip: noChromium, timeout: 60_000 }, async () => {
  const channel = uniqueChannel('xsite');
  const foreign = await servePage('<!doctype html><title>another site</title><p>hello</p>');
  const { page, context } = await openPage(foreign);
  const refusedBefore = await metricValue('herald_http_requests_total{code="4xx"}');
  try {
    await tryCrossSitePublishes(page, srv.base, channel);
    // The beacon is sent in the background: wait until herald has answered all five requests (four 403s
    // and the 405 to the CORS preflight), or until something was published.
    await waitFor(
      async () => (await metricValue('herald_http_requests_total{code="4xx"}')) >= refusedBefore + 5 || (await messagesOn(channel)).length > 0,
      { timeout: 10_000, label: 'the cross-site requests answered' },
    );
  } finally {
    await context.close();
  }
  assert.deepEqual(await messagesOn(channel), [], 'nothing was published from the other origin');
});

test('the refusal of a cross-origin publish is 403 forbidden_origin, also for Sec-Fetch-Site without Origin', async () => {
  const channel = uniqueChannel('xsite');
  const body = JSON.stringify({ channel, data: 1 });
  const cases = [
    { Origin: 'http://127.0.0.1:1' },
    { Origin: 'http://localhost:3000' },
    { Origin: 'null' },
    { Origin: `${srv.base}.evil.example` },
    { 'Sec-Fetch-Site': 'cross-site' },
    { 'Sec-Fetch-Site': 'same-site' },
  ];
  for (const headers of cases) {
    const res = await request(srv.base, 'POST', '/api/publish', { body, headers: { 'Content-Type': 'text/plain', ...headers } });
    assertErrorBody(res, 403, 'forbidden_origin', JSON.stringify(headers));
  }
  // herald's own origin, and programs that send neither header, still publish.
  for (const headers of [{ Origin: srv.base, 'Sec-Fetch-Site': 'same-origin' }, {}, { 'Sec-Fetch-Site': 'none' }]) {
    const res = await request(srv.base, 'POST', '/api/publish', { body, headers: { 'Content-Type': 'application/json', ...headers } });
    assert.equal(res.status, 200, `${JSON.stringify(headers)}: ${res.text}`);
  }
  assert.equal((await messagesOn(channel)).length, 3);
});

test('the live channel demo page (/live.html) publishes to its own origin from Chromium', { skip: noChromium, timeout: 60_000 }, async () => {
  const channel = uniqueChannel('demo');
  const { page, context } = await openPage(`${srv.base}/live.html?channel=${channel}`);
  try {
    await page.fill('#text', 'typed in the demo');
    await page.click('#publish button');
    await waitFor(async () => /published as/.test(await page.textContent('#publish-result')), { timeout: 10_000, label: 'demo publish result' });
  } finally {
    await context.close();
  }
  assert.deepEqual((await messagesOn(channel)).map((m) => m.data), [{ text: 'typed in the demo' }]);
});

test('publish.allowed_origins lets a listed origin publish from a browser; others stay refused', { skip: noChromium, timeout: 60_000 }, async () => {
  const listed = await servePage('<!doctype html><title>listed</title>');
  const unlisted = await servePage('<!doctype html><title>unlisted</title>');
  const allowing = await startServer({ label: 'hardening-origins', env: { HERALD_PUBLISH_ALLOWED_ORIGINS: `${listed},https://other.example` } });
  try {
    const fromListed = uniqueChannel('xsite');
    const fromUnlisted = uniqueChannel('xsite');
    for (const [origin, channel] of [[listed, fromListed], [unlisted, fromUnlisted]]) {
      const { page, context } = await openPage(origin);
      try {
        const outcomes = await page.evaluate(
          async ({ target, channel }) => {
            const res = await fetch(`${target}/api/publish`, { method: 'POST', mode: 'no-cors', body: JSON.stringify({ channel, data: 'listed' }), headers: { 'Content-Type': 'text/plain' } });
            return res.type;
          },
          { target: allowing.base, channel },
        );
        assert.equal(outcomes, 'opaque');
      } finally {
        await context.close();
      }
    }
    assert.deepEqual((await historyOk(allowing.base, fromListed)).messages.map((m) => m.data), ['listed']);
    assert.deepEqual((await historyOk(allowing.base, fromUnlisted)).messages, []);
  } finally {
    await allowing.stop();
  }
});

/** The value of one series of herald's /metrics. */
async function metricValue(series) {
  const res = await request(srv.base, 'GET', '/metrics');
  const line = res.text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

// ---------------------------------------------------------------------------------------------------
// Authorization

test('the Bearer scheme is case-insensitive, and 401 answers carry WWW-Authenticate', async () => {
  const keyed = await startServer({ label: 'hardening-key', env: { HERALD_PUBLISH_API_KEY: 'k3y-s3cret' } });
  try {
    const channel = uniqueChannel('auth');
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const res = await request(keyed.base, 'POST', '/api/publish', { body: { channel, data: scheme }, headers: { Authorization: `${scheme} k3y-s3cret` } });
      assert.equal(res.status, 200, `${scheme}: ${res.text}`);
    }
    for (const headers of [{}, { Authorization: 'Bearer wrong' }, { Authorization: 'Basic k3y-s3cret' }]) {
      const res = await request(keyed.base, 'POST', '/api/publish', { body: { channel, data: 'no' }, headers });
      assertErrorBody(res, 401, 'unauthorized', JSON.stringify(headers));
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="herald"', JSON.stringify(headers));
    }
    assert.deepEqual((await historyOk(keyed.base, channel)).messages.map((m) => m.data), ['Bearer', 'bearer', 'BEARER']);
  } finally {
    await keyed.stop();
  }
});

// ---------------------------------------------------------------------------------------------------
// --web-root serves regular files only

/** A temporary web root: index.html, app.js, a FIFO, a directory, symlinks inside and out of the root. */
function makeWebRoot() {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-webroot-'));
  const root = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>root</title>');
  fs.writeFileSync(path.join(root, 'app.js'), 'console.log(1);');
  fs.writeFileSync(path.join(root, 'sub', 'page.html'), 'sub page');
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'outside the root');
  execFileSync('mkfifo', [path.join(root, 'pipe')]);
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'leak.txt'));
  fs.symlinkSync(outside, path.join(root, 'outdir'));
  fs.symlinkSync('sub/page.html', path.join(root, 'alias.html'));
  return { base, root };
}

/** Lets any reader still blocked on the FIFO go (an old server's worker), then removes the web root. */
function removeWebRoot({ base, root }) {
  try {
    const fd = fs.openSync(path.join(root, 'pipe'), fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    fs.closeSync(fd);
  } catch {
    /* no reader: nothing to release */
  }
  fs.rmSync(base, { recursive: true, force: true });
}

test('--web-root: a FIFO answers 404 at once and blocks no worker; /healthz keeps answering', { timeout: 60_000 }, async () => {
  const webRoot = makeWebRoot();
  const served = await startServer({ label: 'hardening-webroot', args: ['--web-root', webRoot.root] });
  try {
    for (let i = 0; i < 6; i += 1) {
      const res = await request(served.base, 'GET', '/pipe', { timeout: 5000 });
      assertErrorBody(res, 404, 'not_found', `fifo ${i}`);
    }
    for (let i = 0; i < 10; i += 1) {
      const res = await request(served.base, 'GET', '/healthz', { timeout: 5000 });
      assert.equal(res.status, 200, `healthz ${i}`);
    }
  } finally {
    removeWebRoot(webRoot);
    await served.stop();
  }
});

test('--web-root: directories answer 404, a NUL in the path 400, regular files 200', async () => {
  const webRoot = makeWebRoot();
  const served = await startServer({ label: 'hardening-webroot', args: ['--web-root', webRoot.root] });
  try {
    for (const dir of ['/sub', '/sub/', '/outdir', '/outdir/']) assertErrorBody(await request(served.base, 'GET', dir), 404, 'not_found', dir);
    for (const target of ['/index.html%00.js', '/app.js%00', '/%00']) assertErrorBody(await request(served.base, 'GET', target), 400, 'bad_request', target);
    const index = await request(served.base, 'GET', '/');
    assert.equal(index.status, 200);
    assert.match(index.headers['content-type'], /^text\/html/);
    assert.equal(index.text, '<!doctype html><title>root</title>');
    const js = await request(served.base, 'GET', '/app.js');
    assert.equal(js.status, 200);
    assert.match(js.headers['content-type'], /^text\/javascript/);
    assert.equal((await request(served.base, 'GET', '/sub/page.html')).text, 'sub page');
  } finally {
    removeWebRoot(webRoot);
    await served.stop();
  }
});

test('--web-root: symlinks that leave the root answer 404 unless http.web_root_follow_symlinks; symlinks inside work', async () => {
  const webRoot = makeWebRoot();
  const strict = await startServer({ label: 'hardening-webroot', args: ['--web-root', webRoot.root] });
  const following = await startServer({ label: 'hardening-webroot', args: ['--web-root', webRoot.root], env: { HERALD_HTTP_WEB_ROOT_FOLLOW_SYMLINKS: 'true' } });
  try {
    assertErrorBody(await request(strict.base, 'GET', '/leak.txt'), 404, 'not_found');
    assertErrorBody(await request(strict.base, 'GET', '/outdir/secret.txt'), 404, 'not_found');
    assert.equal((await request(strict.base, 'GET', '/alias.html')).text, 'sub page');
    assert.equal((await request(following.base, 'GET', '/leak.txt')).text, 'outside the root');
    assert.equal((await request(following.base, 'GET', '/outdir/secret.txt')).text, 'outside the root');
    assertErrorBody(await request(following.base, 'GET', '/pipe'), 404, 'not_found');
  } finally {
    removeWebRoot(webRoot);
    await Promise.all([strict.stop(), following.stop()]);
  }
});

// ---------------------------------------------------------------------------------------------------
// Small HTTP conformance points

/** Splits one raw response into {head, body} (body: everything after the blank line). */
function splitRaw(data) {
  const i = data.indexOf('\r\n\r\n');
  return { head: data.slice(0, i), body: data.slice(i + 4) };
}

function rawHeader(head, name) {
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(line.indexOf(':') + 1).trim();
}

test('HEAD works on every GET endpoint that answers at once: same status and headers, no body', async () => {
  const channel = uniqueChannel('head');
  await historyOk(srv.base, channel); // the channel exists, so both answers describe the same state
  for (const target of ['/healthz', '/readyz', '/', '/demo.js', `/api/history?channel=${channel}`, '/metrics', '/no-such-page']) {
    const get = await rawExchange(srv.port, [`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`]);
    const head = await rawExchange(srv.port, [`HEAD ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`]);
    const g = splitRaw(get.data);
    const h = splitRaw(head.data);
    assert.equal(rawStatus(head.data), rawStatus(get.data), `${target}: ${head.data}`);
    assert.equal(h.body, '', `${target}: a HEAD response has no body`);
    assert.equal(rawHeader(h.head, 'content-type'), rawHeader(g.head, 'content-type'), target);
    if (target !== '/metrics') assert.equal(rawHeader(h.head, 'content-length'), String(Buffer.byteLength(g.body, 'latin1')), target);
    else assert.ok(Number(rawHeader(h.head, 'content-length')) > 0, 'metrics: the length of the GET body');
  }
});

test('HEAD keeps the connection usable for the next request', async () => {
  const r = await rawExchange(srv.port, ['HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n']);
  assert.equal(responseCount(r.data), 2, r.data);
  assert.ok(r.data.endsWith('{"status":"ok"}'), r.data);
});

test('405 answers list GET, HEAD where HEAD works; the streaming endpoints take GET only', async () => {
  for (const path of ['/healthz', '/readyz', '/metrics', '/api/history', '/']) {
    const res = await request(srv.base, 'POST', path, { body: 'x' });
    assertErrorBody(res, 405, 'method_not_allowed', path);
    assert.equal(res.headers.allow, 'GET, HEAD', path);
  }
  for (const path of ['/api/lp?channel=x', '/api/sse?channel=x', '/api/ws']) {
    const res = await request(srv.base, 'HEAD', path);
    assert.equal(res.status, 405, path);
    assert.equal(res.headers.allow, 'GET', path);
  }
  const res = await request(srv.base, 'GET', '/api/publish');
  assert.equal(res.headers.allow, 'POST');
});

test('an absolute-form request target is served: its path and query, its authority as the host', async () => {
  const channel = uniqueChannel('absolute');
  await publish(srv.base, channel, 'abs');
  const health = await rawExchange(srv.port, [`GET ${srv.base}/healthz HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nConnection: close\r\n\r\n`]);
  assert.equal(rawStatus(health.data), 200, health.data);
  assert.deepEqual(rawJsonBody(health.data), { status: 'ok' });
  const hist = await rawExchange(srv.port, [`GET ${srv.base}/api/history?channel=${channel} HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nConnection: close\r\n\r\n`]);
  assert.equal(rawStatus(hist.data), 200, hist.data);
  assert.deepEqual(rawJsonBody(hist.data).messages.map((m) => m.data), ['abs']);
  // The target's authority is the host: herald's own origin for the origin check, whatever Host says.
  const body = JSON.stringify({ channel, data: 'own page' });
  const own = await rawExchange(srv.port, [
    `POST ${srv.base}/api/publish HTTP/1.1\r\nHost: elsewhere.example\r\nOrigin: ${srv.base}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
  ]);
  assert.equal(rawStatus(own.data), 200, own.data);
  const bad = await rawExchange(srv.port, [`GET ftp://127.0.0.1/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`]);
  assert.equal(rawStatus(bad.data), 400, bad.data);
});

test('a huge limit is clamped to the maximum, on history and long polling', async () => {
  const channel = uniqueChannel('limit');
  for (let i = 0; i < 3; i += 1) await publish(srv.base, channel, i);
  const huge = '99999999999999999999999';
  const hist = await request(srv.base, 'GET', `/api/history?channel=${channel}&limit=${huge}`);
  assert.equal(hist.status, 200, hist.text);
  assert.deepEqual(hist.json().messages.map((m) => m.data), [0, 1, 2]);
  const lp = await request(srv.base, 'GET', `/api/lp?channel=${channel}&since=${hist.json().messages[0].epoch}:0&limit=${huge}&timeout=0`);
  assert.equal(lp.status, 200, lp.text);
  assertErrorBody(await request(srv.base, 'GET', `/api/history?channel=${channel}&limit=-${huge}`), 400, 'invalid_field');
});

test('a bad Idempotency-Key header is reported as the header, not as the JSON field', async () => {
  const channel = uniqueChannel('idem');
  for (const key of ['k'.repeat(129)]) {
    const res = await request(srv.base, 'POST', `/api/publish/${channel}`, { body: 'x', headers: { 'Content-Type': 'text/plain', 'Idempotency-Key': key } });
    const body = assertErrorBody(res, 400, 'invalid_field');
    assert.match(body.error.message, /Idempotency-Key header/, body.error.message);
  }
  const field = await request(srv.base, 'POST', '/api/publish', { body: { channel, data: 1, idempotency_key: '' } });
  assert.match(assertErrorBody(field, 400, 'invalid_field').error.message, /^idempotency_key/);
});

test('HTTP/1.0 with Connection: keep-alive is told so and kept open; without it the connection closes', async () => {
  const kept = await rawExchange(srv.port, ['GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /readyz HTTP/1.0\r\n\r\n']);
  assert.equal(responseCount(kept.data), 2, kept.data);
  const first = kept.data.slice(0, kept.data.indexOf('{"status":"ok"}'));
  assert.equal(rawHeader(first, 'connection'), 'keep-alive', first);
  assert.match(kept.data, /\{"status":"ready"\}$/);
  assert.equal(kept.closedByServer, true, 'closed after the request without keep-alive');
  const closed = await rawExchange(srv.port, ['GET /healthz HTTP/1.0\r\n\r\nGET /readyz HTTP/1.0\r\n\r\n']);
  assert.equal(responseCount(closed.data), 1, closed.data);
  assert.equal(rawHeader(splitRaw(closed.data).head, 'connection'), 'close');
  assert.equal(closed.closedByServer, true);
});

/**
 * Sends a request whose Content-Length announces `size` bytes and keeps writing the body without reading,
 * as a client that does not watch for an early answer does; resolves with what it received.
 */
function sendOversizedBody(base, size) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    let received = '';
    const body = Buffer.alloc(size, 'h');
    socket.on('connect', () => {
      socket.write(`POST /api/publish/big HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${size}\r\n\r\n`);
      let offset = 0;
      const pump = () => {
        while (offset < size) {
          const chunk = body.subarray(offset, offset + 65536);
          offset += chunk.length;
          if (!socket.write(chunk)) return socket.once('drain', pump);
        }
      };
      pump();
    });
    socket.on('data', (data) => (received += data));
    socket.on('error', (error) => resolve({ received, error: error.code }));
    socket.on('close', () => resolve({ received }));
  });
}

test('a client still sending a body over http.max_body_bytes reads the 413 before the connection ends', { timeout: 60_000 }, async () => {
  for (let round = 0; round < 10; round += 1) {
    const { received, error } = await sendOversizedBody(srv.base, 3_000_000);
    assert.match(received, /^HTTP\/1\.1 413 /, `round ${round}: ${error ?? 'closed'} after ${JSON.stringify(received.slice(0, 200))}`);
    assert.match(received, /"code":"too_large"/);
  }
});
