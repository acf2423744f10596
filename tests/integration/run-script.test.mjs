// scripts/run.sh passes its extra arguments to `herald serve`: a user --listen replaces its default one,
// everything else goes through unchanged. The script runs from a copy of the scripts folder whose setup
// and build steps do nothing and whose build/herald is the binary under test.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, before, after } from './lib/harness.mjs';
import { HERALD_BIN, TEST_DIR, childEnv, freePort, trackChild } from './lib/server.mjs';
import { request } from './lib/http.mjs';
import { waitFor, withTimeout } from './lib/util.mjs';

let root;
before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-run-'));
  fs.mkdirSync(path.join(root, 'scripts'));
  fs.mkdirSync(path.join(root, 'build'));
  fs.copyFileSync(path.join(TEST_DIR, '..', '..', 'scripts', 'run.sh'), path.join(root, 'scripts', 'run.sh'));
  fs.chmodSync(path.join(root, 'scripts', 'run.sh'), 0o755);
  for (const step of ['setup.sh', 'build.sh']) fs.writeFileSync(path.join(root, 'scripts', step), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  fs.symlinkSync(HERALD_BIN, path.join(root, 'build', 'herald'));
});
after(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

/** Runs scripts/run.sh ...args until /healthz answers on `port`, then SIGTERM; resolves {code, output}. */
async function runScript(args, port) {
  const child = trackChild(spawn(path.join(root, 'scripts', 'run.sh'), args, { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] }));
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  try {
    await waitFor(async () => (await request(`http://127.0.0.1:${port}`, 'GET', '/healthz', { timeout: 1000 })).status === 200, {
      timeout: 10_000,
      label: `scripts/run.sh ${args.join(' ')} serves on port ${port}`,
      describe: () => output.slice(-1000),
    });
  } finally {
    child.kill('SIGTERM'); // the script ends in exec: the signal reaches herald itself
  }
  const code = await withTimeout(exited, 15_000, 'scripts/run.sh exits after SIGTERM');
  return { code, output };
}

test('scripts/run.sh --listen HOST:PORT (the example in its header) listens there', { timeout: 30_000 }, async () => {
  const port = await freePort();
  const { code, output } = await runScript(['--listen', `127.0.0.1:${port}`], port);
  assert.equal(code, 0, output);
  assert.match(output, new RegExp(`herald is starting on http://127\\.0\\.0\\.1:${port}/`));
  assert.match(output, new RegExp(`listening on http://127\\.0\\.0\\.1:${port}\\b`));
});

test('scripts/run.sh --listen=HOST:PORT, with other arguments passed through to herald serve', { timeout: 30_000 }, async () => {
  const port = await freePort();
  const { code, output } = await runScript(['--workers', '1', `--listen=127.0.0.1:${port}`, '--log-format', 'json'], port);
  assert.equal(code, 0, output);
  const logLines = output.split('\n').filter((l) => l.startsWith('{'));
  assert.ok(logLines.some((l) => JSON.parse(l).msg.includes(`listening on http://127.0.0.1:${port} (1 workers`)), output);
});
