// Small generic helpers shared by every test file.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rejects with a labelled error when `promise` does not settle within `ms`. */
export function withTimeout(promise, ms, label = 'operation') {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Polls `fn` until it returns a truthy value (which is returned) or `timeout` ms pass (then throws,
 * including `describe()` output when given). Errors thrown by `fn` count as "not yet".
 */
export async function waitFor(fn, { timeout = 10_000, interval = 25, label = 'condition', describe } = {}) {
  const deadline = Date.now() + timeout;
  let lastError;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const extra = describe ? `; state: ${describe()}` : '';
      const cause = lastError ? `; last error: ${lastError.message}` : '';
      throw new Error(`${label}: not reached within ${timeout} ms${extra}${cause}`);
    }
    await sleep(interval);
  }
}

let channelCounter = 0;
/** A channel name unique within this test run (valid alphabet only). */
export function uniqueChannel(prefix = 'ch') {
  channelCounter += 1;
  return `${prefix}-${process.pid}-${channelCounter}-${randomBytes(3).toString('hex')}`;
}

export const EPOCH_RE = /^[a-z0-9]{8}$/;

/** Splits "epoch:offset" into its parts (offset as a number). */
export function parseCursor(cursor) {
  assert.equal(typeof cursor, 'string', `cursor must be a string, got ${JSON.stringify(cursor)}`);
  const m = /^([a-z0-9]{8}):(\d+)$/.exec(cursor);
  assert.ok(m, `cursor ${JSON.stringify(cursor)} is not epoch:offset`);
  return { epoch: m[1], offset: Number(m[2]) };
}

/** An 8-char epoch guaranteed to differ from `epoch`. */
export function foreignEpoch(epoch) {
  return epoch === 'zzzzzzzz' ? 'yyyyyyyy' : 'zzzzzzzz';
}

/** Asserts that `offsets` is exactly [from, from+1, ..., to] (no loss, no duplicate, in order). */
export function assertContiguous(offsets, from, to, label = 'offsets') {
  const expectedLength = to - from + 1;
  const problems = [];
  const seen = new Set();
  for (let i = 0; i < offsets.length; i += 1) {
    if (seen.has(offsets[i])) problems.push(`duplicate ${offsets[i]} at index ${i}`);
    seen.add(offsets[i]);
    if (offsets[i] !== from + i && problems.length < 10) problems.push(`index ${i}: got ${offsets[i]}, expected ${from + i}`);
    if (problems.length >= 10) break;
  }
  const missing = [];
  for (let o = from; o <= to && missing.length < 10; o += 1) if (!seen.has(o)) missing.push(o);
  if (missing.length) problems.push(`missing (first 10): ${missing.join(',')}`);
  if (offsets.length !== expectedLength) problems.push(`length ${offsets.length}, expected ${expectedLength}`);
  assert.ok(problems.length === 0, `${label} not exactly ${from}..${to}: ${problems.join('; ')}`);
}

/** Asserts the spec's JSON error shape; returns the parsed body. */
export function assertErrorBody(res, status, code, label) {
  const where = `${label ? `[${label}] ` : ''}${res.method ?? ''} ${res.url ?? ''}`.trim();
  assert.equal(res.status, status, `${where}: expected HTTP ${status}, got ${res.status}: ${res.text}`);
  const ct = res.headers['content-type'] ?? '';
  assert.match(ct, /^application\/json/i, `${where}: error Content-Type must be application/json, got "${ct}"`);
  let body;
  try {
    body = JSON.parse(res.text);
  } catch {
    assert.fail(`${where}: error body is not JSON: ${res.text}`);
  }
  assert.equal(typeof body.error, 'object', `${where}: body must be {"error":{...}}: ${res.text}`);
  assert.ok(body.error !== null, `${where}: error is null: ${res.text}`);
  assert.equal(typeof body.error.code, 'string', `${where}: error.code must be a string: ${res.text}`);
  assert.equal(typeof body.error.message, 'string', `${where}: error.message must be a string: ${res.text}`);
  assert.ok(body.error.message.length > 0, `${where}: error.message is empty`);
  if (code !== undefined) assert.equal(body.error.code, code, `${where}: error code: ${res.text}`);
  return body;
}

/** The envelope fields, in the order the spec requires. */
export const ENVELOPE_KEYS = ['channel', 'epoch', 'offset', 'cursor', 'time', 'event', 'data'];

/** Checks one envelope object against the spec; `expect` may pin channel/epoch/offset/event/data. */
export function assertEnvelope(env, expect = {}) {
  assert.deepEqual(Object.keys(env), ENVELOPE_KEYS, `envelope keys/order: ${JSON.stringify(env)}`);
  assert.match(env.epoch, EPOCH_RE, 'envelope epoch');
  assert.ok(Number.isInteger(env.offset) && env.offset >= 1, `envelope offset ${env.offset}`);
  assert.equal(env.cursor, `${env.epoch}:${env.offset}`, 'envelope cursor = epoch:offset');
  assert.ok(Number.isInteger(env.time), `envelope time must be an integer (ms), got ${env.time}`);
  assert.ok(Math.abs(env.time - Date.now()) < 10 * 60_000, `envelope time ${env.time} is not a current ms timestamp`);
  for (const key of ['channel', 'epoch', 'offset', 'event']) {
    if (key in expect) assert.equal(env[key], expect[key], `envelope ${key}`);
  }
  if ('data' in expect) assert.deepEqual(env.data, expect.data, 'envelope data');
}

/** Marks a promise that is awaited later as handled, so an early rejection does not crash the process. */
export function later(promise) {
  promise.catch(() => {});
  return promise;
}
