// Named API keys ([[api_key]] with scopes) next to publish.api_key: publishing with any key of the publish
// scope, /metrics guarded by metrics.require_key, keys used outside their scope refused, and a key never taken
// for a connection token.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, describe, before, after } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';
import { request } from './lib/http.mjs';

const bearer = (key) => ({ Authorization: `Bearer ${key}` });

describe('named API keys', () => {
  let srv;
  let dir;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-keys-'));
    const config = path.join(dir, 'herald.toml');
    fs.writeFileSync(config, [
      '[publish]', 'api_key = "legacy-key"', '',
      '[auth]', 'hmac_secret = "token-secret"', '',
      '[metrics]', 'require_key = true', '',
      '[[api_key]]', 'name = "backend-2026"', 'key = "backend-key"', '',
      '[[api_key]]', 'name = "prometheus"', 'key = "scrape-key"', 'scopes = ["metrics"]',
    ].join('\n'));
    srv = await startServer({ args: ['--config', config] });
  });
  after(async () => {
    await srv?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('every key with the publish scope publishes, the legacy key too', async () => {
    for (const key of ['legacy-key', 'backend-key']) {
      const res = await request(srv.base, 'POST', '/api/publish', { headers: bearer(key), body: { channel: 'keys', data: key } });
      assert.equal(res.status, 200, `${key}: ${res.text}`);
    }
  });

  test('a key without the publish scope, or no key, is refused with 401', async () => {
    for (const headers of [bearer('scrape-key'), bearer('wrong'), {}]) {
      const res = await request(srv.base, 'POST', '/api/publish', { headers, body: { channel: 'keys', data: 1 } });
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.match(res.headers['www-authenticate'], /^Bearer realm="herald"/);
    }
  });

  test('/metrics needs a key with the metrics scope when metrics.require_key is set', async () => {
    const without = await request(srv.base, 'GET', '/metrics');
    assert.equal(without.status, 401);
    assert.equal(without.json().error.code, 'unauthorized');
    assert.equal((await request(srv.base, 'GET', '/metrics', { headers: bearer('backend-key') })).status, 401);
    const scraped = await request(srv.base, 'GET', '/metrics', { headers: bearer('scrape-key') });
    assert.equal(scraped.status, 200);
    assert.match(scraped.text, /^# HELP /m);
    assert.equal((await request(srv.base, 'GET', '/healthz')).status, 200, 'health stays open');
  });

  test('an API key is never taken for a connection token', async () => {
    const res = await request(srv.base, 'GET', '/api/history?channel=keys', { headers: bearer('backend-key') });
    assert.equal(res.status, 401);
    assert.equal(res.json().error.code, 'token_required', 'anonymous, not an invalid token');
  });
});
