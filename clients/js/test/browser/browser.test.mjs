// herald-client in Chromium, on a page herald serves: every transport, the forced fallbacks
// (WebSocket refused or broken -> SSE, SSE held by a buffering proxy -> long polling), resume after
// every connection is dropped, the gap after a restart of the memory engine, and no gap (nothing lost,
// nothing twice) after a restart of herald on Redis, which keeps the history. Each check: every
// published message reaches the page exactly once and in order.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumMissing, launchChromium } from '../lib/browser.mjs';
import { eventually, exactlyOnceInOrder, heraldMissing, makeWebRoot, publish, sleep, startServer } from '../lib/herald.mjs';
import { startProxy } from '../lib/proxy.mjs';

const { redisSkip, startRedis } = await import('../../../../tests/integration/lib/redis.mjs');

const skip = heraldMissing || chromiumMissing;
const FAST = { backoff: { base: 100, cap: 1000 }, firstByteTimeout: 1500 };

describe('herald-client in a browser', { skip }, () => {
  let server;
  let browser;
  const pages = [];

  before(async () => {
    server = await startServer({ args: ['--web-root', makeWebRoot()], env: { HERALD_WS_PUBLISH_PREFIXES: 'chat.' }, label: 'client-browser' });
    browser = await launchChromium();
  });

  afterEach(async () => {
    for (const page of pages.splice(0)) await page.close();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function openPage(base, options, channels) {
    const page = await browser.newPage();
    pages.push(page);
    page.on('pageerror', (err) => console.error('page error:', err));
    await page.goto(`${base}/`);
    await page.waitForFunction(() => window.heraldReady === true);
    await page.evaluate(([o, c]) => window.startHerald(o, c), [options, channels]);
    return page;
  }

  const log = (page) => page.evaluate(() => window.heraldLog);
  const transport = (page) => page.evaluate(() => window.herald.transport);
  const connectedOn = async (page, name) => {
    try {
      await eventually(async () => (await page.evaluate(() => [window.herald.state, window.herald.transport])).join() === `connected,${name}`, `connected on ${name}`);
    } catch (err) {
      err.message += `; states: ${JSON.stringify((await log(page)).states.slice(-6))}`;
      throw err;
    }
  };
  const cursorsKnown = (page, channels) =>
    eventually(() => page.evaluate((cs) => cs.every((c) => window.subs[c].cursor !== null), channels), 'cursors known');

  async function receivedAll(page, channel, n) {
    await eventually(async () => (await log(page)).messages.filter((m) => m.channel === channel).length >= n, `${n} messages on ${channel}`);
    await sleep(200); // anything extra (a duplicate) would arrive now
    const check = exactlyOnceInOrder((await log(page)).messages, channel, n);
    assert.ok(check.ok, `${channel}: got ${JSON.stringify(check.got)}`);
  }

  for (const name of ['websocket', 'sse', 'longpoll']) {
    test(`${name}: two channels share the connection and receive every message once, in order`, async () => {
      const a = `t-${name}-a`;
      const b = `t-${name}-b`;
      const page = await openPage(server.base, { ...FAST, transports: [name] }, [a, b]);
      await connectedOn(page, name);
      await cursorsKnown(page, [a, b]);
      for (let i = 1; i <= 10; i += 1) {
        await publish(server.base, a, i);
        await publish(server.base, b, i, { event: 'custom' });
      }
      await receivedAll(page, a, 10);
      await receivedAll(page, b, 10);
      const entries = await log(page);
      const first = entries.messages.find((m) => m.channel === b);
      assert.equal(first.event, 'custom');
      assert.match(first.cursor, /^[a-z0-9]{8}:\d+$/);
      assert.equal(typeof first.time, 'number');
      assert.deepEqual(entries.gaps, []);
      assert.equal(await transport(page), name);
    });
  }

  test('websocket: publish goes over the socket; a refused publish rejects with its code', async () => {
    const page = await openPage(server.base, { ...FAST, transports: ['websocket'] }, ['chat.room']);
    await connectedOn(page, 'websocket');
    await cursorsKnown(page, ['chat.room']);
    const result = await page.evaluate(() => window.herald.publish('chat.room', { text: 'hi' }, { event: 'say', idempotencyKey: 'k-1' }));
    assert.equal(result.channel, 'chat.room');
    assert.equal(result.duplicate, false);
    const again = await page.evaluate(() => window.herald.publish('chat.room', { text: 'hi' }, { event: 'say', idempotencyKey: 'k-1' }));
    assert.equal(again.duplicate, true);
    assert.equal(again.offset, result.offset);
    const refused = await page.evaluate(() => window.herald.publish('news', 1).then(() => 'resolved', (e) => `${e.name}:${e.code}`));
    assert.equal(refused, 'HeraldError:forbidden');
    await eventually(async () => (await log(page)).messages.some((m) => m.event === 'say'), 'own message pushed back');
    const history = await page.evaluate(() => window.herald.history('chat.room', { limit: 5 }));
    assert.equal(history.messages.at(-1).data.text, 'hi');
  });

  test('WebSocket refused by a proxy: falls back to SSE, reports it, and still receives', async () => {
    const proxy = await startProxy(server.base);
    try {
      proxy.mode.refuseWebSocket = true;
      const page = await openPage(proxy.base, FAST, ['fb-ws']);
      await connectedOn(page, 'sse');
      await cursorsKnown(page, ['fb-ws']);
      for (let i = 1; i <= 5; i += 1) await publish(server.base, 'fb-ws', i);
      await receivedAll(page, 'fb-ws', 5);
      const { states } = await log(page);
      assert.ok(states.some((s) => /^fallback from websocket to sse: websocket refused or blocked/.test(s.reason)), JSON.stringify(states));
      assert.ok(proxy.counts.refusedWs >= 1);
    } finally {
      await proxy.close();
    }
  });

  test('WebSocket that opens and breaks at once (page.routeWebSocket): SSE after a few failures', async () => {
    const page = await browser.newPage();
    pages.push(page);
    // The mocked socket opens, then closes before any frame: what a proxy that kills upgrades does.
    await page.routeWebSocket(/\/api\/ws/, (ws) => setTimeout(() => ws.close({ code: 1011, reason: 'blocked by test' }), 50));
    await page.goto(`${server.base}/`);
    await page.waitForFunction(() => window.heraldReady === true);
    await page.evaluate((o) => window.startHerald(o, ['fb-route']), FAST);
    await connectedOn(page, 'sse');
    await cursorsKnown(page, ['fb-route']);
    for (let i = 1; i <= 5; i += 1) await publish(server.base, 'fb-route', i);
    await receivedAll(page, 'fb-route', 5);
    const { states } = await log(page);
    assert.ok(states.some((s) => /^fallback from websocket to sse: websocket connections break/.test(s.reason)), JSON.stringify(states));
  });

  test('WebSocket refused and SSE held by a buffering proxy: long polling, nothing lost across both switches', async () => {
    const proxy = await startProxy(server.base);
    try {
      proxy.mode.refuseWebSocket = true;
      proxy.mode.holdSse = true;
      // Messages before the page starts, while it switches, and after: all must arrive once, in order.
      const channel = 'fb-chain';
      await publish(server.base, channel, 1);
      const page = await openPage(proxy.base, FAST, [channel]);
      const startedAt = Date.now();
      let n = 1;
      while (Date.now() - startedAt < 3500) {
        await sleep(150);
        n += 1;
        await publish(server.base, channel, n);
      }
      await connectedOn(page, 'longpoll');
      for (let i = 0; i < 5; i += 1) {
        n += 1;
        await publish(server.base, channel, n);
      }
      // The page started after message 1 (no since): it gets what came after its start, once each.
      await eventually(async () => (await log(page)).messages.some((m) => m.data === n), 'the last message');
      await sleep(200);
      const got = (await log(page)).messages.map((m) => m.data);
      const firstSeen = got[0];
      assert.deepEqual(got, Array.from({ length: n - firstSeen + 1 }, (_, i) => firstSeen + i), `got ${JSON.stringify(got)}`);
      const { states } = await log(page);
      const reasons = states.map((s) => s.reason);
      assert.ok(reasons.some((r) => r.startsWith('fallback from websocket to sse')), JSON.stringify(reasons));
      assert.ok(reasons.some((r) => r.startsWith('fallback from sse to longpoll: the SSE stream sent no byte')), JSON.stringify(reasons));
      assert.ok(proxy.counts.heldSse >= 1 && proxy.counts.lp >= 1);
    } finally {
      await proxy.close();
    }
  });

  for (const name of ['websocket', 'sse', 'longpoll']) {
    test(`${name}: the proxy drops every connection mid-stream; the page resumes without loss or duplicates`, async () => {
      const proxy = await startProxy(server.base);
      try {
        const channel = `drop-${name}`;
        const page = await openPage(proxy.base, { ...FAST, transports: [name] }, [channel]);
        await connectedOn(page, name);
        await cursorsKnown(page, [channel]);
        let n = 0;
        for (let round = 0; round < 3; round += 1) {
          for (let i = 0; i < 4; i += 1) await publish(server.base, channel, ++n);
          proxy.dropAll();
          for (let i = 0; i < 4; i += 1) await publish(server.base, channel, ++n); // published while cut off
          await sleep(100);
        }
        await receivedAll(page, channel, n);
        const { states, gaps } = await log(page);
        // Chromium itself re-sends a GET cut on a kept-alive connection, so a long poll may not see the cut.
        if (name !== 'longpoll') assert.ok(states.some((s) => s.state === 'disconnected'), 'the drop was reported');
        else assert.ok(proxy.counts.lp > 3, 'polls were made again');
        assert.deepEqual(gaps, []);
        assert.equal(await transport(page), name);
      } finally {
        await proxy.close();
      }
    });
  }

  test('persist: "session": a reloaded page resumes from its stored cursors, without repeats', async () => {
    const channel = 'persisted';
    const page = await openPage(server.base, { ...FAST, persist: 'session' }, [channel]);
    await connectedOn(page, 'websocket');
    await cursorsKnown(page, [channel]);
    for (let i = 1; i <= 3; i += 1) await publish(server.base, channel, i);
    await receivedAll(page, channel, 3);
    await page.reload();
    await page.waitForFunction(() => window.heraldReady === true);
    for (let i = 4; i <= 5; i += 1) await publish(server.base, channel, i); // while no client runs
    await page.evaluate(([o, c]) => window.startHerald(o, c), [{ ...FAST, persist: 'session' }, [channel]]);
    await eventually(async () => (await log(page)).messages.length === 2, 'the messages missed during the reload');
    await sleep(200);
    const { messages, gaps } = await log(page);
    assert.deepEqual(messages.map((m) => m.data), [4, 5]);
    assert.deepEqual(gaps, []);
    const stored = await page.evaluate((c) => sessionStorage.getItem(`herald:${location.origin}:${c}`), channel);
    assert.equal(stored, messages[1].cursor);
  });

  test('after a herald restart (memory engine: a new epoch) the page is told of the gap, then receives', async () => {
    const page = await openPage(server.base, FAST, ['restart']);
    await connectedOn(page, 'websocket');
    await cursorsKnown(page, ['restart']);
    await publish(server.base, 'restart', 1);
    await publish(server.base, 'restart', 2);
    await receivedAll(page, 'restart', 2);
    const before = (await log(page)).messages.at(-1);
    await server.restart();
    await connectedOn(page, 'websocket');
    await eventually(async () => (await log(page)).gaps.length === 1, 'the gap');
    await publish(server.base, 'restart', 3);
    await eventually(async () => (await log(page)).messages.length === 3, 'the message after the restart');
    const { gaps, messages } = await log(page);
    assert.equal(gaps[0].channel, 'restart');
    assert.equal(gaps[0].requested, before.cursor);
    assert.notEqual(gaps[0].continue_from.split(':')[0], before.epoch, 'a new epoch');
    assert.equal(messages[2].data, 3);
    assert.equal(messages[2].offset, 1);
    assert.equal(await transport(page), 'websocket', 'a restart is not a reason to leave the WebSocket');
  });
});

describe('herald-client in a browser, herald on Redis', { skip: skip || redisSkip() }, () => {
  let redis;
  let server;
  let browser;

  before(async () => {
    redis = await startRedis();
    server = await startServer({ args: ['--web-root', makeWebRoot()], env: { HERALD_ENGINE_TYPE: 'redis', HERALD_ENGINE_URL: redis.url }, label: 'client-browser-redis' });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await redis?.stop();
    redis?.cleanup?.();
  });

  for (const name of ['websocket', 'sse', 'longpoll']) {
    test(`${name}: herald restarts (Redis keeps the history): the page resumes by itself, no gap, no loss, no duplicates`, async () => {
      const page = await browser.newPage();
      try {
        page.on('pageerror', (err) => console.error('page error:', err));
        await page.goto(`${server.base}/`);
        await page.waitForFunction(() => window.heraldReady === true);
        const channel = `restart-redis-${name}`;
        await page.evaluate(([o, c]) => window.startHerald(o, c), [{ ...FAST, transports: [name] }, [channel]]);
        const log = () => page.evaluate(() => window.heraldLog);
        await eventually(() => page.evaluate((c) => window.herald.state === 'connected' && window.subs[c].cursor !== null, channel), `connected on ${name}`);
        let n = 0;
        for (let i = 0; i < 5; i += 1) await publish(server.base, channel, ++n);
        await eventually(async () => (await log()).messages.length === n, 'the messages before the restart');
        await server.restart();
        for (let i = 0; i < 5; i += 1) await publish(server.base, channel, ++n); // before the page is back
        await eventually(async () => (await log()).states.slice(-1)[0]?.state === 'connected' && (await log()).messages.length >= 6, 'the page back after the restart', 20_000);
        for (let i = 0; i < 5; i += 1) await publish(server.base, channel, ++n);
        await eventually(async () => (await log()).messages.length >= n, `all ${n} messages`);
        await sleep(300); // anything extra (a duplicate) would arrive now
        const entries = await log();
        const check = exactlyOnceInOrder(entries.messages, channel, n);
        assert.ok(check.ok, `got ${JSON.stringify(check.got)}`);
        assert.deepEqual(entries.gaps, [], 'Redis kept the epoch and the history: no gap');
        // (A long poll cut by the restart may be re-sent by Chromium itself, unseen by the page.)
        if (name !== 'longpoll') assert.ok(entries.states.some((s) => s.state === 'disconnected'), 'the restart was noticed');
        assert.equal(await page.evaluate(() => window.herald.transport), name, 'a restart is not a reason to change transport');
      } finally {
        await page.close();
      }
    });
  }
});
