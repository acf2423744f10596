// HTTP hardening, tested from outside with clients herald did not write (node:http, raw `net` sockets,
// curl, `ws`, Chromium): numbers that cannot be carried exactly, request framing (smuggling shapes, Host),
// cross-site publishing, the web root, and small HTTP conformance points (Authorization scheme, HEAD,
// absolute-form targets, limit clamping, HTTP/1.0 keep-alive).
import assert from 'node:assert/strict';
import { test, before, after } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';
import { request, historyOk, publish } from './lib/http.mjs';
import { wsConnect } from './lib/ws-client.mjs';
import { uniqueChannel, assertErrorBody } from './lib/util.mjs';

let srv; // defaults, plus client publishing over WebSocket for "num."
const clients = [];

before(async () => {
  srv = await startServer({ label: 'hardening', env: { HERALD_WS_PUBLISH_PREFIXES: 'num.' } });
});

after(async () => {
  for (const c of clients) await c.closeAndWait().catch(() => {});
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
