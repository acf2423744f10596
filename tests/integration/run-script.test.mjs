// scripts/run.sh passes its extra arguments to `herald serve`: a user --listen replaces its default one,
// everything else goes through unchanged; it serves config/demo.toml and runs `herald demo-backend`
// beside the server, which stops with it. The script runs from a copy of the scripts folder whose setup
// and build steps do nothing and whose build/herald is the binary under test (lib/run-script.mjs).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test, before, after } from './lib/harness.mjs';
import { freePort } from './lib/server.mjs';
import { childPids, isRunning, makeRunRoot, startRunScript } from './lib/run-script.mjs';
import { request } from './lib/http.mjs';
import { waitFor } from './lib/util.mjs';

let root;
before(() => {
  root = makeRunRoot();
});
after(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

/** Runs scripts/run.sh ...args until /healthz answers on `port`, then SIGTERM; resolves {code, output}. */
async function runScript(args, port) {
  const run = await startRunScript(root, args, port);
  return run.stop();
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

test('scripts/run.sh serves the demo configuration and stops the demo backend with the server', { timeout: 30_000 }, async () => {
  const port = await freePort();
  const run = await startRunScript(root, ['--listen', `127.0.0.1:${port}`], port);
  let backends = [];
  try {
    await waitFor(async () => (backends = childPids(run.pid)).length === 2, { timeout: 5000, label: 'herald serve and herald demo-backend running' });
    await waitFor(async () => {
      const res = await request(run.base, 'GET', '/api/history?channel=demo.metrics');
      return res.status === 200 && JSON.parse(res.text).messages.length >= 1;
    }, { timeout: 10_000, label: 'the demo backend publishes metric samples', describe: () => run.output().slice(-1000) });
    // config/demo.toml is in force: a typing.* channel keeps one message.
    for (const n of [1, 2]) assert.equal((await request(run.base, 'POST', '/api/publish', { body: { channel: 'typing.room', data: n } })).status, 200);
    assert.deepEqual(JSON.parse((await request(run.base, 'GET', '/api/history?channel=typing.room')).text).messages.map((m) => m.data), [2]);
  } finally {
    const { code, output } = await run.stop();
    assert.equal(code, 0, output);
    assert.match(output, /demo-backend: serving the demo pages of http:\/\/127\.0\.0\.1:\d+/);
  }
  for (const pid of backends) assert.equal(isRunning(pid), false, `process ${pid} of the script still runs`);
});

test('scripts/run.sh --config FILE serves that file instead of config/demo.toml', { timeout: 30_000 }, async () => {
  const port = await freePort();
  const file = path.join(root, 'own.toml');
  fs.writeFileSync(file, '[log]\nformat = "json"\n');
  const run = await startRunScript(root, ['--config', file, '--listen', `127.0.0.1:${port}`], port);
  let kept;
  try {
    // config/demo.toml keeps one message per typing.* channel; herald's default keeps many.
    for (const n of [1, 2]) assert.equal((await request(run.base, 'POST', '/api/publish', { body: { channel: 'typing.room', data: n } })).status, 200);
    kept = JSON.parse((await request(run.base, 'GET', '/api/history?channel=typing.room')).text).messages.length;
  } finally {
    const { code, output } = await run.stop();
    assert.equal(code, 0, output);
    const logLines = output.split('\n').filter((l) => l.startsWith('{'));
    assert.ok(logLines.some((l) => JSON.parse(l).msg.includes(`listening on http://127.0.0.1:${port}`)), output);
  }
  assert.equal(kept, 2, 'the namespaces of config/demo.toml are not in force');
});
