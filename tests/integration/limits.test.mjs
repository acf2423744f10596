// Per-address limits ([limits] *_per_ip): open connections, new connections a second, publishes and
// commands a second, each refused with 429 and a JSON error (WebSocket: an error reply, the connection
// stays) and counted in /metrics, while other addresses go on being served; and http.trusted_proxies:
// X-Forwarded-For names the client only when a trusted proxy sent it. 127.0.0.2 is another client
// address on the same loopback interface.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, describe, before, after } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';
import { request, historyOk } from './lib/http.mjs';
import { openSseReady, ssePath } from './lib/sse.mjs';
import { wsConnect, wsRefused, assertWsError } from './lib/ws-client.mjs';
import { metricValue } from './lib/redis.mjs';
import { assertErrorBody, sleep, uniqueChannel, waitFor } from './lib/util.mjs';

const OTHER = '127.0.0.2';

function writeConfig(dir, name, lines) {
  const file = path.join(dir, `${name}.toml`);
  fs.writeFileSync(file, lines.join('\n'));
  return file;
}

// Read from the other address, so that reading does not itself meet the limit under test.
async function refusals(srv, limit) {
  const res = await request(srv.base, 'GET', '/metrics', { localAddress: OTHER });
  return metricValue(res.text, 'herald_client_limit_refusals_total', `limit="${limit}"`);
}

