// Graceful shutdown with a client of every kind open: SIGTERM ends each of them (SSE close event,
// WebSocket close 1001, empty long-poll answer, idle keep-alive connection closed) and herald exits 0 by
// itself, before the shutdown deadline; a WebSocket peer that never ends its TCP connection is closed
// by herald after the close frame (docs/operations.md, "Graceful shutdown").
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { test } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';
import { longPoll } from './lib/http.mjs';
import { openSseReady, ssePath } from './lib/sse.mjs';
import { wsConnect } from './lib/ws-client.mjs';
import { uniqueChannel, waitFor, withTimeout, later } from './lib/util.mjs';

/** An HTTP/1.1 keep-alive connection left idle after one answered request; resolves once it is idle. */
function idleKeepAlive(port) {
  return new Promise((resolve, reject) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const state = { closed: false, agent };
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', agent }, (res) => {
      res.resume();
      res.on('end', () => {
        req.socket.on('close', () => {
          state.closed = true;
        });
        resolve(state);
      });
    });
    req.on('error', reject);
  });
}

/**
 * A WebSocket peer that completes the handshake and then neither reads nor closes: it never answers the
 * close frame and never ends its side of the TCP connection.
 */
async function silentWebSocket(port) {
  const socket = net.connect(port, '127.0.0.1');
  socket.allowHalfOpen = true;
  const state = { socket, ended: false };
  socket.on('end', () => {
    state.ended = true; // herald ended its side of the connection
  });
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    'GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: herald.v1\r\n\r\n',
  );
  await new Promise((resolve) => socket.once('data', resolve)); // the 101 response
  socket.pause(); // from now on nothing is read
  return state;
}

test('SIGTERM with SSE, WebSocket, long-poll and idle keep-alive clients: each is ended, exit 0 before the deadline', { timeout: 40_000 }, async () => {
  const own = await startServer({ label: 'shutdown-all' });
  try {
    const channel = uniqueChannel('down');
    const sse = await openSseReady(own.base, ssePath(channel));
    const ws = await wsConnect(own.base);
    await ws.command({ op: 'subscribe', channel });
    const poll = later(longPoll(own.base, channel, { timeout: 30 }));
    const keepAlive = await idleKeepAlive(own.port);
    await waitFor(async () => (await withTimeout(fetchMetric(own.base), 2000, 'metrics')) >= 1, { label: 'long poll waiting' });

    const stopping = later(own.stop({ timeout: 15_000 }));
    const { code, reason } = await ws.waitClose({ timeout: 10_000 });
    assert.deepEqual([code, reason], [1001, 'server shutting down']);
    await sse.waitEnd({ timeout: 10_000 });
    assert.deepEqual(JSON.parse(sse.blocks.at(-1).data), { reason: 'shutdown' });
    const answer = await poll;
    assert.equal(answer.res.status, 200);
    assert.deepEqual(answer.body.messages, []);
    await waitFor(() => keepAlive.closed, { timeout: 10_000, label: 'idle keep-alive connection closed' });
    keepAlive.agent.destroy();

    const info = await stopping;
    assert.equal(info.code, 0, JSON.stringify(info));
    assert.equal(info.forced, false, 'needed SIGKILL');
    assert.match(own.output(), /\bstopped\b/);
    assert.doesNotMatch(own.output(), /shutdown deadline reached/, 'every connection closed before server.shutdown_timeout');
  } finally {
    await own.stop();
  }
});

test('SIGTERM with a WebSocket peer that never ends its connection: herald closes it and exits 0 before the deadline', { timeout: 40_000 }, async () => {
  const own = await startServer({ label: 'shutdown-silent-ws' });
  try {
    const peer = await silentWebSocket(own.port);
    const info = await own.stop({ timeout: 15_000 });
    assert.equal(info.code, 0, JSON.stringify(info));
    assert.equal(info.forced, false, 'needed SIGKILL');
    assert.doesNotMatch(own.output(), /shutdown deadline reached/, 'the peer was closed before server.shutdown_timeout');
    peer.socket.resume(); // reads the close frame and the end of the connection
    await waitFor(() => peer.ended, { timeout: 5000, label: 'the silent peer sees its connection end' });
    peer.socket.destroy();
  } finally {
    await own.stop();
  }
});

/** herald_connections{transport="longpoll"} from /metrics. */
async function fetchMetric(base) {
  const res = await fetch(`${base}/metrics`);
  const text = await res.text();
  const m = /^herald_connections\{transport="longpoll"\} (\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
}
