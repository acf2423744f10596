// herald-client in Node 20 against the real herald binary (WebSocket from the `ws` package, injected):
// tokens on every transport, gaps on every transport, the SSE stream re-opened when channels change
// and when the server ends it, unsubscribe, history and HTTP publish errors.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import WebSocket from 'ws';
import { Herald } from '../../src/index.js';
import { closeClients, eventually, exactlyOnceInOrder, HERALD_BIN, heraldMissing, publish, sleep, startServer, tracked } from '../lib/herald.mjs';

const FAST = { backoff: { base: 100, cap: 1000 }, firstByteTimeout: 1500, WebSocket };
const TRANSPORTS = ['websocket', 'sse', 'longpoll'];

/** A client that records what it sees; closed at the end of each test (closeClients). */
function client(base, options, channels = []) {
  const herald = tracked(new Herald(base, { ...FAST, ...options }));
  const seen = { messages: [], gaps: [], states: [], errors: [] };
  herald.on('state', (s) => seen.states.push(s));
  herald.on('error', (e) => seen.errors.push(e));
  const subs = {};
  const add = (channel, extra = {}) => {
    subs[channel] = herald.subscribe(channel, { ...extra, onMessage: (m) => seen.messages.push(m), onGap: (g) => seen.gaps.push(g) });
    return subs[channel];
  };
  for (const channel of channels) add(channel);
  return { herald, seen, subs, add };
}

const connected = (herald, name) => eventually(() => herald.state === 'connected' && herald.transport === name, `connected on ${name}`);
const known = (subs) => eventually(() => Object.values(subs).every((s) => s.cursor !== null), 'cursors known');

async function sseConnections(base) {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(/herald_connections\{transport="sse"\} (\d+)/.exec(text)?.[1]);
}

