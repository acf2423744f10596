// When to give up on a transport and move to the next one, as pure decisions.

/** How a WebSocket attempt ended, and what to do next: 'retry' (same transport) or 'fallback'. */
export function websocketFailureAction({ opened, serverReachable, failuresInRow, maxFailures }) {
  if (!opened && serverReachable) return 'fallback'; // refused or blocked, while HTTP gets through
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
