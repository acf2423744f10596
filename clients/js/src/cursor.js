// Cursors `epoch:offset` and channel names, as docs/protocol.md defines them.

const CHANNEL_NAME = /^[A-Za-z0-9_.:@=-]{1,255}$/;

/** True when `name` is a valid channel name (1-255 bytes of A-Z a-z 0-9 _ . : @ = -). */
export function isChannelName(name) {
  return typeof name === 'string' && CHANNEL_NAME.test(name);
}

/** `{ epoch, offset }` of a cursor string, or null when it is not a cursor. */
export function parseCursor(cursor) {
  if (typeof cursor !== 'string') return null;
  const colon = cursor.lastIndexOf(':');
  if (colon <= 0) return null;
  const epoch = cursor.slice(0, colon);
  const digits = cursor.slice(colon + 1);
  if (!/^[0-9]{1,16}$/.test(digits)) return null;
  return { epoch, offset: Number(digits) };
}

export function formatCursor(epoch, offset) {
  return `${epoch}:${offset}`;
}
