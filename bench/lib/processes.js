// Processes bench/compare starts: each is registered by PID and stopped by PID whatever happens (normal
// end, failure, Ctrl-C), with the temporary directories made for them. Also spawning under a raised
// descriptor limit, running a command to its end with a time bound, and the progress log.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
// Raise the descriptor limit as far as allowed (root may go past the hard limit), then exec the command.
const ULIMIT = 'ulimit -n 1048576 2>/dev/null || ulimit -n 262144 2>/dev/null || ulimit -n 65536 2>/dev/null' +
  ' || ulimit -n "$(ulimit -Hn)"';

const started = new Map(); // pid -> label
const tempDirs = [];

const log = (msg) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function alive(pid) {
  try {
    process.kill(pid, 0);
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

function killNow(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch { /* already gone */ }
}

function cleanupSync() {
  for (const pid of started.keys()) if (alive(pid)) killNow(pid, 'SIGKILL');
  started.clear();
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

// Stops everything registered on exit, on SIGINT/SIGTERM/SIGHUP and on an uncaught error.
function installCleanup() {
  process.on('exit', cleanupSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      log(`${sig}: stopping everything started`);
      cleanupSync();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (e) => {
    log(`error: ${e.stack || e}`);
    cleanupSync();
    process.exit(1);
  });
  process.on('unhandledRejection', (e) => {
    log(`error: ${e && e.stack ? e.stack : e}`);
    cleanupSync();
    process.exit(1);
  });
}

function register(pid, label) {
  started.set(pid, label);
}

function unregister(pid) {
  started.delete(pid);
}

// A temporary directory removed at the end of the run (or earlier with removeTempDir).
function makeTempDir(fullPrefix) {
  const dir = fs.mkdtempSync(fullPrefix);
  tempDirs.push(dir);
  return dir;
}

function removeTempDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  const i = tempDirs.indexOf(dir);
  if (i >= 0) tempDirs.splice(i, 1);
}

function childrenOf(ppid) {
  const out = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === ppid) out.push(Number(entry));
    } catch { /* exited meanwhile */ }
  }
  return out;
}

// Spawns `argv` under bash with the raised descriptor limit; `exec` keeps the PID.
function spawnWithUlimit(argv, stdio) {
  return spawn('bash', ['-c', `${ULIMIT}; exec "$0" "$@"`, ...argv], { stdio, cwd: ROOT });
}

function exitPromise(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

// Runs a command to its end (SIGKILL after `timeoutMs`); resolves its exit code, signal and stdout.
function runProcess(argv, { timeoutMs, logFd, ulimit = false }) {
  return new Promise((resolve) => {
    const stdio = ['ignore', 'pipe', logFd];
    const child = ulimit ? spawnWithUlimit(argv, stdio) : spawn(argv[0], argv.slice(1), { stdio, cwd: ROOT });
    started.set(child.pid, argv[0]);
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const timer = setTimeout(() => killNow(child.pid, 'SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      started.delete(child.pid);
      resolve({ code, signal, stdout });
    });
  });
}

module.exports = {
  ROOT, ULIMIT, log, sleep, alive, killNow, cleanupSync, installCleanup, register, unregister, makeTempDir,
  removeTempDir, childrenOf, spawnWithUlimit, exitPromise, runProcess,
};
