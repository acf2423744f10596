// Fallback decisions: when the WebSocket gives way to SSE, and SSE to long polling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sseSilenceAction, websocketFailureAction, websocketFallbackReason } from '../../src/fallback.js';

test('a WebSocket refused before opening while HTTP answers falls back on the second refusal in a row', () => {
  // One refusal alone may be a restarting server that was back by the time /healthz was asked.
  const refused = (refusalsInRow) => websocketFailureAction({ opened: false, serverReachable: true, refusalsInRow, failuresInRow: 0, maxFailures: 3 });
  assert.deepEqual([1, 2, 3].map(refused), ['retry', 'fallback', 'fallback']);
  assert.match(websocketFallbackReason({ opened: false }), /refused or blocked/);
});

test('a server that does not answer at all is retried, not given up (a restart)', () => {
  for (let n = 0; n < 10; n += 1) {
    assert.equal(websocketFailureAction({ opened: false, serverReachable: false, refusalsInRow: 0, failuresInRow: 0, maxFailures: 3 }), 'retry');
  }
});

test('connections that open and break before any frame fall back after maxFailures in a row', () => {
  const action = (failuresInRow) => websocketFailureAction({ opened: true, serverReachable: true, refusalsInRow: 0, failuresInRow, maxFailures: 3 });
  assert.deepEqual([1, 2, 3, 4].map(action), ['retry', 'retry', 'fallback', 'fallback']);
  assert.match(websocketFallbackReason({ opened: true }), /break before/);
});

test('an SSE stream that sent a byte is kept; a silent one waits, then falls back', () => {
  assert.equal(sseSilenceAction({ receivedBytes: 1, elapsed: 60_000, firstByteTimeout: 4000 }), 'keep');
  assert.equal(sseSilenceAction({ receivedBytes: 0, elapsed: 3999, firstByteTimeout: 4000 }), 'wait');
  assert.equal(sseSilenceAction({ receivedBytes: 0, elapsed: 4000, firstByteTimeout: 4000 }), 'fallback');
});