describe('per-address limits', () => {
  let dir;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-limits-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('open connections per address', () => {
    let srv;
    before(async () => {
      srv = await startServer({ args: ['--config', writeConfig(dir, 'connections', ['[limits]', 'connections_per_ip = 3'])] });
    });
    after(async () => srv?.stop());

    test('the connection over the limit gets 429 too_many_connections; others and later ones are served', async () => {
      const channel = uniqueChannel('lim');
      const streams = [];
      for (let i = 0; i < 3; i += 1) streams.push(await openSseReady(srv.base, ssePath(channel)));
      const over = await request(srv.base, 'GET', `/api/history?channel=${channel}`);
      const body = assertErrorBody(over, 429, 'too_many_connections');
      assert.match(body.error.message, /limits\.connections_per_ip/);
      assert.equal(over.headers.connection, 'close');
      const refusedWs = await wsRefused(srv.base);
      assert.equal(refusedWs.status, 429, 'a WebSocket upgrade counts as a connection too');

      const other = await request(srv.base, 'GET', `/api/history?channel=${channel}`, { localAddress: OTHER });
      assert.equal(other.status, 200, `another address is served: ${other.text}`);

      streams.pop().close();
      await waitFor(async () => (await request(srv.base, 'GET', `/api/history?channel=${channel}`)).status === 200, {
        label: 'a place freed by a closed stream',
      });
      for (const s of streams) s.close();
      assert.ok((await refusals(srv, 'connections')) >= 2, 'refusals are counted');
    });
  });

  describe('new connections per second', () => {
    let srv;
    before(async () => {
      srv = await startServer({
        args: ['--config', writeConfig(dir, 'rate', ['[limits]', 'connection_rate_per_ip = 2', 'connection_burst_per_ip = 3'])],
      });
    });
    after(async () => srv?.stop());

    test('a burst over the budget is refused with Retry-After until tokens come back', async () => {
      await sleep(1600); // the start-up health checks drew on the same budget: let it fill up
      const statuses = [];
      let refused;
      for (let i = 0; i < 5; i += 1) {
        const res = await request(srv.base, 'GET', '/healthz');
        statuses.push(res.status);
        if (res.status === 429) refused ??= res;
      }
      assert.deepEqual(statuses.slice(0, 3), [200, 200, 200], `the burst passes: ${statuses}`);
      assert.ok(refused, `some of the next ones are refused: ${statuses}`);
      const body = assertErrorBody(refused, 429, 'rate_limited');
      assert.ok(body.error.retry_after > 0 && body.error.retry_after <= 0.5, JSON.stringify(body));
      assert.equal(refused.headers['retry-after'], '1');
      assert.equal((await request(srv.base, 'GET', '/healthz', { localAddress: OTHER })).status, 200, 'another address');
      await sleep(Math.ceil(body.error.retry_after * 1000) + 50);
      assert.equal((await request(srv.base, 'GET', '/healthz')).status, 200, 'allowed again after retry_after');
      assert.ok((await refusals(srv, 'connection_rate')) >= 1);
    });
  });

  describe('publishes and commands per second', () => {
    let srv;
    before(async () => {
      const config = writeConfig(dir, 'buckets', [
        '[limits]', 'publish_rate_per_ip = 1', 'publish_burst_per_ip = 3', 'command_rate_per_ip = 2', 'command_burst_per_ip = 4',
        '[ws]', 'publish_prefixes = ["open:"]',
      ]);
      srv = await startServer({ args: ['--config', config] });
    });
    after(async () => srv?.stop());

    test('HTTP publishes over the budget get 429 and nothing accepted is lost', async () => {
      const channel = uniqueChannel('open:pub');
      const statuses = [];
      for (let i = 0; i < 5; i += 1) {
        const res = await request(srv.base, 'POST', '/api/publish', { body: { channel, data: { i } } });
        statuses.push(res.status);
        if (res.status === 429) assertErrorBody(res, 429, 'rate_limited');
      }
      assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
      const page = await historyOk(srv.base, channel);
      assert.deepEqual(page.messages.map((m) => m.data.i), [0, 1, 2], 'the accepted three, in order');
      assert.ok((await refusals(srv, 'publish_rate')) >= 2);
    });

    test('WebSocket commands over the budget get rate_limited replies and the connection stays', async () => {
      await sleep(2100); // the HTTP requests above drew on the same address's command budget
      const ws = await wsConnect(srv.base);
      const replies = [];
      for (let i = 0; i < 6; i += 1) replies.push(await ws.command({ op: 'ping' }));
      assert.deepEqual(replies.map((r) => r.ok), [true, true, true, true, false, false], JSON.stringify(replies));
      assertWsError(replies[4], 'rate_limited');
      assert.ok(replies[4].error.retry_after > 0, JSON.stringify(replies[4]));
      await sleep(600);
      assert.equal((await ws.command({ op: 'ping' })).ok, true, 'the same connection goes on after a pause');
      assert.equal(ws.close, null);
      await ws.closeAndWait();
      assert.ok((await refusals(srv, 'command_rate')) >= 2);
    });

    test('a WebSocket publish draws on the publish budget, an HTTP history request on the command budget', async () => {
      await sleep(3100);
      const channel = uniqueChannel('open:ws');
      const ws = await wsConnect(srv.base);
      const results = [];
      for (let i = 0; i < 4; i += 1) results.push(await ws.command({ op: 'publish', channel, data: i }));
      assert.deepEqual(results.map((r) => r.ok), [true, true, true, false]);
      assertWsError(results[3], 'rate_limited');
      await ws.closeAndWait();
      const codes = [];
      for (let i = 0; i < 6; i += 1) codes.push((await request(srv.base, 'GET', `/api/history?channel=${channel}`)).status);
      assert.ok(codes.includes(429), `history requests are limited: ${codes}`);
      assert.equal((await request(srv.base, 'GET', `/api/history?channel=${channel}`, { localAddress: OTHER })).status, 200);
    });
  });

  describe('a publisher with an API key is not limited by its address', () => {
    let srv;
    before(async () => {
      const config = writeConfig(dir, 'keyed', ['[publish]', 'api_key = "backend"', '[limits]', 'publish_rate_per_ip = 1', 'publish_burst_per_ip = 1']);
      srv = await startServer({ args: ['--config', config] });
    });
    after(async () => srv?.stop());

    test('20 quick publishes with the key all pass', async () => {
      const channel = uniqueChannel('keyed');
      for (let i = 0; i < 20; i += 1) {
        const res = await request(srv.base, 'POST', '/api/publish', { headers: { Authorization: 'Bearer backend' }, body: { channel, data: i } });
        assert.equal(res.status, 200, res.text);
      }
    });
  });

  describe('behind a trusted proxy', () => {
    let srv;
    before(async () => {
      const config = writeConfig(dir, 'proxy', [
        '[http]', 'trusted_proxies = ["127.0.0.1"]', '[limits]', 'command_rate_per_ip = 1', 'command_burst_per_ip = 2',
        'connections_per_ip = 2',
      ]);
      srv = await startServer({ args: ['--config', config] });
    });
    after(async () => srv?.stop());

    const historyFrom = (xff, localAddress) =>
      request(srv.base, 'GET', '/api/history?channel=proxied', { headers: xff ? { 'X-Forwarded-For': xff } : {}, localAddress });

    test('each client named by the proxy has its own budget', async () => {
      assert.equal((await historyFrom('198.51.100.1')).status, 200);
      assert.equal((await historyFrom('203.0.113.5, 198.51.100.1')).status, 200, 'the rightmost untrusted entry counts');
      assertErrorBody(await historyFrom('198.51.100.1'), 429, 'rate_limited');
      assert.equal((await historyFrom('198.51.100.2')).status, 200, 'another client behind the proxy');
    });

    test('X-Forwarded-For from an address that is not a proxy is ignored', async () => {
      const codes = [];
      for (let i = 0; i < 4; i += 1) codes.push((await historyFrom(`192.0.2.${i + 1}`, OTHER)).status);
      assert.deepEqual(codes.slice(0, 2), [200, 200]);
      assert.ok(codes.slice(2).includes(429), `all four count against ${OTHER}: ${codes}`);
    });

    test('connections are counted by the client the proxy names', async () => {
      const channel = uniqueChannel('proxied');
      const a = [];
      for (let i = 0; i < 2; i += 1) a.push(await openSseReady(srv.base, ssePath(channel), { headers: { 'X-Forwarded-For': '198.51.100.9' } }));
      const over = await request(srv.base, 'GET', '/healthz', { headers: { 'X-Forwarded-For': '198.51.100.9' } });
      assertErrorBody(over, 429, 'too_many_connections');
      const b = await openSseReady(srv.base, ssePath(channel), { headers: { 'X-Forwarded-For': '198.51.100.10' } });
      for (const s of [...a, b]) s.close();
    });

    test('without an API key, a client behind the proxy is not a loopback publisher', async () => {
      const res = await request(srv.base, 'POST', '/api/publish', {
        headers: { 'X-Forwarded-For': '198.51.100.20' },
        body: { channel: 'proxied', data: 1 },
      });
      assertErrorBody(res, 403, 'forbidden');
      const local = await request(srv.base, 'POST', '/api/publish', { body: { channel: 'proxied', data: 1 } });
      assert.equal(local.status, 200, 'the proxy host itself still may');
    });
  });
});
