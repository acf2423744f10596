// Helpers shared by the demo pages: the connection pill (state and transport of a Herald client), ids of
// requests, and small DOM shortcuts.
export const $ = (id) => document.getElementById(id);

const TRANSPORT_NAMES = { websocket: 'WebSocket', sse: 'SSE', longpoll: 'long polling' };

/** "WebSocket", "SSE" or "long polling". */
export const transportName = (name) => TRANSPORT_NAMES[name] ?? name;

/**
 * Keeps `element` (a .status pill) showing the client's state and transport, e.g. "connected · SSE",
 * with the reason as its tooltip; `onChange(change)` runs after each update. SSE and long polling hold
 * no connection while there is nothing to follow: that shows as "ready", not as a broken connection.
 * Every change is also kept in window.connectionStates (for the browser tests).
 */
export function showConnection(herald, element, onChange = () => {}) {
  window.connectionStates = [];
  const render = ({ state, reason, transport }) => {
    const shown = state === 'disconnected' && reason === 'no subscriptions' ? 'ready' : state;
    element.className = `status ${shown}`;
    element.textContent = `${shown} · ${transportName(transport)}`;
    element.title = shown === 'ready' ? 'no connection is open until there is something to follow' : reason;
    element.dataset.state = shown;
    element.dataset.transport = transport;
    window.connectionStates.push({ state: shown, transport, reason });
  };
  render({ state: 'connecting', reason: 'starting', transport: herald.transport });
  herald.on('state', (change) => {
    render(change);
    onChange(change);
  });
}

/** 16 random hex digits: the id of a request and of its reply channel. */
export function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A new element with a class and text. */
export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Subscribes to a fresh reply channel from its very start (its current cursor, read first), so that no
 * reply published right after the request is missed.
 */
export async function subscribeFromStart(herald, channel, handlers) {
  const { cursor } = await herald.history(channel, { limit: 1 });
  return herald.subscribe(channel, { since: cursor, ...handlers });
}
