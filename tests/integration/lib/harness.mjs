// A thin wrapper over node:test's test(): every test gets a hard time bound, and a failing test's error
// is extended with the tail of the output of every herald server this test file started.
import { test as nodeTest } from 'node:test';
import { allServers } from './server.mjs';
import { withTimeout } from './util.mjs';

export { before, after, beforeEach, afterEach, describe } from 'node:test';

/** test(name, {timeout=30000, skip}, async (t) => ...) */
export function test(name, opts, fn) {
  if (typeof opts === 'function') [opts, fn] = [{}, opts];
  const { timeout = 30_000, ...rest } = opts;
  return nodeTest(name, { ...rest, timeout: timeout + 10_000 }, async (t) => {
    try {
      await withTimeout(Promise.resolve().then(() => fn(t)), timeout, `test "${name}"`);
    } catch (err) {
      const logs = [...allServers]
        .filter((s) => s.chunks.length)
        .map((s) => `--- herald :${s.port} (${s.logFile}) ---\n${s.tail(2500)}`)
        .join('\n');
      if (logs && err && typeof err === 'object') {
        try {
          err.message = `${err.message}\n${logs}`;
        } catch {
          /* read-only message */
        }
      }
      throw err;
    }
  });
}
