// Starts and stops the real herald binary for a test file.
//   const srv = await startServer({ env: { HERALD_HISTORY_SIZE: '5' } });
//   srv.base  → 'http://127.0.0.1:PORT';   await srv.restart();   await srv.stop();
// The server's stdout/stderr go to logs/<label>-<port>-<n>.log and are kept in memory (srv.output()).
import { spawn } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from './util.mjs';
import { request } from './http.mjs';

export const TEST_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const HERALD_BIN = path.resolve(TEST_DIR, process.env.HERALD_BIN || '../../build/herald');
export const LOG_DIR = path.join(TEST_DIR, 'logs');

export function binaryExists() {
  try {
    fs.accessSync(HERALD_BIN, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A currently free TCP port on 127.0.0.1 (bind port 0, read it back, release it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Environment for a child herald: ours without any inherited HERALD_* setting, plus `extra`. */
export function childEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HERALD_')) env[k] = v;
  for (const [k, v] of Object.entries(extra)) env[k] = String(v);
  return env;
}

/** Every HeraldServer created in this process (the harness prints their output when a test fails). */
export const allServers = new Set();

const live = new Set(); // every server process still running, killed if the test process exits
process.on('exit', () => {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

/** Kills `child` (SIGKILL) if it is still running when the test process exits. */
export function trackChild(child) {
  live.add(child);
  child.on('exit', () => live.delete(child));
  return child;
}

let serial = 0;

export class HeraldServer {
  /**
   * @param {object} o
   * @param {string[]} [o.args]     extra `serve` arguments
   * @param {object}   [o.env]      extra environment (HERALD_<SECTION>_<KEY>=...)
   * @param {number}   [o.port]     fixed port (default: a free one)
   * @param {boolean}  [o.listenFlag] pass `--listen 127.0.0.1:PORT` (default true)
   * @param {number}   [o.workers]  `--workers N` (default 2; null = do not pass)
   * @param {string}   [o.label]    used in the log file name
   * @param {string}   [o.ca]       PEM certificate authority: the port speaks TLS (base is https://)
   */
  constructor({ args = [], env = {}, port, listenFlag = true, workers = 2, label = 'herald', ca } = {}) {
    this.ca = ca;
    this.extraArgs = args;
    this.extraEnv = env;
    this.port = port;
    this.listenFlag = listenFlag;
    this.workers = workers;
    this.label = label;
    this.child = null;
    this.exitInfo = null;
    this.starts = 0;
    this.chunks = [];
    allServers.add(this);
  }

  get base() {
    return `${this.ca ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  get pid() {
    return this.child?.pid;
  }

  /** Everything the server printed so far (all runs), as text. */
  output() {
    return this.chunks.join('');
  }

  /** The last `n` characters of the output, for failure messages. */
  tail(n = 4000) {
    const out = this.output();
    return out.length > n ? `…${out.slice(-n)}` : out;
  }

  argv() {
    const argv = ['serve'];
    if (this.listenFlag) argv.push('--listen', `127.0.0.1:${this.port}`);
    if (this.workers !== null && this.workers !== undefined) argv.push('--workers', String(this.workers));
    return argv.concat(this.extraArgs);
  }

  /** Spawns the binary and waits for GET /healthz → 200 (bounded by `timeout`). */
  async start({ timeout = 15_000 } = {}) {
    if (this.child) throw new Error('server already running');
    if (!binaryExists()) throw new Error(`herald binary not found or not executable: ${HERALD_BIN}`);
    if (!this.port) this.port = await freePort();
    const deadline = Date.now() + timeout;
    // A restart on the same port may race with the old socket's teardown: retry the spawn a few times.
    for (let attempt = 1; ; attempt += 1) {
      this.spawnOnce();
      try {
        await this.waitHealthy(deadline);
        return this;
      } catch (err) {
        const exited = this.exitInfo !== null;
        if (!exited || Date.now() >= deadline || attempt >= 5) {
          await this.kill();
          throw new Error(`${err.message}\n--- herald output (${this.logFile}) ---\n${this.tail()}`);
        }
        await sleep(300);
      }
    }
  }

  spawnOnce() {
    this.starts += 1;
    serial += 1;
    fs.mkdirSync(LOG_DIR, { recursive: true });
    this.logFile = path.join(LOG_DIR, `${this.label}-${this.port}-${serial}.log`);
    const logStream = fs.createWriteStream(this.logFile);
    const argv = this.argv();
    const header = `### start #${this.starts}: ${HERALD_BIN} ${argv.join(' ')} env=${JSON.stringify(this.extraEnv)}\n`;
    this.chunks.push(header);
    logStream.write(header);
    const child = spawn(HERALD_BIN, argv, { env: childEnv(this.extraEnv), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exitInfo = null;
    live.add(child);
    const onData = (d) => {
      const s = d.toString();
      this.chunks.push(s);
      if (!logStream.writableEnded) logStream.write(s);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        live.delete(child);
        const info = { code, signal };
        if (this.child === child) this.exitInfo = info;
        const line = `### exit code=${code} signal=${signal}\n`;
        this.chunks.push(line);
        logStream.write(line);
        resolve(info);
      });
      // 'close' comes after the output pipes are drained: only then is the log file complete.
      child.on('close', () => {
        if (!logStream.writableEnded) logStream.end();
      });
      child.on('error', (err) => {
        live.delete(child);
        const info = { code: null, signal: null, error: err };
        if (this.child === child) this.exitInfo = info;
        this.chunks.push(`### spawn error ${err.message}\n`);
        if (!logStream.writableEnded) logStream.end();
        resolve(info);
      });
    });
  }

  async waitHealthy(deadline) {
    let lastErr = 'no attempt';
    while (Date.now() < deadline) {
      if (this.exitInfo) throw new Error(`herald exited during startup (${JSON.stringify(this.exitInfo)})`);
      try {
        // A fresh, non-pooled connection: nothing stays open afterwards (matters for max_connections tests).
        const res = await request(this.base, 'GET', '/healthz', { timeout: 1000, ca: this.ca });
        if (res.status === 200) return;
        lastErr = `HTTP ${res.status}`;
      } catch (err) {
        lastErr = err.code ?? err.message;
      }
      await sleep(50);
    }
    throw new Error(`herald did not answer GET /healthz on ${this.base} in time (last: ${lastErr})`);
  }

  /**
   * Sends `signal` (default SIGTERM) and waits for the exit; after `timeout` ms sends SIGKILL.
   * Resolves {code, signal, forced, elapsed}.
   */
  async stop({ signal = 'SIGTERM', timeout = 12_000 } = {}) {
    const child = this.child;
    if (!child) return this.lastStop ?? { code: null, signal: null, forced: false, elapsed: 0 };
    const t0 = Date.now();
    let forced = false;
    if (!this.exitInfo) {
      try {
        process.kill(child.pid, signal);
      } catch {
        /* already gone */
      }
      let timer;
      const timedOut = new Promise((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeout);
      });
      if ((await Promise.race([child.exited, timedOut])) === 'timeout') {
        forced = true;
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      clearTimeout(timer);
    }
    const info = await child.exited;
    this.child = null;
    this.lastStop = { ...info, forced, elapsed: Date.now() - t0 };
    return this.lastStop;
  }

  /** SIGKILL, no grace. */
  kill() {
    return this.stop({ signal: 'SIGKILL', timeout: 5000 });
  }

  /** Stops (SIGTERM, or SIGKILL with {hard:true}) and starts again on the same port. */
  async restart({ hard = false } = {}) {
    const stopped = hard ? await this.kill() : await this.stop();
    await this.start();
    return stopped;
  }

  /** Signal without waiting (for tests that observe the shutdown themselves). */
  signal(sig) {
    if (this.child) process.kill(this.child.pid, sig);
  }
}

/** Constructs and starts a server. */
export async function startServer(opts = {}) {
  const srv = new HeraldServer(opts);
  await srv.start();
  return srv;
}
