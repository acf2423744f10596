// A real browser: Chromium's native WebSocket (protocol 'herald.v1') from a page served by herald itself
// (so the Origin is the server's own host:port): subscribe + publish from one page, and two pages chatting.
import assert from 'node:assert/strict';
import { test, before, after } from './lib/harness.mjs';
import { chromiumMissing, launchChromium } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';
import { publish, historyOk } from './lib/http.mjs';
import { uniqueChannel, parseCursor, waitFor } from './lib/util.mjs';
import { PUSH_KEYS } from './lib/ws-client.mjs';

const skip = chromiumMissing;

let browser;
let srv;
before(async () => {
  if (skip) return;
  srv = await startServer({ label: 'ws-browser', env: { HERALD_WS_PUBLISH_PREFIXES: 'chat.' } });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

/**
 * Opens the herald demo page in a fresh context and a native WebSocket to /api/ws with 'herald.v1'.
 * Everything received is kept in window.__ws_state. Returns helpers to send commands and wait.
 */
async function openPage(name) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  const res = await page.goto(`${srv.base}/`);
  assert.equal(res.status(), 200, `GET / → ${res.status()}`);
  await page.evaluate(() => {
    const st = { frames: [], opened: false, protocol: null, extensions: null, close: null, errors: 0 };
    window.__ws_state = st;
    const ws = new WebSocket(`ws://${location.host}/api/ws`, 'herald.v1');
    window.__ws = ws;
    ws.onopen = () => {
      st.opened = true;
      st.protocol = ws.protocol;
      st.extensions = ws.extensions;
    };
    ws.onerror = () => {
      st.errors += 1;
    };
    ws.onclose = (e) => {
      st.close = { code: e.code, reason: e.reason, wasClean: e.wasClean };
    };
    ws.onmessage = (e) => {
      st.frames.push({ text: typeof e.data === 'string' ? e.data : `[binary ${e.data}]` });
    };
  });
  const state = () => page.evaluate(() => window.__ws_state);
  const json = async () => (await state()).frames.map((f) => JSON.parse(f.text));
  const until = (pred, label, timeout = 15_000) =>
    waitFor(async () => pred(await state()), { timeout, interval: 50, label: `[${name}] ${label}` }).catch(async (err) => {
      const st = await state();
      err.message += ` | page ${name}: opened=${st.opened} close=${JSON.stringify(st.close)} errors=${st.errors} frames=${st.frames.length} last=${JSON.stringify(st.frames.slice(-3))} console=${JSON.stringify(consoleErrors)}`;
      throw err;
    });
  const send = (obj) => page.evaluate((text) => window.__ws.send(text), JSON.stringify(obj));
  let nextId = 0;
  /** Sends a command from the page and waits for its reply (ok asserted unless allowError). */
  const command = async (cmd, { allowError = false } = {}) => {
    nextId += 1;
    const id = `${name}-${nextId}`;
    await send({ id, ...cmd });
    await until((s) => s.frames.some((f) => JSON.parse(f.text).id === id), `reply ${id}`);
    const reply = (await json()).find((j) => j.id === id);
    if (!allowError) assert.equal(reply.ok, true, `${JSON.stringify(cmd)} → ${JSON.stringify(reply)}`);
    return reply;
  };
  const messages = async (channel) => (await json()).filter((j) => j.op === 'message' && j.channel === channel);
  const waitMessages = async (channel, n) => {
    await until((s) => s.frames.filter((f) => {
      const j = JSON.parse(f.text);
      return j.op === 'message' && j.channel === channel;
    }).length >= n, `${n} messages on ${channel}`);
    return messages(channel);
  };
  await until((s) => s.opened || s.close, 'WebSocket open');
  const st = await state();
  assert.equal(st.opened, true, `the browser WebSocket did not open: ${JSON.stringify(st.close)}`);
  assert.equal(st.protocol, 'herald.v1');
  return { page, context, state, json, send, command, messages, waitMessages, until, consoleErrors };
}

test('Chromium WebSocket: a page subscribes, receives HTTP publishes, publishes itself (chat.) and is refused elsewhere', { skip, timeout: 60_000 }, async () => {
  const p = await openPage('solo');
  try {
    const channel = uniqueChannel('chat.solo');
    const sub = await p.command({ op: 'subscribe', channel });
    assert.equal(sub.recovered, false);
    const { epoch, offset } = parseCursor(sub.cursor);
    assert.equal(offset, 0);

    await publish(srv.base, channel, { from: 'http', text: 'grüße €' });
    const pub = await p.command({ op: 'publish', channel, data: { from: 'browser', text: 'hi 𝄞' } });
    assert.equal(pub.offset, 2);
    assert.equal(pub.epoch, epoch);
    assert.equal(pub.duplicate, false);
    const msgs = await p.waitMessages(channel, 2);
    msgs.forEach((m) => assert.deepEqual(Object.keys(m), PUSH_KEYS, JSON.stringify(m)));
    assert.deepEqual(msgs.map((m) => [m.offset, m.data]), [
      [1, { from: 'http', text: 'grüße €' }],
      [2, { from: 'browser', text: 'hi 𝄞' }],
    ]);
    const h = await historyOk(srv.base, channel);
    assert.deepEqual(h.messages.map((m) => m.data.from), ['http', 'browser']);

    const denied = await p.command({ op: 'publish', channel: uniqueChannel('room'), data: 1 }, { allowError: true });
    assert.equal(denied.ok, false);
    assert.equal(denied.error.code, 'forbidden');
    const st = await p.state();
    assert.equal(st.close, null, 'connection stays open after an error reply');
  } finally {
    await p.context.close();
  }
});

test('Chromium WebSocket: two pages chat through one channel and each sees all messages in order', { skip, timeout: 90_000 }, async () => {
  const alice = await openPage('alice');
  const bob = await openPage('bob');
  try {
    const channel = uniqueChannel('chat.room');
    await alice.command({ op: 'subscribe', channel });
    await bob.command({ op: 'subscribe', channel });
    const ROUNDS = 20;
    const expected = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      // Alternate speakers; every other round both speak without waiting for each other.
      const a = alice.command({ op: 'publish', channel, data: { who: 'alice', i } });
      if (i % 2 === 0) await a;
      const b = bob.command({ op: 'publish', channel, data: { who: 'bob', i } });
      await Promise.all([a, b]);
      expected.push(['alice', i], ['bob', i]);
    }
    const TOTAL = 2 * ROUNDS;
    const fromAlice = await alice.waitMessages(channel, TOTAL);
    const fromBob = await bob.waitMessages(channel, TOTAL);
    for (const [who, msgs] of [['alice', fromAlice], ['bob', fromBob]]) {
      assert.equal(msgs.length, TOTAL, `${who} got ${msgs.length} messages`);
      assert.deepEqual(msgs.map((m) => m.offset), [...Array(TOTAL).keys()].map((k) => k + 1), `${who}: offsets in order`);
    }
    // Both pages saw the identical sequence, containing each participant's messages in their own order.
    assert.deepEqual(fromAlice.map((m) => m.data), fromBob.map((m) => m.data));
    for (const who of ['alice', 'bob']) {
      const own = fromAlice.filter((m) => m.data.who === who).map((m) => m.data.i);
      assert.deepEqual(own, [...Array(ROUNDS).keys()], `${who}'s messages in order`);
    }
    assert.deepEqual(
      [...fromAlice.map((m) => [m.data.who, m.data.i])].sort(),
      [...expected].sort(),
    );
    // Same order as the server's history.
    const h = await historyOk(srv.base, channel);
    assert.deepEqual(h.messages.map((m) => m.data), fromAlice.map((m) => m.data));
    for (const p of [alice, bob]) assert.deepEqual(p.consoleErrors, []);
  } finally {
    await alice.context.close();
    await bob.context.close();
  }
});
