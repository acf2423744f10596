// scripts/run.sh as a test runs it: from a copy of the scripts folder (and config/) whose setup and build
// steps do nothing and whose build/herald is the binary under test, so the script starts exactly what
// it starts for a user (herald serve with config/demo.toml, and herald demo-backend beside it).
//   const run = await startRunScript(['--listen', `127.0.0.1:${port}`], port);  run.base, run.output()
//   const { code } = await run.stop();   // SIGTERM to the script, as Ctrl-C would stop it
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HERALD_BIN, TEST_DIR, childEnv, trackChild } from './server.mjs';
import { request } from './http.mjs';
import { waitFor, withTimeout } from './util.mjs';

const REPO = path.resolve(TEST_DIR, '..', '..');

/** A temporary checkout holding scripts/run.sh, config/ and build/herald (a link to HERALD_BIN). */
export function makeRunRoot() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-run-'));
  fs.mkdirSync(path.join(root, 'scripts'));
  fs.mkdirSync(path.join(root, 'build'));
  fs.copyFileSync(path.join(REPO, 'scripts', 'run.sh'), path.join(root, 'scripts', 'run.sh'));
  fs.chmodSync(path.join(root, 'scripts', 'run.sh'), 0o755);
  for (const step of ['setup.sh', 'build.sh']) fs.writeFileSync(path.join(root, 'scripts', step), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  fs.cpSync(path.join(REPO, 'config'), path.join(root, 'config'), { recursive: true });
  fs.symlinkSync(HERALD_BIN, path.join(root, 'build', 'herald'));
  return root;
}

/** The pids of the processes whose parent is `pid`. */
export function childPids(pid) {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map((l) => Number(l.trim())).filter(Boolean);
  } catch {
    return []; // ps exits 1 when there is none
  }
}

export function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs `root`/scripts/run.sh ...args until /healthz answers on `port`. */
export async function startRunScript(root, args, port) {
  const child = trackChild(spawn(path.join(root, 'scripts', 'run.sh'), args, { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] }));
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  const run = {
    base: `http://127.0.0.1:${port}`,
    pid: child.pid,
    output: () => output,
    /** SIGTERM to the script; resolves { code, output } once it has exited. */
    async stop() {
      child.kill('SIGTERM');
      const code = await withTimeout(exited, 15_000, 'scripts/run.sh exits after SIGTERM');
      return { code, output };
    },
  };
  try {
    await waitFor(async () => (await request(run.base, 'GET', '/healthz', { timeout: 1000 })).status === 200, {
      timeout: 10_000,
      label: `scripts/run.sh ${args.join(' ')} serves on port ${port}`,
      describe: () => output.slice(-1000),
    });
  } catch (err) {
    await run.stop().catch(() => {});
    throw err;
  }
  return run;
}
