// The demo pages in Chromium, end to end, against what scripts/run.sh starts (herald serve with
// config/demo.toml and herald demo-backend beside it): chat between two pages with presence, typing and
// history; the dashboard's chart moving; AI tokens streaming in order over SSE; a payment settling on a
// long-polled page without a reload. Every page also at phone width (375x740) without horizontal
// overflow, and without console errors. Screenshots go to $HERALD_SCREENSHOTS (default
// /tmp/herald-screens), desktop and phone.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test, before, after } from './lib/harness.mjs';
import { chromiumMissing, launchChromium } from './lib/browser.mjs';
import { binaryExists, freePort } from './lib/server.mjs';
import { historyOk } from './lib/http.mjs';
import { makeRunRoot, startRunScript } from './lib/run-script.mjs';
import { sleep, waitFor } from './lib/util.mjs';

const skip = chromiumMissing || (!binaryExists() && 'no herald binary');
const SCREENS = process.env.HERALD_SCREENSHOTS || '/tmp/herald-screens';
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 375, height: 740 };
const PAGES = ['index', 'chat', 'dashboard', 'ai', 'payment', 'call', 'live'];

let root;
let run;
let browser;
before(async () => {
  if (skip) return;
  fs.mkdirSync(SCREENS, { recursive: true });
  root = makeRunRoot();
  const port = await freePort();
  run = await startRunScript(root, ['--listen', `127.0.0.1:${port}`], port);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  if (run) {
    const { code, output } = await run.stop();
    assert.equal(code, 0, output.slice(-2000));
  }
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

/** A page of its own browser context, recording console errors and uncaught exceptions. */
async function openPage(pathname, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
  page.on('pageerror', (error) => problems.push(`exception: ${error.message}`));
  await page.goto(`${run.base}${pathname}`);
  return {
    page,
    problems,
    close: () => context.close(),
    assertClean: () => assert.deepEqual(problems, [], `console errors on ${pathname}`),
  };
}

const shot = (page, name) => page.screenshot({ path: path.join(SCREENS, `${name}.png`), fullPage: true });

/**
 * Waits until the page's connection pill says "connected" on `transport` (or "ready": SSE and long
 * polling open no connection before there is something to follow, as on the AI and payment pages).
 */
async function connectedOn(page, transport, states = ['connected']) {
  await page.waitForFunction(([t, s]) => {
    const pill = document.getElementById('status');
    return s.includes(pill?.dataset.state) && pill.dataset.transport === t;
  }, [transport, states], { timeout: 15_000 });
}

const readyOn = (page, transport) => connectedOn(page, transport, ['ready', 'connected']);

/** Whether the pill showed "connected" on `transport` at some time. */
const wasConnectedOn = (page, transport) =>
  page.evaluate((t) => window.connectionStates.some((s) => s.state === 'connected' && s.transport === t), transport);

const text = (page, selector) => page.locator(selector).innerText();

test('the landing page links every demo, and each demo loads without errors', { skip, timeout: 60_000 }, async () => {
  const landing = await openPage('/');
  try {
    const links = await landing.page.$$eval('.demos a.card', (as) => as.map((a) => new URL(a.href).pathname));
    assert.deepEqual(links, ['/demo/chat', '/demo/dashboard', '/demo/ai', '/demo/payment', '/demo/call', '/demo/live']);
    await shot(landing.page, 'index-desktop');
    landing.assertClean();
  } finally {
    await landing.close();
  }
  for (const [pathname, transport] of [['/chat.html', 'websocket'], ['/dashboard.html', 'websocket'], ['/ai.html', 'sse'], ['/payment.html', 'longpoll']]) {
    const demo = await openPage(pathname);
    try {
      await (transport === 'websocket' ? connectedOn : readyOn)(demo.page, transport);
      assert.match(await text(demo.page, '#status'), /^(connected|ready) · (WebSocket|SSE|long polling)$/);
      demo.assertClean();
    } finally {
      await demo.close();
    }
  }
  const live = await openPage('/live.html');
  try {
    await live.page.waitForFunction(() => document.getElementById('status').textContent === 'live', null, { timeout: 10_000 });
    await shot(live.page, 'live-desktop');
    live.assertClean();
  } finally {
    await live.close();
  }
});

test('chat: two pages in a room see each other online, the typing indicator and each other\'s messages; a late joiner gets the history', { skip, timeout: 60_000 }, async () => {
  const room = `r${Date.now().toString(36)}`;
  const alice = await openPage(`/chat.html?room=${room}&name=alice`);
  const bob = await openPage(`/chat.html?room=${room}&name=bob`);
  let carol;
  try {
    for (const p of [alice, bob]) await connectedOn(p.page, 'websocket');
    for (const p of [alice, bob]) {
      await p.page.waitForFunction(() => document.querySelectorAll('#online li').length === 2, null, { timeout: 10_000 });
      const online = await p.page.$$eval('#online li', (lis) => lis.map((li) => li.textContent).sort());
      assert.deepEqual(online, p === alice ? ['alice (you)', 'bob'] : ['alice', 'bob (you)']);
    }
    await alice.page.locator('#text').pressSequentially('hello bo', { delay: 20 });
    await bob.page.waitForFunction(() => document.getElementById('typing').textContent === 'alice is typing…', null, { timeout: 5000 });
    assert.equal(await text(alice.page, '#typing'), '', 'nobody is shown typing to themselves');
    await alice.page.locator('#text').pressSequentially('b!');
    await alice.page.locator('#send-button').click();
    await bob.page.waitForFunction(() => [...document.querySelectorAll('#messages li:not(.system)')].some((li) => li.textContent.startsWith('alicehello bob!')), null, { timeout: 5000 });
    await bob.page.locator('#text').fill('hi alice');
    await bob.page.locator('#text').press('Enter');
    await alice.page.waitForFunction(() => [...document.querySelectorAll('#messages li .text')].map((n) => n.textContent).join('|') === 'hello bob!|hi alice', null, { timeout: 5000 });
    assert.equal(await text(alice.page, '#typing'), '', 'a message ends the typing note');
    await shot(alice.page, 'chat-desktop');

    // A third page joins later: the history first, then live; bob leaving is seen by the others.
    carol = await openPage(`/chat.html?room=${room}&name=carol`, PHONE);
    await connectedOn(carol.page, 'websocket');
    await carol.page.waitForFunction(() => [...document.querySelectorAll('#messages li .text')].map((n) => n.textContent).join('|') === 'hello bob!|hi alice', null, { timeout: 5000 });
    await carol.page.waitForFunction(() => document.querySelectorAll('#online li').length === 3, null, { timeout: 5000 });
    await bob.close();
    await alice.page.waitForFunction(() => [...document.querySelectorAll('#online li')].map((li) => li.textContent).sort().join() === 'alice (you),carol', null, { timeout: 5000 });
    await assertNoHorizontalOverflow(carol.page);
    await shot(carol.page, 'chat-phone-late-joiner');
    for (const p of [alice, carol]) p.assertClean();
    bob.assertClean();
  } finally {
    await alice.close();
    await bob.close().catch(() => {});
    await carol?.close();
  }
});

test('dashboard: samples arrive every second and the chart moves; generated traffic shows as deliveries', { skip, timeout: 60_000 }, async () => {
  const dash = await openPage('/dashboard.html');
  try {
    await connectedOn(dash.page, 'websocket');
    const samples = () => dash.page.evaluate(() => window.dashboard.samples.map((s) => ({ ...s })));
    await dash.page.waitForFunction(() => window.dashboard.samples.length >= 2, null, { timeout: 10_000 });
    const before = { points: await dash.page.getAttribute('#chart-connections polyline[data-series=ws]', 'points'), samples: await samples() };
    await dash.page.locator('#traffic').click();
    await sleep(2500);
    await waitFor(async () => (await samples()).some((s) => s.delivered_per_second.ws > 0 && s.published_per_second > 0), { timeout: 8000, label: 'a sample with the generated traffic' });
    const after = { points: await dash.page.getAttribute('#chart-connections polyline[data-series=ws]', 'points'), samples: await samples() };
    assert.notEqual(after.points, before.points, 'the chart moved');
    const newer = after.samples.filter((s) => s.time > before.samples.at(-1).time);
    assert.ok(newer.length >= 2, `at least two new samples in 2.5 s and more: ${newer.length}`);
    // One a second on average (a slow sample is followed by a quicker one: the backend keeps its schedule).
    const steps = newer.slice(1).map((s, i) => s.time - newer[i].time);
    const mean = steps.reduce((a, b) => a + b, 0) / steps.length;
    assert.ok(mean >= 600 && mean <= 1600 && steps.every((ms) => ms >= 100 && ms <= 3000), `samples about a second apart: ${JSON.stringify(steps)} ms`);
    assert.ok(after.samples.at(-1).connections.ws >= 1, 'this page\'s own WebSocket is counted');
    const received = await dash.page.evaluate(() => window.dashboard.trafficReceived);
    assert.ok(received > 0, 'the page received the generated traffic');
    assert.notEqual(await text(dash.page, '#tile-connections'), '–');
    await dash.page.waitForFunction(() => window.dashboard.trafficReceived === 300, null, { timeout: 10_000 });
    await shot(dash.page, 'dashboard-desktop');
    dash.assertClean();
  } finally {
    await dash.close();
  }
});

/** Sends `prompt` on the AI page and waits for the whole reply; returns what the page saw. */
async function streamReply(page, prompt) {
  await page.locator('#prompt').fill(prompt);
  await page.locator('#send').click();
  const counts = [];
  await waitFor(async () => {
    const state = await page.evaluate(() => ({ n: window.ai.tokens.length, done: window.ai.done, errors: window.ai.errors }));
    counts.push(state.n);
    assert.deepEqual(state.errors, []);
    return state.done !== null;
  }, { timeout: 20_000, interval: 50, label: 'the whole reply' });
  const channel = await text(page, '#channel');
  const seen = await page.evaluate(() => ({ tokens: window.ai.tokens, done: window.ai.done, shown: document.getElementById('reply').textContent, state: document.getElementById('reply').dataset.state }));
  return { channel, counts, ...seen };
}

test('AI streaming: the tokens arrive over SSE one step at a time, in order, each once, and complete', { skip, timeout: 60_000 }, async () => {
  const ai = await openPage('/ai.html');
  try {
    await readyOn(ai.page, 'sse');
    assert.equal(await text(ai.page, '#status'), 'ready · SSE', 'no stream is open before a prompt');
    const prompt = 'How does herald resume a stream after a reconnect?';
    const first = await streamReply(ai.page, prompt);
    const published = (await historyOk(run.base, first.channel, { limit: 1000 })).messages;
    const tokens = published.filter((m) => m.event === 'token');
    assert.deepEqual(tokens.map((m) => m.data.i), tokens.map((_, i) => i), 'the backend published tokens 0..n-1');
    assert.deepEqual(first.tokens, tokens.map((m) => m.data.text), 'the page shows every token once, in order');
    assert.equal(first.shown, tokens.map((m) => m.data.text).join(''));
    assert.deepEqual(first.done, { tokens: tokens.length, received: tokens.length });
    assert.equal(first.state, 'done');
    assert.ok(tokens.length > 40, `a reply of some length: ${tokens.length} tokens`);
    const partial = first.counts.filter((n) => n > 0 && n < tokens.length);
    assert.ok(new Set(partial).size >= 5, `the reply streamed in steps, not at once: ${JSON.stringify([...new Set(first.counts)])}`);
    assert.match(first.shown, /^This is a simulated reply to "How does herald resume a stream after a reconnect\?"\./);
    assert.match(await text(ai.page, '#outcome'), new RegExp(`^complete: ${tokens.length} tokens in [0-9.]+ s`));
    assert.ok(await wasConnectedOn(ai.page, 'sse'), 'the tokens came over a connected SSE stream');
    await sleep(400); // the last tokens fade in
    await shot(ai.page, 'ai-desktop');
    // The same prompt gives the same reply, on a channel of its own.
    const second = await streamReply(ai.page, prompt);
    assert.notEqual(second.channel, first.channel);
    assert.equal(second.shown, first.shown);
    ai.assertClean();
  } finally {
    await ai.close();
  }
});

test('payment: the long-polled status shows processing, then success, without a reload; the test card is declined', { skip, timeout: 60_000 }, async () => {
  const pay = await openPage('/payment.html');
  try {
    await readyOn(pay.page, 'longpoll');
    await pay.page.evaluate(() => (window.__sameDocument = true));
    const startedAt = Date.now();
    await pay.page.locator('#pay').click();
    await pay.page.waitForFunction(() => document.getElementById('result').dataset.status === 'succeeded', null, { timeout: 15_000 });
    const tookMs = Date.now() - startedAt;
    assert.ok(tookMs >= 2500, `the payment settles after a few seconds: ${tookMs} ms`);
    assert.equal(await pay.page.evaluate(() => window.__sameDocument), true, 'no reload');
    assert.deepEqual(await pay.page.evaluate(() => window.payment.statuses), ['processing', 'succeeded']);
    assert.match(await text(pay.page, '#result'), /^✓ Payment of €12\.50 succeeded · reference pay_[0-9a-f]{8}$/);
    assert.equal(await pay.page.getAttribute('#step-settled', 'class'), 'done');
    await shot(pay.page, 'payment-desktop');

    await pay.page.locator('#card').fill('4000 0000 0000 0002');
    await pay.page.locator('#amount').fill('3');
    await pay.page.locator('#pay').click();
    await pay.page.waitForFunction(() => document.getElementById('result').dataset.status === 'declined', null, { timeout: 15_000 });
    assert.match(await text(pay.page, '#result'), /^✗ Payment of €3\.00 declined/);
    assert.equal(await pay.page.evaluate(() => window.__sameDocument), true, 'no reload');
    assert.ok(await wasConnectedOn(pay.page, 'longpoll'), 'the status came over long polling');
    pay.assertClean();
  } finally {
    await pay.close();
  }
});

async function assertNoHorizontalOverflow(page) {
  const widths = await page.evaluate(() => ({ document: document.documentElement.scrollWidth, body: document.body.scrollWidth, viewport: window.innerWidth }));
  assert.ok(widths.document <= widths.viewport && widths.body <= widths.viewport, `no horizontal overflow at phone width: ${JSON.stringify(widths)}`);
}

for (const name of PAGES) {
  test(`phone width (375x740): ${name} has no horizontal overflow and works`, { skip, timeout: 60_000 }, async () => {
    const phone = await openPage(name === 'index' ? '/' : `/${name}.html`, PHONE);
    try {
      if (name === 'dashboard') await phone.page.waitForFunction(() => window.dashboard.samples.length >= 3, null, { timeout: 10_000 });
      if (name === 'ai') {
        await readyOn(phone.page, 'sse');
        const reply = await streamReply(phone.page, 'What does a phone-width page look like?');
        assert.equal(reply.state, 'done');
      }
      if (name === 'payment') {
        await readyOn(phone.page, 'longpoll');
        await phone.page.locator('#pay').click();
        await phone.page.waitForFunction(() => document.getElementById('result').dataset.status === 'succeeded', null, { timeout: 15_000 });
      }
      if (name === 'chat') {
        await connectedOn(phone.page, 'websocket');
        await phone.page.locator('#text').fill('hello from a phone');
        await phone.page.locator('#text').press('Enter');
        await phone.page.waitForFunction(() => [...document.querySelectorAll('#messages li .text')].some((n) => n.textContent === 'hello from a phone'), null, { timeout: 5000 });
      }
      if (name === 'live') await phone.page.waitForFunction(() => document.getElementById('status').textContent === 'live', null, { timeout: 10_000 });
      await assertNoHorizontalOverflow(phone.page);
      await shot(phone.page, `${name}-phone`);
      phone.assertClean();
    } finally {
      await phone.close();
    }
  });
}
