// WebRTC through herald, in headless Chromium: two pages join a room through herald's signaling and
// open an RTCDataChannel, once with host candidates and once relay-only through herald's TURN server
// (getStats shows relay candidates); 1000 messages each way arrive intact and in order. Then the call
// demo (/demo/call): two pages with Chromium's fake camera see each other's video (a screenshot goes to
// $HERALD_SCREENSHOTS, default /tmp/herald-screens).
//
// WebRTC uses every interface it finds, so this file runs inside a network namespace of its own that has
// only `lo` (it starts itself again under `unshare -n` and refuses to run if it sees another interface).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test, describe, before, after } from './lib/harness.mjs';
import { CHROMIUM } from './lib/browser.mjs';
import { freePort, startServer } from './lib/server.mjs';
import { uniqueChannel, waitFor } from './lib/util.mjs';

const INSIDE = process.env.HERALD_WEBRTC_NETNS === '1';

/** The interfaces of this process's network namespace (/proc/net/dev is per namespace; /sys may not be). */
function interfaces() {
  return fs.readFileSync('/proc/net/dev', 'utf8').split('\n').slice(2).map((l) => l.split(':')[0].trim()).filter(Boolean);
}

if (!INSIDE) {
  test('WebRTC tests, inside a network namespace with only loopback', () => {
    const self = fileURLToPath(import.meta.url);
    const run = spawnSync('unshare', [process.getuid() === 0 ? '-n' : '-rn', 'bash', '-c', `ip link set lo up && exec "${process.execPath}" --test --test-concurrency=1 --test-reporter=spec "${self}"`], {
      env: { ...withoutTestRunner(process.env), HERALD_WEBRTC_NETNS: '1' },
      encoding: 'utf8',
      timeout: 280_000,
    });
    process.stdout.write(run.stdout ?? '');
    process.stderr.write(run.stderr ?? '');
    assert.equal(run.error, undefined, `could not start the namespace: ${run.error}`);
    assert.equal(run.status, 0, 'the WebRTC tests failed (output above)');
    const passed = Number(/^(?:# |ℹ )pass (\d+)$/m.exec(run.stdout)?.[1] ?? 0);
    assert.ok(passed >= 3, `the tests inside the namespace ran (${passed} passed)`);
  });

  // The runner marks its children; a child that sees the mark would skip its files instead of running them.
  function withoutTestRunner(env) {
    const { NODE_TEST_CONTEXT, ...rest } = env;
    return rest;
  }
} else {
  describe('WebRTC in Chromium', () => {
    let dir;
    let srv;
    let browser;
    let turnPort;
    before(async () => {
      assert.deepEqual(interfaces(), ['lo'], 'only loopback may be reachable from these tests');
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-webrtc-'));
      turnPort = await freePort();
      const config = path.join(dir, 'herald.toml');
      fs.writeFileSync(config, [
        '[[namespace]]', 'prefix = "call:"', 'presence = true',
        '[turn]', `listen = "127.0.0.1:${turnPort}"`, 'secret = "webrtc-test-secret"', 'realm = "herald.test"',
        'relay_address = "127.0.0.1"', 'allow_peers = ["127.0.0.0/8"]',
      ].join('\n'));
      srv = await startServer({ args: ['--config', config], label: 'webrtc' });
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        timeout: 30_000,
        args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update',
          '--allow-loopback-in-peer-connection', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
      });
    });
    after(async () => {
      await browser?.close();
      await srv?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    async function openPage() {
      const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${srv.base}/healthz`);
      return { page, errors, close: () => context.close() };
    }

    // Runs in the page: joins `room` with herald-client, and once a peer is there opens (or accepts) a
    // data channel, sends `count` messages and collects the peer's. The later peer makes the offer.
    async function dataChannelPeer({ room, relay, count }) {
      const { Herald } = await import('/herald.js');
      const state = { received: [], errors: [], open: false, done: false };
      window.__peer = state;
      const ice = relay ? await (await fetch('/api/ice-servers')).json() : { iceServers: [] };
      const herald = new Herald(location.origin, { transports: ['websocket'] });
      const pcs = new Map();
      const use = (channel) => {
        channel.onopen = () => {
          state.open = true;
          for (let i = 0; i < count; i += 1) channel.send(`m${i}:${'x'.repeat(i % 50)}`);
        };
        channel.onmessage = (e) => {
          state.received.push(e.data);
          if (state.received.length === count) state.done = true;
        };
      };
      const connectTo = (peer, offerer) => {
        const pc = new RTCPeerConnection({ iceServers: ice.iceServers, iceTransportPolicy: relay ? 'relay' : 'all' });
        pcs.set(peer, pc);
        state.pc = pc;
        pc.onicecandidate = (e) => e.candidate && roomHandle.signal(peer, { candidate: e.candidate.toJSON() }).catch((err) => state.errors.push(String(err)));
        if (offerer) use(pc.createDataChannel('test'));
        else pc.ondatachannel = (e) => use(e.channel);
        return pc;
      };
      const roomHandle = herald.join(room, {
        onSignal: async ({ from, data }) => {
          try {
            const pc = pcs.get(from) ?? connectTo(from, false);
            if (data.description) {
              await pc.setRemoteDescription(data.description);
              for (const candidate of (pc.pending ?? []).splice(0)) await pc.addIceCandidate(candidate);
              if (data.description.type === 'offer') {
                await pc.setLocalDescription(await pc.createAnswer());
                await roomHandle.signal(from, { description: pc.localDescription.toJSON() });
              }
            } else if (data.candidate) {
              if (pc.remoteDescription) await pc.addIceCandidate(data.candidate);
              else (pc.pending ??= []).push(data.candidate);
            }
          } catch (err) {
            state.errors.push(String(err));
          }
        },
      });
      const joined = await roomHandle.ready;
      state.you = joined.you;
      for (const peer of joined.peers) {
        const pc = connectTo(peer.id, true);
        await pc.setLocalDescription(await pc.createOffer());
        await roomHandle.signal(peer.id, { description: pc.localDescription.toJSON() });
      }
      return { you: joined.you, peers: joined.peers.length, iceServers: ice.iceServers };
    }

    // Runs in the page: what the data channel's selected candidate pair went through.
    async function selectedPair() {
      const stats = await window.__peer.pc.getStats();
      let pair;
      stats.forEach((s) => {
        if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
      });
      if (!pair) stats.forEach((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded' && (pair = s));
      return pair ? { local: stats.get(pair.localCandidateId)?.candidateType, remote: stats.get(pair.remoteCandidateId)?.candidateType } : null;
    }

    async function exchange({ relay }) {
      const room = uniqueChannel('call:');
      const count = 1000;
      const a = await openPage();
      const b = await openPage();
      try {
        const joinedA = await a.page.evaluate(dataChannelPeer, { room, relay, count });
        assert.equal(joinedA.peers, 0);
        const joinedB = await b.page.evaluate(dataChannelPeer, { room, relay, count });
        assert.equal(joinedB.peers, 1);
        if (relay) {
          const turn = joinedB.iceServers.flatMap((s) => [].concat(s.urls)).filter((u) => u.startsWith('turn:'));
          assert.ok(turn.length >= 1, `herald's TURN is among the ICE servers: ${JSON.stringify(joinedB.iceServers)}`);
        }
        for (const side of [a, b]) {
          await waitFor(() => side.page.evaluate(() => window.__peer.done), {
            timeout: 60_000,
            interval: 200,
            label: `${relay ? 'relayed' : 'direct'} data channel delivered ${count} messages`,
            describe: () => '',
          }).catch(async (err) => {
            const st = await side.page.evaluate(() => ({ open: window.__peer.open, n: window.__peer.received.length, errors: window.__peer.errors, ice: window.__peer.pc?.iceConnectionState }));
            err.message += ` | ${JSON.stringify(st)} pageerrors=${JSON.stringify(side.errors)}`;
            throw err;
          });
          const received = await side.page.evaluate(() => window.__peer.received);
          assert.deepEqual(received, Array.from({ length: count }, (_, i) => `m${i}:${'x'.repeat(i % 50)}`), 'intact and in order');
          assert.deepEqual(await side.page.evaluate(() => window.__peer.errors), []);
        }
        return { a: await a.page.evaluate(selectedPair), b: await b.page.evaluate(selectedPair) };
      } finally {
        await a.close();
        await b.close();
      }
    }

    test('a data channel between two pages, host candidates, 1000 messages each way', async () => {
      const pair = await exchange({ relay: false });
      assert.equal(pair.a?.local, 'host', JSON.stringify(pair));
      assert.equal(pair.b?.local, 'host', JSON.stringify(pair));
    });

    test("relay only, through herald's TURN: relay candidates, 1000 messages each way", async () => {
      const before = await (await fetch(`${srv.base}/metrics`)).text();
      const pair = await exchange({ relay: true });
      assert.equal(pair.a?.local, 'relay', JSON.stringify(pair));
      assert.equal(pair.b?.local, 'relay', JSON.stringify(pair));
      const metrics = await (await fetch(`${srv.base}/metrics`)).text();
      assert.notEqual(metrics, before);
      assert.match(metrics, /herald_signals_relayed_total [1-9]/);
    });

    test('the call demo: two pages see each other\'s video', async () => {
      const room = uniqueChannel('call:');
      const a = await openPage();
      const b = await openPage();
      try {
        await a.page.goto(`${srv.base}/demo/call?room=${encodeURIComponent(room)}`);
        await a.page.getByRole('button', { name: /join/i }).click();
        await b.page.goto(`${srv.base}/demo/call?room=${encodeURIComponent(room)}`);
        await b.page.getByRole('button', { name: /join/i }).click();
        const inbound = (page) => page.evaluate(() => window.heraldCall?.inboundVideoBytes() ?? 0);
        for (const side of [a, b]) {
          await waitFor(async () => (await inbound(side.page)) > 0, { timeout: 45_000, interval: 250, label: 'video arrives', describe: () => '' });
        }
        const first = [await inbound(a.page), await inbound(b.page)];
        await new Promise((r) => setTimeout(r, 1500));
        const second = [await inbound(a.page), await inbound(b.page)];
        assert.ok(second[0] > first[0] && second[1] > first[1], `inbound video bytes grow on both sides: ${first} → ${second}`);
        assert.equal(await a.page.locator('video.remote').count(), 1);
        const screens = process.env.HERALD_SCREENSHOTS || '/tmp/herald-screens';
        fs.mkdirSync(screens, { recursive: true });
        await a.page.setViewportSize({ width: 1280, height: 860 });
        await a.page.screenshot({ path: path.join(screens, 'call-desktop.png'), fullPage: true });
        assert.deepEqual([...a.errors, ...b.errors], []);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
}
