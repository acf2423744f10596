// Starting herald for the client's tests, with the project's integration helpers (HERALD_BIN: the
// binary; default the build of this checkout), and a web root holding a test page and the built client.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CLIENT_ROOT = path.resolve(here, '../..');
const serverLib = await import('../../../../tests/integration/lib/server.mjs');
export const { startServer, binaryExists, HERALD_BIN } = serverLib;

/** A reason to skip (node:test `skip`) when there is no herald binary. */
export const heraldMissing = binaryExists() ? false : `no herald binary at ${HERALD_BIN} (set HERALD_BIN)`;

/** A temporary web root with the test page (test/browser/page.html) and dist/herald.js. */
export function makeWebRoot() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-client-web-'));
  fs.copyFileSync(path.join(CLIENT_ROOT, 'test/browser/page.html'), path.join(dir, 'index.html'));
  const built = path.join(CLIENT_ROOT, 'dist/herald.js');
  if (!fs.existsSync(built)) throw new Error('dist/herald.js is missing: run npm run build');
  fs.copyFileSync(built, path.join(dir, 'herald.js'));
  return dir;
}

/** Publishes over HTTP from the test (loopback, no Origin: always allowed). */
export async function publish(base, channel, data, extra = {}) {
  const response = await fetch(`${base}/api/publish`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ channel, data, ...extra }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`publish failed: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

const openClients = [];

/** Remembers a client for `closeClients`, which ends it even when its test failed half way. */
export function tracked(herald) {
  openClients.push(herald);
  return herald;
}

/** Closes every tracked client (use in afterEach): one left reconnecting would keep the test process alive. */
export function closeClients() {
  for (const herald of openClients.splice(0)) herald.close();
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a truthy value; throws with `what` after `ms`. */
export async function eventually(probe, what, ms = 10_000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Asserts that `messages` of `channel` carry exactly the data 1..n, in order, each once. */
export function exactlyOnceInOrder(messages, channel, n) {
  const got = messages.filter((m) => m.channel === channel).map((m) => m.data);
  const want = Array.from({ length: n }, (_, i) => i + 1);
  return { ok: JSON.stringify(got) === JSON.stringify(want), got, want };
}
