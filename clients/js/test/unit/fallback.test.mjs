// Fallback decisions: when the WebSocket gives way to SSE, and SSE to long polling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sseSilenceAction, websocketFailureAction, websocketFallbackReason } from '../../src/fallback.js';

test('a WebSocket refused before opening while HTTP answers falls back at once', () => {
  assert.equal(websocketFailureAction({ opened: false, serverReachable: true, failuresInRow: 0, maxFailures: 3 }), 'fallback');
  assert.match(websocketFallbackReason({ opened: false }), /refused or blocked/);
});

test('a server that does not answer at all is retried, not given up (a restart)', () => {
  for (let n = 0; n < 10; n += 1) {
    assert.equal(websocketFailureAction({ opened: false, serverReachable: false, failuresInRow: 0, maxFailures: 3 }), 'retry');
  }
});

test('connections that open and break before any frame fall back after maxFailures in a row', () => {
  const action = (failuresInRow) => websocketFailureAction({ opened: true, serverReachable: true, failuresInRow, maxFailures: 3 });
  assert.deepEqual([1, 2, 3, 4].map(action), ['retry', 'retry', 'fallback', 'fallback']);
  assert.match(websocketFallbackReason({ opened: true }), /break before/);
});

test('an SSE stream that sent a byte is kept; a silent one waits, then falls back', () => {
  assert.equal(sseSilenceAction({ receivedBytes: 1, elapsed: 60_000, firstByteTimeout: 4000 }), 'keep');
  assert.equal(sseSilenceAction({ receivedBytes: 0, elapsed: 3999, firstByteTimeout: 4000 }), 'wait');
  assert.equal(sseSilenceAction({ receivedBytes: 0, elapsed: 4000, firstByteTimeout: 4000 }), 'fallback');
});