describe('herald-client in Node', { skip: heraldMissing }, () => {
  afterEach(closeClients);
  describe('plain server', () => {
    let server;
    before(async () => {
      server = await startServer({ env: { HERALD_HISTORY_SIZE: '3' }, label: 'client-node' });
    });
    after(() => server?.stop());

    for (const name of TRANSPORTS) {
      test(`${name}: resuming from a cursor older than the history reports the gap, then the retained messages`, async () => {
        const channel = `gap-${name}`;
        const first = await publish(server.base, channel, 1);
        for (let i = 2; i <= 6; i += 1) await publish(server.base, channel, i); // history keeps 4..6
        const { herald, seen } = client(server.base, { transports: [name] });
        herald.subscribe(channel, { since: first.cursor, onMessage: (m) => seen.messages.push(m), onGap: (g) => seen.gaps.push(g) });
        await eventually(() => seen.messages.length === 3, 'the retained messages');
        assert.equal(seen.gaps.length, 1);
        assert.equal(seen.gaps[0].requested, first.cursor);
        assert.equal(seen.gaps[0].continue_from, `${first.epoch}:3`);
        assert.deepEqual(seen.messages.map((m) => m.data), [4, 5, 6]);
        herald.close();
      });

      test(`${name}: unsubscribe stops delivery for that channel only`, async () => {
        const { herald, seen, subs } = client(server.base, { transports: [name] }, [`un-${name}-a`, `un-${name}-b`]);
        await connected(herald, name);
        await known(subs);
        await publish(server.base, `un-${name}-a`, 1);
        await eventually(() => seen.messages.length === 1, 'first message');
        subs[`un-${name}-a`].unsubscribe();
        assert.equal(subs[`un-${name}-a`].active, false);
        await sleep(100);
        await publish(server.base, `un-${name}-a`, 2);
        await publish(server.base, `un-${name}-b`, 1);
        await eventually(() => seen.messages.some((m) => m.channel === `un-${name}-b`), 'the other channel');
        await sleep(300);
        assert.deepEqual(seen.messages.map((m) => `${m.channel}:${m.data}`), [`un-${name}-a:1`, `un-${name}-b:1`]);
        herald.close();
      });
    }

    test('sse: one stream for all channels, re-opened with the cursors when the set changes', async () => {
      const { herald, seen, add, subs } = client(server.base, { transports: ['sse'] }, ['set-a']);
      await connected(herald, 'sse');
      await known(subs);
      let a = 0;
      const publishing = (async () => {
        for (; a < 20; ) {
          await publish(server.base, 'set-a', ++a);
          await sleep(20);
        }
      })();
      await sleep(100);
      add('set-b');
      await sleep(100);
      add('set-c');
      await publishing;
      await known(subs);
      await publish(server.base, 'set-b', 1);
      await publish(server.base, 'set-c', 1);
      await eventually(() => seen.messages.length === 22, '22 messages');
      assert.ok(exactlyOnceInOrder(seen.messages, 'set-a', 20).ok, JSON.stringify(seen.messages.map((m) => m.data)));
      assert.equal(await sseConnections(server.base), 1, 'a single SSE stream');
      herald.close();
    });

    test('longpoll: one poll for all channels, restarted with the cursors when the set changes', async () => {
      const { herald, seen, add, subs } = client(server.base, { transports: ['longpoll'] }, ['lp-set-a']);
      await connected(herald, 'longpoll');
      await known(subs);
      let a = 0;
      const polls = [];
      const sample = setInterval(async () => {
        const text = await (await fetch(`${server.base}/metrics`)).text();
        polls.push(Number(/herald_connections\{transport="longpoll"\} (\d+)/.exec(text)?.[1]));
      }, 50);
      const publishing = (async () => {
        for (; a < 20; ) {
          await publish(server.base, 'lp-set-a', ++a);
          await sleep(20);
        }
      })();
      await sleep(100);
      add('lp-set-b');
      await sleep(100);
      add('lp-set-c');
      await publishing;
      await known(subs);
      await sleep(300);
      polls.length = 0; // from here on the set is steady: three channels
      await sleep(300);
      await publish(server.base, 'lp-set-b', 1);
      await publish(server.base, 'lp-set-c', 1);
      await eventually(() => seen.messages.length === 22, '22 messages');
      clearInterval(sample);
      assert.ok(exactlyOnceInOrder(seen.messages, 'lp-set-a', 20).ok, JSON.stringify(seen.messages.map((m) => m.data)));
      assert.ok(exactlyOnceInOrder(seen.messages, 'lp-set-b', 1).ok);
      assert.ok(polls.length > 0 && Math.max(...polls) === 1, `one long poll for the three channels: ${polls}`);
      herald.close();
    });

    test('history() and HTTP publish (on SSE): results, and errors carrying the server code', async () => {
      const { herald } = client(server.base, { transports: ['sse'] });
      const done = await herald.publish('hist', { n: 1 }, { event: 'made', idempotencyKey: 'h-1' });
      assert.equal(done.duplicate, false);
      assert.equal((await herald.publish('hist', { n: 1 }, { event: 'made', idempotencyKey: 'h-1' })).duplicate, true);
      const history = await herald.history('hist', { limit: 5 });
      assert.equal(history.messages.at(-1).event, 'made');
      assert.equal(history.cursor, done.cursor);
      const bad = await herald.publish('hist', 1, { event: 'gap' }).catch((e) => e);
      assert.equal(bad.code, 'invalid_event');
      assert.equal(bad.status, 400);
      const badLimit = await herald.history('hist', { limit: 0 }).catch((e) => e);
      assert.equal(badLimit.code, 'invalid_field');
      await assert.rejects(() => herald.publish('bad name', 1), (e) => e.code === 'invalid_channel');
      const offline = tracked(new Herald('http://127.0.0.1:1', { transports: ['longpoll'] }));
      await assert.rejects(() => offline.publish('x', 1), (e) => e.code === 'network_error');
      offline.close();
      herald.close();
    });
  });

  describe('server whose SSE streams last one second', () => {
    let server;
    before(async () => {
      server = await startServer({ env: { HERALD_SSE_MAX_LIFETIME: '1' }, label: 'client-node-lifetime' });
    });
    after(() => server?.stop());

    test('sse: a stream the server ends (sse.max_lifetime) is resumed without loss or duplicates', async () => {
      const { herald, seen, subs } = client(server.base, { transports: ['sse'] }, ['lifetime']);
      await connected(herald, 'sse');
      await known(subs);
      let n = 0;
      const until = Date.now() + 2600; // at least two stream ends
      while (Date.now() < until) {
        await publish(server.base, 'lifetime', ++n);
        await sleep(5);
      }
      await eventually(() => seen.messages.length >= n, `${n} messages`);
      await sleep(200);
      assert.ok(exactlyOnceInOrder(seen.messages, 'lifetime', n).ok);
      assert.deepEqual(seen.gaps, []);
      assert.ok(seen.states.some((s) => /ended the SSE stream \(lifetime\)/.test(s.reason)), JSON.stringify(seen.states));
      herald.close();
    });
  });

  describe('server with connection tokens', () => {
    const SECRET = 'client-tests-secret-0123456789abcdef';
    let server;
    const token = (...args) => execFileSync(HERALD_BIN, ['token', '--secret', SECRET, ...args]).toString().trim();

    before(async () => {
      server = await startServer({ args: ['--auth-secret', SECRET], label: 'client-node-auth' });
    });
    after(() => server?.stop());

    for (const name of TRANSPORTS) {
      test(`${name}: the token is sent and a channel it allows is received`, async () => {
        const { herald, seen, subs } = client(server.base, { transports: [name], token: () => token('--sub', 'u', '--channel', 'sec.*') }, [`sec.${name}`]);
        await connected(herald, name);
        await known(subs);
        await publish(server.base, `sec.${name}`, 1);
        await eventually(() => seen.messages.length === 1, 'the message');
        assert.deepEqual(seen.errors, []);
        herald.close();
      });

      test(`${name}: without a token the subscription is refused with token_required`, async () => {
        const { herald, seen, subs } = client(server.base, { transports: [name] }, [`sec.none-${name}`]);
        await eventually(() => seen.errors.some((e) => e.code === 'token_required'), 'token_required');
        assert.equal(seen.errors[0].channel, `sec.none-${name}`);
        assert.equal(subs[`sec.none-${name}`].active, false, 'the subscription ended');
        herald.close();
      });

      test(`${name}: a channel the token refuses ends that subscription only; the others receive`, async () => {
        const mine = `sec.mix-${name}`;
        const theirs = `admin-${name}`;
        const { herald, seen, subs } = client(server.base, { transports: [name], token: token('--sub', 'u', '--channel', 'sec.*') }, [mine, theirs]);
        await eventually(() => seen.errors.some((e) => e.code === 'forbidden_channel' && e.channel === theirs), 'forbidden_channel');
        await connected(herald, name);
        await eventually(() => subs[mine].cursor !== null, 'cursor');
        assert.equal(subs[theirs].active, false);
        await publish(server.base, mine, 1);
        await eventually(() => seen.messages.length === 1, 'the allowed channel');
        herald.close();
      });
    }

    test('websocket: an invalid token is reported (close 4001); setToken sends refresh', async () => {
      const bad = client(server.base, { transports: ['websocket'], token: 'not-a-token' }, ['sec.x']);
      await eventually(() => bad.seen.errors.some((e) => e.code === 'invalid_token'), 'invalid_token');
      bad.herald.close();

      const good = client(server.base, { transports: ['websocket'], token: token('--sub', 'u', '--channel', 'sec.*', '--ttl', '60') }, ['sec.r']);
      await connected(good.herald, 'websocket');
      await good.herald.setToken(token('--sub', 'u', '--channel', 'sec.*', '--ttl', '3600'));
      await assert.rejects(() => good.herald.setToken('garbage'), (e) => e.code === 'invalid_token');
      good.herald.close();
    });
  });
});
