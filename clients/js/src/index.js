// herald-client: the public entry point.
export { Herald, DEFAULT_TRANSPORTS } from './herald.js';
export { HeraldError } from './errors.js';
export { parseCursor, formatCursor, isChannelName } from './cursor.js';
