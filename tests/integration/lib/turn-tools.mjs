// The STUN/TURN clients the TURN tests drive herald with (Debian's coturn package: turnutils_stunclient,
// turnutils_uclient, turnutils_peer), free UDP+TCP ports, TURN REST credentials computed the way the
// scheme defines them, and a STUN Binding over a raw TCP socket. Every run is bounded in time and every
// child is killed by its PID.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { trackChild } from './server.mjs';
import { withTimeout } from './util.mjs';

/** Throws (so that the test fails, never skips) when `tool` is not on the PATH. */
export function requireTool(tool) {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  if (found.status !== 0) throw new Error(`${tool} is missing: install Debian's coturn package (scripts/setup.sh --test)`);
}

/** Runs `tool ...args` to completion, killed after `timeout` ms. Resolves {code, signal, output}. */
export function runTool(tool, args, { timeout = 30_000 } = {}) {
  return withTimeout(
    new Promise((resolve, reject) => {
      const child = trackChild(spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
      let output = '';
      const killer = setTimeout(() => child.kill('SIGKILL'), timeout);
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.on('error', (err) => {
        clearTimeout(killer);
        reject(err);
      });
      child.on('close', (code, signal) => {
        clearTimeout(killer);
        resolve({ code, signal, output });
      });
    }),
    timeout + 5000,
    `${tool} ${args.join(' ')}`,
  );
}

/** Starts turnutils_peer (a UDP echo peer) on 127.0.0.1:port; returns the child (kill it by PID). */
export async function startEchoPeer(port) {
  requireTool('turnutils_peer');
  const child = trackChild(spawn('turnutils_peer', ['-L', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' }));
  await new Promise((resolve) => setTimeout(resolve, 300));
  if (child.exitCode !== null) throw new Error(`turnutils_peer exited at once (${child.exitCode})`);
  return child;
}

function bindsUdp(port) {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

function bindsTcp(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port free for both UDP and TCP on 127.0.0.1, from 20000-39999 (below the relay ranges). */
export async function freeUdpTcpPort() {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = 20000 + crypto.randomInt(20000);
    if ((await bindsUdp(port)) && (await bindsTcp(port))) return port;
  }
  throw new Error('no free UDP+TCP port found');
}

/** A range of `count` UDP ports free now, from 40000-59999: for turn.relay_ports. */
export async function freeUdpRange(count) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const first = 40000 + crypto.randomInt(20000 - count);
    let free = true;
    for (let port = first; port < first + count && free; port += 1) free = await bindsUdp(port);
    if (free) return { first, last: first + count - 1, text: `${first}-${first + count - 1}` };
  }
  throw new Error(`no ${count} free UDP ports in a row`);
}

/** The TURN REST password of `username`: base64(HMAC-SHA1(secret, username)). */
export function restPassword(secret, username) {
  return crypto.createHmac('sha1', secret).update(username).digest('base64');
}

/** A REST credential for `user` that expires `ttl` seconds from now (negative: already expired). */
export function restCredential(secret, user, ttl) {
  const username = `${Math.floor(Date.now() / 1000) + ttl}:${user}`;
  return { username, credential: restPassword(secret, username) };
}

/** The counters turnutils_uclient prints at its end (the last of its progress lines), or null. */
export function uclientTotals(output) {
  const number = (re) => {
    const matches = [...output.matchAll(re)];
    return matches.length ? Number(matches[matches.length - 1][1]) : null;
  };
  return {
    sent: number(/tot_send_msgs=(\d+)/g),
    received: number(/tot_recv_msgs=(\d+)/g),
    lost: number(/Total lost packets (\d+)/g),
  };
}

/**
 * A STUN Binding request over a raw TCP connection to 127.0.0.1:port (turnutils_stunclient speaks UDP
 * only). Resolves {local: {address, port}, mapped: {address, port}, fingerprint: bool, type}.
 */
export function tcpBinding(port, { timeout = 5000 } = {}) {
  return withTimeout(
    new Promise((resolve, reject) => {
      const id = crypto.randomBytes(12);
      const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), id]);
      const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
      let received = Buffer.alloc(0);
      socket.on('error', reject);
      socket.on('data', (chunk) => {
        received = Buffer.concat([received, chunk]);
        if (received.length < 20 || received.length < 20 + received.readUInt16BE(2)) return;
        const local = { address: socket.localAddress, port: socket.localPort };
        socket.destroy();
        if (!received.subarray(8, 20).equals(id)) return reject(new Error('another transaction id'));
        const result = { local, type: received.readUInt16BE(0), mapped: null, fingerprint: false };
        for (let at = 20; at + 4 <= received.length; ) {
          const type = received.readUInt16BE(at);
          const length = received.readUInt16BE(at + 2);
          const value = received.subarray(at + 4, at + 4 + length);
          if (type === 0x0020 && value[1] === 0x01) {
            const mappedPort = value.readUInt16BE(2) ^ 0x2112;
            const bytes = [...value.subarray(4, 8)].map((b, i) => b ^ [0x21, 0x12, 0xa4, 0x42][i]);
            result.mapped = { address: bytes.join('.'), port: mappedPort };
          }
          if (type === 0x8028) result.fingerprint = true;
          at += 4 + ((length + 3) & ~3);
        }
        resolve(result);
      });
    }),
    timeout,
    'STUN Binding over TCP',
  );
}
