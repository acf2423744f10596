// Backoff: full jitter within [0, min(cap, base * 2^attempt)), reset after success, option checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, backoffCeiling, backoffDelay, checkBackoffOptions } from '../../src/backoff.js';

test('the ceiling doubles from base and stops at cap', () => {
  const opts = { base: 250, cap: 10_000 };
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map((n) => backoffCeiling(n, opts)), [250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  assert.equal(backoffCeiling(10_000, opts), 10_000); // no overflow to Infinity/NaN
});

test('delays stay inside [0, ceiling) for the extremes of the random source', () => {
  const opts = { base: 250, cap: 10_000 };
  for (let attempt = 0; attempt < 12; attempt += 1) {
    assert.equal(backoffDelay(attempt, opts, () => 0), 0);
    const top = backoffDelay(attempt, opts, () => 0.999999);
    assert.ok(top < backoffCeiling(attempt, opts) && top >= backoffCeiling(attempt, opts) - 1, `attempt ${attempt}: ${top}`);
  }
});

test('full jitter spreads delays over the whole range', () => {
  const opts = { base: 100, cap: 100_000 };
  const delays = Array.from({ length: 2000 }, () => backoffDelay(4, opts)); // ceiling 1600
  assert.ok(Math.min(...delays) < 160, 'some delays near 0');
  assert.ok(Math.max(...delays) > 1440, 'some delays near the ceiling');
  assert.ok(delays.every((d) => d >= 0 && d < 1600));
  const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
  assert.ok(mean > 700 && mean < 900, `mean ${mean} near 800`);
});

test('Backoff counts attempts and reset() starts over', () => {
  const b = new Backoff({ base: 100, cap: 1000 }, () => 0.5);
  assert.deepEqual([b.next(), b.next(), b.next(), b.next(), b.next()], [50, 100, 200, 400, 500]);
  assert.equal(b.attempt, 5);
  b.reset();
  assert.equal(b.next(), 50);
});

test('bad backoff options are refused', () => {
  assert.throws(() => checkBackoffOptions({ base: 0 }), /base/);
  assert.throws(() => checkBackoffOptions({ cap: -1 }), /cap/);
  assert.throws(() => checkBackoffOptions({ base: 500, cap: 100 }), /cap/);
  assert.throws(() => checkBackoffOptions({ base: 'x' }), /base/);
  assert.deepEqual(checkBackoffOptions(), { base: 250, cap: 10_000 });
});
