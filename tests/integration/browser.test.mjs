// A real browser: Chromium's native EventSource against herald, reconnecting by itself after stream ends
// (sse.max_lifetime) and after a server restart on the same port (new epoch → gap event).
import assert from 'node:assert/strict';
import { test, before, after } from './lib/harness.mjs';
import { chromiumMissing, launchChromium } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';
import { publishMany, currentCursor } from './lib/http.mjs';
import { ssePath } from './lib/sse.mjs';
import { uniqueChannel, parseCursor, assertContiguous, waitFor, sleep } from './lib/util.mjs';

const skip = chromiumMissing;

let browser;
before(async () => {
  if (skip) return;
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/** Opens a same-origin page on `srv` and starts a native EventSource that records everything in window.__es*. */
async function openBrowserStream(srv, path) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const sseRequests = [];
  page.on('request', (req) => {
    if (req.url().includes('/api/sse')) sseRequests.push(req.allHeaders().then((h) => ({ at: Date.now(), lastEventId: h['last-event-id'] ?? null })));
  });
  const res = await page.goto(`${srv.base}/healthz`);
  assert.equal(res.status(), 200);
  await page.evaluate((url) => {
    const st = { msgs: [], gaps: [], closes: [], opens: 0, errors: 0 };
    window.__es_state = st;
    const es = new EventSource(url);
    window.__es = es;
    es.onopen = () => {
      st.opens += 1;
    };
    es.onerror = () => {
      st.errors += 1;
    };
    es.onmessage = (e) => {
      const env = JSON.parse(e.data);
      st.msgs.push({ id: e.lastEventId, epoch: env.epoch, offset: env.offset, data: env.data });
    };
    es.addEventListener('gap', (e) => st.gaps.push({ id: e.lastEventId, gap: JSON.parse(e.data) }));
    es.addEventListener('close', (e) => st.closes.push(JSON.parse(e.data)));
  }, path);
  const state = () => page.evaluate(() => ({ ...window.__es_state, readyState: window.__es.readyState }));
  const until = (pred, label, timeout = 30_000) =>
    waitFor(async () => pred(await state()), {
      timeout,
      interval: 100,
      label,
      describe: () => 'see browser state in the assertion below',
    }).catch(async (err) => {
      const st = await state();
      err.message += ` | browser: msgs=${st.msgs.length} last=${JSON.stringify(st.msgs.at(-1))} gaps=${JSON.stringify(st.gaps)} opens=${st.opens} errors=${st.errors} closes=${JSON.stringify(st.closes)} readyState=${st.readyState}`;
      throw err;
    });
  return { page, context, state, until, sseRequests: () => Promise.all(sseRequests) };
}

test('Chromium EventSource reconnects by itself after lifetime ends: no lost, no duplicated messages', { skip, timeout: 90_000 }, async () => {
  const srv = await startServer({ label: 'browser-lifetime', env: { HERALD_SSE_MAX_LIFETIME: '2' } });
  let b;
  try {
    const channel = uniqueChannel('br');
    const start = await currentCursor(srv.base, channel);
    const { epoch } = parseCursor(start);
    b = await openBrowserStream(srv, ssePath(channel, { since: start }));
    await b.until((st) => st.opens >= 1, 'browser stream open');
    const TOTAL = 300;
    const deadline = Date.now() + 40_000;
    for (let done = 0; done < TOTAL && Date.now() < deadline; done += 5) {
      await publishMany(srv.base, channel, 5, { batchSize: 5, start: done });
      await sleep(200); // ~12 s of publishing: several stream ends (2 s lifetime) and 2 s reconnect delays
    }
    await b.until((st) => st.msgs.length >= TOTAL, `${TOTAL} messages in the browser`, 30_000);
    await sleep(500);
    const st = await b.state();
    assertContiguous(st.msgs.map((m) => m.offset), 1, TOTAL, 'browser offsets');
    assert.ok(st.msgs.every((m) => m.epoch === epoch));
    st.msgs.forEach((m, k) => {
      assert.deepEqual(m.data, { i: k });
      assert.equal(m.id, `${epoch}:${k + 1}`);
    });
    assert.deepEqual(st.gaps, []);
    assert.ok(st.opens >= 3, `expected the browser to reconnect several times, opens=${st.opens}`);
    assert.ok(st.closes.length >= 2 && st.closes.every((c) => c.reason === 'lifetime'), JSON.stringify(st.closes));
    const reqs = await b.sseRequests();
    assert.ok(reqs.length >= 3, `SSE requests seen: ${reqs.length}`);
    assert.ok(reqs.slice(1).every((r) => r.lastEventId && r.lastEventId.startsWith(`${epoch}:`)), `reconnects carry Last-Event-ID: ${JSON.stringify(reqs)}`);
  } finally {
    await b?.context.close();
    await srv.stop();
  }
});

test('Chromium EventSource across a server restart on the same port: gap to the new epoch, then every message', { skip, timeout: 90_000 }, async () => {
  const srv = await startServer({ label: 'browser-restart' });
  let b;
  try {
    const channel = uniqueChannel('brr');
    const start = await currentCursor(srv.base, channel);
    const { epoch: oldEpoch } = parseCursor(start);
    b = await openBrowserStream(srv, ssePath(channel, { since: start }));
    await b.until((st) => st.opens >= 1, 'browser stream open');
    await publishMany(srv.base, channel, 50, { batchSize: 10 });
    await b.until((st) => st.msgs.length >= 50, '50 messages before restart');

    const stopped = await srv.restart(); // SIGTERM (stream gets event: close shutdown), new process, same port
    assert.equal(stopped.code, 0, JSON.stringify(stopped));
    const early = await publishMany(srv.base, channel, 100, { batchSize: 10 });
    const newEpoch = early[0].epoch;
    assert.notEqual(newEpoch, oldEpoch);
    await b.until((st) => st.gaps.length >= 1, 'gap event after restart');
    await publishMany(srv.base, channel, 100, { batchSize: 10, start: 100 });
    await b.until((st) => st.msgs.filter((m) => m.epoch === newEpoch).length >= 200, '200 new-epoch messages');
    await sleep(500);

    const st = await b.state();
    assert.deepEqual(st.closes, [{ reason: 'shutdown' }]);
    assert.equal(st.gaps.length, 1, JSON.stringify(st.gaps));
    assert.deepEqual(st.gaps[0].gap, { channel, requested: `${oldEpoch}:50`, continue_from: `${newEpoch}:0` });
    const oldOffsets = st.msgs.filter((m) => m.epoch === oldEpoch).map((m) => m.offset);
    const newOffsets = st.msgs.filter((m) => m.epoch === newEpoch).map((m) => m.offset);
    assertContiguous(oldOffsets, 1, 50, 'old epoch in browser');
    assertContiguous(newOffsets, 1, 200, 'new epoch in browser');
    assert.equal(st.msgs.length, 250);
    assert.equal(st.msgs.findIndex((m) => m.epoch === newEpoch), 50, 'all old-epoch messages come before the new epoch');
    const reqs = await b.sseRequests();
    assert.ok(reqs.some((r) => r.lastEventId === `${oldEpoch}:50`), `a reconnect carried Last-Event-ID ${oldEpoch}:50: ${JSON.stringify(reqs)}`);
  } finally {
    await b?.context.close();
    await srv.stop();
  }
});
