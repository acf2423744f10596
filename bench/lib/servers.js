// The servers bench/compare measures, each freshly started on free 127.0.0.1 ports and stopped by PID:
// a herald node (memory engine, or on a Redis), an Nchan instance (nginx + libnginx-mod-nchan, memory
// storage or a Redis), a redis-server (no persistence, its own temporary directory). A deployment is
// what one run measures: one node, or two nodes sharing a freshly started Redis.
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const proc = require('./processes');

const HERALD = path.join(proc.ROOT, 'build', 'herald');
const NCHAN_TEMPLATE = path.join(proc.ROOT, 'bench', 'nchan.conf.template');
const WORKERS = os.cpus().length;

function freePort() {
  return new Promise((resolve, reject) => {
    // A listener without SO_REUSEPORT fails where herald (which uses it) or anything else already listens.
    const tryPort = (attempt) => {
      if (attempt > 50) return reject(new Error('no free port'));
      const port = 20000 + Math.floor(Math.random() * 12000); // below the ephemeral range (32768+)
      const srv = net.createServer();
      srv.once('error', () => tryPort(attempt + 1));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(port)));
    };
    tryPort(0);
  });
}

function httpStatus(port, urlPath, { method = 'GET', body = null } = {}) {
  return new Promise((resolve) => {
    const headers = { Connection: 'close' };
    if (body !== null) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method, agent: false, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.setTimeout(1000, () => req.destroy());
    req.end(body === null ? undefined : body);
  });
}

async function waitHealthy(child, port, urlPath, label) {
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${label} exited at start (code ${child.exitCode})`);
    if ((await httpStatus(port, urlPath)) === 200) return;
    await proc.sleep(100);
  }
  throw new Error(`${label} did not answer ${urlPath} on port ${port}`);
}

// A herald node; with `engineUrl` on that Redis (healthy once /readyz answers 200: Redis reached).
async function startHerald(logFd, { engineUrl = null } = {}) {
  const port = await freePort();
  const argv = [HERALD, 'serve', '--listen', `127.0.0.1:${port}`, '--log-level', 'warn'];
  if (engineUrl) argv.push('--engine', engineUrl);
  const child = proc.spawnWithUlimit(argv, ['ignore', logFd, logFd]);
  proc.register(child.pid, 'herald');
  await waitHealthy(child, port, engineUrl ? '/readyz' : '/healthz', 'herald');
  return { name: 'herald', kind: 'herald', port, child, pids: [child.pid] };
}

// What bench/nchan.conf.template gets at @REDIS@ (one line: the template's comment names it too):
// nothing for memory storage.
function nchanRedisSettings(redisUrl) {
  if (!redisUrl) return '';
  return `  nchan_redis_url "${redisUrl}"; nchan_use_redis on;`;
}

// An Nchan instance (nginx master and WORKERS workers); with `redisUrl` its channels live in that Redis.
async function startNchan(logFd, { redisUrl = null } = {}) {
  const port = await freePort();
  const dir = proc.makeTempDir(path.join(os.tmpdir(), 'herald-bench-nchan-'));
  const conf = fs.readFileSync(NCHAN_TEMPLATE, 'utf8')
    .replaceAll('@PORT@', String(port)).replaceAll('@RUNDIR@', dir).replaceAll('@WORKERS@', String(WORKERS))
    .replaceAll('@REDIS@', nchanRedisSettings(redisUrl));
  fs.writeFileSync(path.join(dir, 'nginx.conf'), conf);
  const child = proc.spawnWithUlimit(['nginx', '-p', dir, '-c', path.join(dir, 'nginx.conf')], ['ignore', logFd, logFd]);
  proc.register(child.pid, 'nginx master');
  await waitHealthy(child, port, '/healthz', 'nginx');
  let workers = [];
  for (let i = 0; i < 50 && workers.length < WORKERS; i++, await proc.sleep(100)) workers = proc.childrenOf(child.pid);
  for (const pid of workers) proc.register(pid, 'nginx worker');
  return { name: 'nchan', kind: 'nchan', port, child, pids: [child.pid, ...workers], dir };
}

// Resolves true once 127.0.0.1:`port` answers PING with PONG (one short connection).
function redisPing(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (d) => {
      reply += d;
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.on('error', () => done(false));
  });
}

// A redis-server without persistence (no RDB, no AOF) in its own temporary directory.
async function startRedis(logFd) {
  const port = await freePort();
  const dir = proc.makeTempDir(path.join(os.tmpdir(), 'herald-bench-redis-'));
  const argv = ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--appendonly', 'no', '--daemonize', 'no', '--logfile', '', '--loglevel', 'warning'];
  const child = proc.spawnWithUlimit(argv, ['ignore', logFd, logFd]);
  proc.register(child.pid, 'redis-server');
  const deadline = Date.now() + 15000;
  while (!(await redisPing(port))) {
    if (child.exitCode !== null) throw new Error(`redis-server exited at start (code ${child.exitCode})`);
    if (Date.now() > deadline) throw new Error(`redis-server did not answer PING on port ${port}`);
    await proc.sleep(50);
  }
  return { name: 'redis', kind: 'redis', port, child, pids: [child.pid], dir, url: `redis://127.0.0.1:${port}` };
}

async function stopServer(server) {
  proc.killNow(server.child.pid, 'SIGTERM');
  await Promise.race([proc.exitPromise(server.child), proc.sleep(8000)]);
  for (const pid of server.pids) {
    if (proc.alive(pid)) proc.killNow(pid, 'SIGKILL');
    proc.unregister(pid);
  }
  await Promise.race([proc.exitPromise(server.child), proc.sleep(2000)]);
  if (server.dir) proc.removeTempDir(server.dir);
}

// ---------------------------------------------------------------------------------------------------------
// Deployments: { nodes: [server...], broker: redis server or null }

// `spec`: { kind: 'herald' | 'nchan', nodes: N, redis: bool }.
async function startDeployment(spec, logFd) {
  const deployment = { nodes: [], broker: null };
  try {
    if (spec.redis) deployment.broker = await startRedis(logFd);
    const redisUrl = deployment.broker ? deployment.broker.url : null;
    for (let i = 0; i < spec.nodes; i++) {
      deployment.nodes.push(spec.kind === 'herald' ? await startHerald(logFd, { engineUrl: redisUrl })
        : await startNchan(logFd, { redisUrl }));
    }
    return deployment;
  } catch (e) {
    await stopDeployment(deployment);
    throw e;
  }
}

async function stopDeployment(deployment) {
  await Promise.all(deployment.nodes.map(stopServer));
  if (deployment.broker) await stopServer(deployment.broker);
}

// The publish path of `channel` on a node.
function publishPath(node, channel) {
  return node.kind === 'nchan' ? `/pub/${channel}` : `/api/publish/${channel}`;
}

// One publish on every node (to a channel nobody follows), so that connections to Redis and its scripts
// are ready before anything is measured. Throws when a node does not accept it within 10 s.
async function warmUp(deployment) {
  for (const [i, node] of deployment.nodes.entries()) {
    const urlPath = publishPath(node, `bench-warmup-${process.pid}-${i}`);
    const deadline = Date.now() + 10000;
    for (;;) {
      const status = await httpStatus(node.port, urlPath, { method: 'POST', body: '{"warmup":true}' });
      if (status >= 200 && status < 300) break;
      if (Date.now() > deadline) throw new Error(`${node.name} on port ${node.port}: warm-up publish answered ${status}`);
      await proc.sleep(100);
    }
  }
}

module.exports = { HERALD, WORKERS, startDeployment, stopDeployment, publishPath, warmUp };
