// When to give up on a transport and move to the next one, as pure decisions.

/** Attempts in a row refused before opening while HTTP answers, before the WebSocket is given up. */
export const REFUSALS_BEFORE_FALLBACK = 2;

/**
 * How a WebSocket attempt ended, and what to do next: 'retry' (same transport) or 'fallback'.
 * `refusalsInRow` counts attempts refused before opening while the server answered HTTP, this one
 * included: one alone may be a restarting server that came back between the attempt and the check.
 */
export function websocketFailureAction({ opened, serverReachable, refusalsInRow, failuresInRow, maxFailures }) {
  if (!opened && serverReachable && refusalsInRow >= REFUSALS_BEFORE_FALLBACK) return 'fallback'; // blocked
  if (failuresInRow >= maxFailures) return 'fallback'; // opens, then breaks before anything arrives
  return 'retry';
}

/** Why the WebSocket is given up, for the state event. */
export function websocketFallbackReason({ opened }) {
  return opened
    ? 'websocket connections break before delivering anything'
    : 'websocket refused or blocked before opening while the server answers HTTP';
}

/**
 * An SSE stream that has sent no byte `elapsed` ms after the request (herald writes `retry:` at once)
 * is held by a buffering proxy: 'fallback'. A stream that delivered something is fine: 'keep'.
 */
export function sseSilenceAction({ receivedBytes, elapsed, firstByteTimeout }) {
  if (receivedBytes > 0) return 'keep';
  return elapsed >= firstByteTimeout ? 'fallback' : 'wait';
}
