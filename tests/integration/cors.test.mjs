// CORS (http.cors_origins): a page of another origin in Chromium publishes (a preflighted request with an
// Authorization header), reads history and follows SSE; a page of an origin that is not listed cannot read
// anything; preflights and response headers checked directly with curl-like requests too.
import assert from 'node:assert/strict';
import { test, describe, before, after } from './lib/harness.mjs';
import { chromiumMissing, launchChromium } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';
import { request } from './lib/http.mjs';
import { uniqueChannel, waitFor } from './lib/util.mjs';

describe('CORS', () => {
  let api; // the herald whose API the pages use
  let site; // another herald, only to serve pages of another origin
  let allowedOrigin;
  before(async () => {
    site = await startServer();
    allowedOrigin = `http://127.0.0.1:${site.port}`;
    api = await startServer({ env: { HERALD_HTTP_CORS_ORIGINS: allowedOrigin, HERALD_PUBLISH_API_KEY: 'k' } });
  });
  after(async () => {
    await api?.stop();
    await site?.stop();
  });

  test('a preflight from a listed origin is answered 204 with what the endpoint allows', async () => {
    const res = await request(api.base, 'OPTIONS', '/api/publish', {
      headers: { Origin: allowedOrigin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers['access-control-allow-origin'], allowedOrigin);
    assert.equal(res.headers['access-control-allow-methods'], 'POST');
    assert.match(res.headers['access-control-allow-headers'], /Authorization/);
    assert.match(res.headers['access-control-allow-headers'], /Content-Type/);
    assert.equal(res.headers['access-control-allow-credentials'], 'true');
    assert.equal(res.headers.vary, 'Origin');
  });

  test('a preflight from another origin is refused with 403 forbidden_origin', async () => {
    const res = await request(api.base, 'OPTIONS', '/api/history', {
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
    });
    assert.equal(res.status, 403);
    assert.equal(res.json().error.code, 'forbidden_origin');
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });

  test('answers to a listed origin carry Access-Control-Allow-Origin, others do not', async () => {
    const ok = await request(api.base, 'GET', '/api/history?channel=c', { headers: { Origin: allowedOrigin } });
    assert.equal(ok.headers['access-control-allow-origin'], allowedOrigin);
    const other = await request(api.base, 'GET', '/api/history?channel=c', { headers: { Origin: 'http://localhost:1' } });
    assert.equal(other.status, 200);
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    const health = await request(api.base, 'GET', '/healthz', { headers: { Origin: allowedOrigin } });
    assert.equal(health.headers['access-control-allow-origin'], undefined, 'only the API and SSE take part in CORS');
  });

  test('"*" allows every origin, without credentials', async () => {
    const any = await startServer({ env: { HERALD_HTTP_CORS_ORIGINS: '*' } });
    try {
      const res = await request(any.base, 'GET', '/api/history?channel=c', { headers: { Origin: 'https://app.example' } });
      assert.equal(res.headers['access-control-allow-origin'], 'https://app.example');
      assert.equal(res.headers['access-control-allow-credentials'], undefined);
    } finally {
      await any.stop();
    }
  });

  describe('in Chromium', { skip: chromiumMissing }, () => {
    let browser;
    before(async () => {
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
    });

    async function pageOn(origin) {
      const page = await (await browser.newContext()).newPage();
      const res = await page.goto(`${origin}/healthz`);
      assert.equal(res.status(), 200);
      return page;
    }

    test('a page of a listed origin publishes, reads history and follows SSE', async () => {
      const channel = uniqueChannel('cors');
      const page = await pageOn(allowedOrigin);
      await page.evaluate(({ base, channel }) => {
        window.__got = [];
        const es = new EventSource(`${base}/api/sse?channel=${channel}`);
        es.onmessage = (e) => window.__got.push(JSON.parse(e.data).data);
        window.__open = new Promise((resolve) => (es.onopen = resolve));
      }, { base: api.base, channel });
      await page.evaluate(() => window.__open);
      const published = await page.evaluate(async ({ base, channel }) => {
        const res = await fetch(`${base}/api/publish`, {
          method: 'POST',
          headers: { Authorization: 'Bearer k', 'Content-Type': 'application/json' },
          body: JSON.stringify({ channel, data: 'from another origin' }),
        });
        return { status: res.status, body: await res.json() };
      }, { base: api.base, channel });
      assert.equal(published.status, 200, JSON.stringify(published));
      await waitFor(async () => (await page.evaluate(() => window.__got.length)) === 1, { label: 'SSE message in the page' });
      assert.deepEqual(await page.evaluate(() => window.__got), ['from another origin']);
      const history = await page.evaluate(async ({ base, channel }) => (await fetch(`${base}/api/history?channel=${channel}`)).json(), {
        base: api.base,
        channel,
      });
      assert.equal(history.messages.length, 1);
    });

    test('a page of an origin that is not listed can neither publish nor read', async () => {
      const page = await pageOn(`http://localhost:${site.port}`); // another origin than 127.0.0.1:PORT
      const outcome = await page.evaluate(async ({ base }) => {
        const results = {};
        try {
          await fetch(`${base}/api/publish`, {
            method: 'POST',
            headers: { Authorization: 'Bearer k', 'Content-Type': 'application/json' },
            body: JSON.stringify({ channel: 'c', data: 1 }),
          });
          results.publish = 'allowed';
        } catch (err) {
          results.publish = err.name;
        }
        try {
          await fetch(`${base}/api/history?channel=c`);
          results.history = 'allowed';
        } catch (err) {
          results.history = err.name;
        }
        return results;
      }, { base: api.base });
      assert.deepEqual(outcome, { publish: 'TypeError', history: 'TypeError' });
      const history = await request(api.base, 'GET', '/api/history?channel=c');
      assert.equal(history.json().messages.length, 0, 'the refused preflight published nothing');
    });
  });
});
