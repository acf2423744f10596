// Real redis-server processes for the Redis engine tests, on loopback ports only, each in its own
// temporary directory, started and stopped by PID:
//   const redis = await startRedis({ persistence: 'aof' });   redis.url → 'redis://127.0.0.1:PORT'
//   await redis.command('DBSIZE');   await redis.kill();   await redis.start();   await redis.stop();
//   const cluster = await startRedisCluster({ masters: 3 });   cluster.seeds → '127.0.0.1:P1,127.0.0.1:P2,…'
// A tiny RESP client (`command`) talks to them, so the tests need no Redis client package.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, trackChild, HeraldServer } from './server.mjs';
import { sleep } from './util.mjs';
import { request } from './http.mjs';

export const REDIS_SERVER = process.env.REDIS_SERVER || 'redis-server';
export const REDIS_CLI = process.env.REDIS_CLI || 'redis-cli';

/** Why the Redis tests cannot run here (a string for node:test's `skip`), or false when they can. */
export function redisSkip() {
  const probe = spawnSync(REDIS_SERVER, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return `${REDIS_SERVER} not found (scripts/setup.sh --test installs it)`;
  return false;
}

// ---------------------------------------------------------------------------------------------------------
// RESP: encoding commands and parsing replies

function encodeCommand(args) {
  let out = `*${args.length}\r\n`;
  for (const arg of args) {
    const s = String(arg);
    out += `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
  }
  return out;
}

/** Parses one reply at `pos` of `buf`: {value, next}, or null when `buf` does not hold all of it yet. */
function parseReply(buf, pos = 0) {
  const eol = buf.indexOf('\r\n', pos);
  if (eol < 0) return null;
  const type = String.fromCharCode(buf[pos]);
  const line = buf.toString('utf8', pos + 1, eol);
  const next = eol + 2;
  if (type === '+') return { value: line, next };
  if (type === '-') return { value: new RedisError(line), next };
  if (type === ':') return { value: Number(line), next };
  if (type === '$') {
    const len = Number(line);
    if (len < 0) return { value: null, next };
    if (buf.length < next + len + 2) return null;
    return { value: buf.toString('utf8', next, next + len), next: next + len + 2 };
  }
  if (type === '*') {
    const count = Number(line);
    if (count < 0) return { value: null, next };
    const items = [];
    let at = next;
    for (let i = 0; i < count; i++) {
      const item = parseReply(buf, at);
      if (!item) return null;
      items.push(item.value);
      at = item.next;
    }
    return { value: items, next: at };
  }
  throw new Error(`unexpected RESP type ${JSON.stringify(type)}`);
}

export class RedisError extends Error {}

/**
 * Sends one command to 127.0.0.1:`port` on a fresh connection and resolves its reply (an error reply
 * rejects with a RedisError). Bounded by `timeout` ms.
 */
export function redisCommand(port, args, { timeout = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error(`redis ${args[0]} on :${port} timed out`)), timeout);
    function finish(err, value) {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value);
    }
    socket.on('connect', () => socket.write(encodeCommand(args)));
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      let reply;
      try {
        reply = parseReply(buf);
      } catch (err) {
        finish(err);
        return;
      }
      if (!reply) return;
      if (reply.value instanceof RedisError) finish(reply.value);
      else finish(null, reply.value);
    });
    socket.on('error', (err) => finish(err));
    socket.on('close', () => finish(new Error(`redis :${port} closed the connection`)));
  });
}

// ---------------------------------------------------------------------------------------------------------
// One redis-server process

export class RedisServer {
  /**
   * @param {object} o
   * @param {'none'|'aof'} [o.persistence]  'aof': appendonly with appendfsync always (survives kill -9)
   * @param {string[]} [o.args]              extra redis-server arguments (`--name value` pairs)
   * @param {number}   [o.port]              fixed port (default: a free one, kept across restarts)
   * @param {string}   [o.label]
   */
  constructor({ persistence = 'none', args = [], port, label = 'redis' } = {}) {
    this.persistence = persistence;
    this.extraArgs = args;
    this.port = port;
    this.label = label;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-redis-'));
    this.child = null;
    this.output = '';
  }

  get address() {
    return `127.0.0.1:${this.port}`;
  }

  get url() {
    return `redis://${this.address}`;
  }

  get pid() {
    return this.child?.pid;
  }

  argv() {
    const argv = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '',
      '--daemonize', 'no', '--logfile', '', '--databases', '16'];
    if (this.persistence === 'aof') argv.push('--appendonly', 'yes', '--appendfsync', 'always');
    else argv.push('--appendonly', 'no');
    return argv.concat(this.extraArgs);
  }

  /** Spawns redis-server and waits until it answers PING (bounded by `timeout`). */
  async start({ timeout = 10_000 } = {}) {
    if (this.child) throw new Error('redis already running');
    if (!this.port) this.port = await freePort();
    const child = spawn(REDIS_SERVER, this.argv(), { stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(child);
    this.child = child;
    const onData = (d) => {
      this.output += d.toString();
      if (this.output.length > 20_000) this.output = this.output.slice(-10_000);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + timeout;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        this.child = null;
        throw new Error(`redis-server exited during startup:\n${this.output}`);
      }
      try {
        if ((await redisCommand(this.port, ['PING'], { timeout: 1000 })) === 'PONG') return this;
      } catch {
        /* not up yet */
      }
      if (Date.now() > deadline) throw new Error(`redis-server on :${this.port} did not answer PING:\n${this.output}`);
      await sleep(25);
    }
  }

  /** Sends `signal` (SIGTERM: redis saves and exits) and waits for the exit (SIGKILL after `timeout`). */
  async stop({ signal = 'SIGTERM', timeout = 10_000 } = {}) {
    const child = this.child;
    if (!child) return null;
    this.child = null;
    try {
      process.kill(child.pid, signal);
    } catch {
      /* already gone */
    }
    const timer = setTimeout(() => {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, timeout);
    const info = await child.exited;
    clearTimeout(timer);
    return info;
  }

  /** SIGKILL: what survives is only what the AOF (persistence 'aof') holds. */
  kill() {
    return this.stop({ signal: 'SIGKILL' });
  }

  /** Pauses the process (SIGSTOP): connections stay open but nothing is answered, as in a network stall. */
  freeze() {
    process.kill(this.child.pid, 'SIGSTOP');
  }

  thaw() {
    process.kill(this.child.pid, 'SIGCONT');
  }

  async restart({ hard = false } = {}) {
    if (hard) await this.kill();
    else await this.stop();
    return this.start();
  }

  command(...args) {
    return redisCommand(this.port, args);
  }

  /** Removes the temporary directory (call after stop). */
  cleanup() {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function startRedis(opts = {}) {
  const redis = new RedisServer(opts);
  await redis.start();
  return redis;
}

// ---------------------------------------------------------------------------------------------------------
// A Redis Cluster of `masters` masters (and `replicas` replicas per master) on loopback

export class RedisCluster {
  constructor({ masters = 3, replicas = 0, nodeTimeout = 1000 } = {}) {
    this.masterCount = masters;
    this.replicaCount = replicas;
    this.nodeTimeout = nodeTimeout;
    this.nodes = [];
  }

  /** Seed list in HERALD_ENGINE_CLUSTER form: 'host:port,host:port,…' (every node). */
  get seeds() {
    return this.nodes.map((n) => n.address).join(',');
  }

  async start({ timeout = 30_000 } = {}) {
    const total = this.masterCount * (1 + this.replicaCount);
    for (let i = 0; i < total; i++) {
      const node = new RedisServer({
        label: `redis-cluster-${i}`,
        args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf',
          '--cluster-node-timeout', String(this.nodeTimeout), '--repl-diskless-sync-delay', '0'],
      });
      this.nodes.push(node);
      await node.start();
    }
    const create = spawnSync(REDIS_CLI, ['--cluster', 'create', ...this.nodes.map((n) => n.address),
      '--cluster-replicas', String(this.replicaCount), '--cluster-yes'], { encoding: 'utf8', timeout });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed:\n${create.stdout}${create.stderr}`);
    await this.waitHealthy(timeout);
    await this.waitReplicasSynced(timeout);
    return this;
  }

  /**
   * Waits until every running replica has its link to its master up (the first full sync done): before
   * that a replica cannot take over from a failed master.
   */
  async waitReplicasSynced(timeout = 30_000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      let synced = true;
      for (const node of this.nodes.filter((n) => n.child)) {
        const info = await node.command('INFO', 'replication').catch(() => '');
        if (!/role:(master|slave)/.test(info) || (/role:slave/.test(info) && !/master_link_status:up/.test(info))) synced = false;
      }
      if (synced) return;
      if (Date.now() > deadline) throw new Error('redis cluster replicas did not sync with their masters in time');
      await sleep(100);
    }
  }

  /** Waits until every running node reports cluster_state:ok and knows the whole slot table. */
  async waitHealthy(timeout = 30_000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      let ok = true;
      for (const node of this.nodes.filter((n) => n.child)) {
        try {
          const info = await node.command('CLUSTER', 'INFO');
          if (!/cluster_state:ok/.test(info) || !/cluster_slots_ok:16384/.test(info)) ok = false;
        } catch {
          ok = false;
        }
      }
      if (ok) return;
      if (Date.now() > deadline) throw new Error('redis cluster did not become healthy in time');
      await sleep(100);
    }
  }

  /** The node serving `key`'s slot now (asks a running node with CLUSTER KEYSLOT and CLUSTER SLOTS). */
  async nodeForKey(key) {
    const any = this.nodes.find((n) => n.child);
    const slot = await any.command('CLUSTER', 'KEYSLOT', key);
    const ranges = await any.command('CLUSTER', 'SLOTS');
    for (const [from, to, master] of ranges) {
      if (slot >= from && slot <= to) return this.nodes.find((n) => n.port === Number(master[1]));
    }
    throw new Error(`no node serves slot ${slot}`);
  }

  async stop() {
    await Promise.all(this.nodes.map((n) => n.stop()));
    for (const n of this.nodes) n.cleanup();
  }
}

export async function startRedisCluster(opts = {}) {
  const cluster = new RedisCluster(opts);
  await cluster.start();
  return cluster;
}

// ---------------------------------------------------------------------------------------------------------
// herald nodes on one Redis

/**
 * Starts `count` herald nodes on the Redis at `url` (or the cluster seeds `cluster`), each on its own free
 * port. `env` and `args` are added to every node.
 */
export async function startHeraldNodes(count, { url, cluster, env = {}, args = [], workers = 2, prefix } = {}) {
  const nodes = [];
  for (let i = 0; i < count; i++) {
    const nodeEnv = { HERALD_ENGINE_TYPE: 'redis', ...env };
    if (url) nodeEnv.HERALD_ENGINE_URL = url;
    if (cluster) nodeEnv.HERALD_ENGINE_CLUSTER = cluster;
    if (prefix) nodeEnv.HERALD_ENGINE_PREFIX = prefix;
    const node = new HeraldServer({ env: nodeEnv, args, workers, label: `herald-node${i}` });
    nodes.push(node);
  }
  await Promise.all(nodes.map((n) => n.start()));
  await Promise.all(nodes.map((n) => waitReady(n)));
  return nodes;
}

/** Waits until `node` answers GET /readyz with 200 (its engine can serve), bounded by `timeout`. */
export async function waitReady(node, { timeout = 15_000 } = {}) {
  const deadline = Date.now() + timeout;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await request(node.base, 'GET', '/readyz', { timeout: 1000 });
      if (res.status === 200) return;
      last = `${res.status} ${res.text}`;
    } catch (err) {
      last = err.message;
    }
    await sleep(50);
  }
  throw new Error(`${node.base} not ready in time (last: ${last})`);
}

/** Stops every herald node and Redis given (nulls skipped), herald first. */
export async function stopAll(nodes = [], redises = []) {
  await Promise.all(nodes.filter(Boolean).map((n) => n.stop()));
  for (const r of redises.filter(Boolean)) {
    await r.stop();
    r.cleanup?.();
  }
}

/** The value of a Prometheus sample `name` (with optional exact label text) in /metrics text, or null. */
export function metricValue(text, name, labels = '') {
  const wanted = labels ? `${name}{${labels}}` : name;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    if (space > 0 && line.slice(0, space) === wanted) return Number(line.slice(space + 1));
  }
  return null;
}
