// HTTP helpers: a plain request (node:http, one fresh connection per request so nothing is pooled across
// server restarts), the herald API calls built on it, the real curl binary, and raw TCP exchanges.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { withTimeout } from './util.mjs';

/**
 * One HTTP request on a fresh connection. Resolves {status, headers, text, json(), url, method}.
 * `body` may be a string/Buffer (sent as is) or any other value (sent as JSON with application/json).
 * An https base is reached with node:https, trusting the PEM certificate authority `ca`. `localAddress`:
 * the loopback address to send from (127.0.0.2 is another client to the server).
 */
export function request(base, method, path, { headers = {}, body, timeout = 15_000, ca, localAddress } = {}) {
  const url = new URL(path, base);
  let payload;
  const hdrs = { ...headers };
  if (body !== undefined) {
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      payload = body;
    } else {
      payload = JSON.stringify(body);
      if (!Object.keys(hdrs).some((h) => h.toLowerCase() === 'content-type')) hdrs['Content-Type'] = 'application/json';
    }
    hdrs['Content-Length'] = Buffer.byteLength(payload);
  }
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const tls = url.protocol === 'https:' ? { ca } : {};
    const req = client.request(url, { method, headers: hdrs, agent: false, timeout, localAddress, ...tls }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          method,
          url: url.href,
          status: res.statusCode,
          headers: res.headers,
          text,
          json() {
            try {
              return JSON.parse(text);
            } catch {
              throw new Error(`${method} ${url.href} → ${res.statusCode}: body is not JSON: ${text.slice(0, 500)}`);
            }
          },
        });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url.href}: no response within ${timeout} ms`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Same as request() but asserts HTTP 200 and returns the parsed JSON body. */
export async function requestOk(base, method, path, opts) {
  const res = await request(base, method, path, opts);
  assert.equal(res.status, 200, `${method} ${res.url} → ${res.status}: ${res.text}`);
  return res.json();
}

function query(params) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) v.forEach((x) => qs.append(k, String(x)));
    else qs.append(k, String(v));
  }
  const s = qs.toString();
  return s ? `?${s}` : '';
}

/** POST /api/publish for one message; returns the parsed result (asserts 200). */
export function publish(base, channel, data, { event, idempotencyKey, headers } = {}) {
  const body = { channel, data };
  if (event !== undefined) body.event = event;
  if (idempotencyKey !== undefined) body.idempotency_key = idempotencyKey;
  return requestOk(base, 'POST', '/api/publish', { body, headers });
}

/** POST /api/publish with {"messages":[...]}; returns results (asserts 200). */
export async function publishBatch(base, messages, { headers } = {}) {
  const res = await requestOk(base, 'POST', '/api/publish', { body: { messages }, headers });
  assert.ok(Array.isArray(res.results), `batch response must have results[]: ${JSON.stringify(res)}`);
  assert.equal(res.results.length, messages.length, 'one result per batch item');
  return res.results;
}

/** Publishes `count` messages (data = {i}) on `channel` in batches of `batchSize`; returns all results. */
export async function publishMany(base, channel, count, { batchSize = 100, start = 0, data = (i) => ({ i }) } = {}) {
  const results = [];
  for (let done = 0; done < count; done += batchSize) {
    const n = Math.min(batchSize, count - done);
    const messages = Array.from({ length: n }, (_, k) => ({ channel, data: data(start + done + k) }));
    results.push(...(await publishBatch(base, messages)));
  }
  return results;
}

/** GET /api/history; returns {res, body}. */
export async function history(base, channel, { since, limit } = {}) {
  const res = await request(base, 'GET', `/api/history${query({ channel, since, limit })}`);
  return { res, body: res.status === 200 ? res.json() : undefined };
}

/** GET /api/history and assert 200; returns the body. */
export async function historyOk(base, channel, opts) {
  const { res, body } = await history(base, channel, opts);
  assert.equal(res.status, 200, `history ${channel} → ${res.status}: ${res.text}`);
  return body;
}

/** GET /api/lp; returns {res, body, elapsed}. */
export async function longPoll(base, channel, { since, timeout, limit, httpTimeout = 70_000 } = {}) {
  const t0 = Date.now();
  const res = await request(base, 'GET', `/api/lp${query({ channel, since, timeout, limit })}`, { timeout: httpTimeout });
  return { res, body: res.status === 200 ? res.json() : undefined, elapsed: Date.now() - t0 };
}

export { query };

/** Current cursor of a channel (creates the channel when new, like any poll). */
export async function currentCursor(base, channel) {
  return (await historyOk(base, channel, { limit: 1 })).cursor;
}

/**
 * Runs the real curl binary. Resolves {code, stdout, stderr, status, body} where status/body come from
 * `-w '\n%{http_code}'` when `withStatus` (default).
 */
export function curl(args, { withStatus = true, timeout = 20_000 } = {}) {
  const fullArgs = ['-sS', '--max-time', String(Math.ceil(timeout / 1000)), ...args];
  if (withStatus) fullArgs.push('-w', '\n%{http_code}');
  return withTimeout(
    new Promise((resolve, reject) => {
      const child = spawn('curl', fullArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => {
        const out = { code, stdout, stderr };
        if (withStatus) {
          const nl = stdout.lastIndexOf('\n');
          out.status = Number(stdout.slice(nl + 1));
          out.body = stdout.slice(0, nl);
        }
        resolve(out);
      });
    }),
    timeout + 5000,
    `curl ${args.join(' ')}`,
  );
}

/**
 * Raw TCP exchange: connects, writes `chunks` (strings/Buffers, optionally {delay} objects), optionally
 * closes the writing side, then collects everything until the server closes or `timeout` ms pass.
 * Resolves {data (string), closedByServer, error, elapsed, firstDataAt} (times in ms since connect).
 */
export function rawExchange(port, chunks, { timeout = 5000, endAfterWrite = false, destroyAfterWrite = false } = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const socket = net.connect({ host: '127.0.0.1', port });
    const received = [];
    let settled = false;
    let error;
    let firstDataAt;
    const finish = (closedByServer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ data: Buffer.concat(received).toString('latin1'), closedByServer, error, elapsed: Date.now() - t0, firstDataAt });
    };
    const timer = setTimeout(() => finish(false), timeout);
    socket.on('data', (d) => {
      firstDataAt ??= Date.now() - t0;
      received.push(d);
    });
    socket.on('error', (err) => {
      error = err;
      finish(true);
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('connect', async () => {
      try {
        for (const c of chunks) {
          if (settled) break;
          if (c && typeof c === 'object' && !Buffer.isBuffer(c) && 'delay' in c) {
            await new Promise((r) => setTimeout(r, c.delay));
          } else if (!socket.destroyed) {
            socket.write(c);
          }
        }
        if (destroyAfterWrite) finish(false);
        else if (endAfterWrite) socket.end();
      } catch (err) {
        error = err;
      }
    });
  });
}

/** Status code of the first HTTP response line in raw data, or undefined. */
export function rawStatus(data) {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(data);
  return m ? Number(m[1]) : undefined;
}

/** JSON body of a raw HTTP response (after the header block), or undefined. */
export function rawJsonBody(data) {
  const i = data.indexOf('\r\n\r\n');
  if (i < 0) return undefined;
  let body = data.slice(i + 4);
  if (/\r\ntransfer-encoding: chunked/i.test(data.slice(0, i))) {
    let out = '';
    for (;;) {
      const nl = body.indexOf('\r\n');
      const n = parseInt(body.slice(0, nl), 16);
      if (!n) break;
      out += body.slice(nl + 2, nl + 2 + n);
      body = body.slice(nl + 2 + n + 2);
    }
    body = out;
  }
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** The server still works: /healthz answers 200 {"status":"ok"} and a publish succeeds. */
export async function assertAlive(base, label = 'server') {
  const h = await request(base, 'GET', '/healthz', { timeout: 5000 });
  assert.equal(h.status, 200, `${label}: /healthz → ${h.status} ${h.text}`);
  assert.deepEqual(h.json(), { status: 'ok' });
  const channel = `alive-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const r = await request(base, 'POST', '/api/publish', { body: { channel, data: 'ping' }, timeout: 5000 });
  assert.equal(r.status, 200, `${label}: publish → ${r.status} ${r.text}`);
  assert.equal(r.json().offset, 1);
}
