// Type declarations of herald-client (the wire objects follow docs/protocol.md).

/** A message as delivered: the envelope of docs/protocol.md. */
export interface Envelope<T = unknown> {
  channel: string;
  epoch: string;
  offset: number;
  /** `epoch:offset` of this message. */
  cursor: string;
  /** Publish time, milliseconds since the Unix epoch. */
  time: number;
  event: string;
  data: T;
}

/** Messages between `requested` and `continue_from` are lost for this subscription. */
export interface Gap {
  channel: string;
  requested: string | null;
  continue_from: string;
}

export type TransportName = 'websocket' | 'sse' | 'longpoll';
export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

export interface StateChange {
  state: ConnectionState;
  /** Why: e.g. "WebSocket closed (1006)", "fallback from websocket to sse: …". */
  reason: string;
  transport: TransportName;
}

export interface BackoffOptions {
  /** First retry waits up to this many ms (default 250). */
  base?: number;
  /** No retry waits more than this many ms (default 10000). */
  cap?: number;
}

/** The part of the Web Storage interface the client uses. */
export interface CursorStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface HeraldOptions {
  /** A connection token, or a function giving one (called on each connect). */
  token?: string | null | (() => string | null | Promise<string | null>);
  /** Transports to try, in order (default ["websocket", "sse", "longpoll"]). */
  transports?: TransportName[];
  backoff?: BackoffOptions;
  /** "session": keep each channel's cursor in sessionStorage (key: URL + channel). */
  persist?: 'session';
  /** Storage to persist into instead of sessionStorage. */
  storage?: CursorStorage;
  /** ms an SSE stream may send nothing before long polling takes over (default 4000). */
  firstByteTimeout?: number;
  /** WebSockets in a row that open and then break before any frame arrives, before SSE takes over (default 3). */
  maxWebSocketFailures?: number;
  /** ms of silence on the WebSocket before a ping command (default 20000). */
  pingInterval?: number;
  /** ms to wait for the ping reply before reconnecting (default 10000). */
  pingTimeout?: number;
  /** Seconds a long poll waits on the server (default 25). */
  longPollTimeout?: number;
  /** ms a rejoin refused with room_full after a reconnect is retried, every 2 s (default 90000). */
  roomFullRetry?: number;
  /** WebSocket constructor, where there is no global one (Node 20: the `ws` package). */
  WebSocket?: unknown;
  /** fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  /** Random source for the jitter, in [0, 1). */
  random?: () => number;
}

export interface SubscribeOptions<T = unknown> {
  /** Cursor to resume after; default: the persisted one, else "from now on". */
  since?: string | null;
  onMessage?: (message: Envelope<T>) => void;
  onGap?: (gap: Gap) => void;
  /** Follow the channel's presence (WebSocket, channels whose namespace keeps presence). */
  onPresence?: (event: PresenceEvent) => void;
  /** What others see of this client in the presence (at most presence.max_info_bytes as JSON). */
  info?: unknown;
}

/** One client in a channel's presence. */
export interface PresenceClient {
  /** The connection's id (32 hex digits), the same in every channel. */
  id: string;
  /** The token's `sub`, null without a token. */
  user: string | null;
  /** The token's `info` claim, else the `info` given to subscribe, else null. */
  info: unknown;
}

export interface PresenceList {
  channel: string;
  /** This connection's id. */
  you: string;
  /** Everyone present, in the order they joined. */
  clients: PresenceClient[];
}

/** "sync": the whole list, after every (re)subscribe; then one "join" or "leave" per change. */
export type PresenceEvent =
  | ({ type: 'sync' } & PresenceList)
  | { type: 'join' | 'leave'; channel: string; client: PresenceClient };

export interface HeraldSubscription {
  readonly channel: string;
  /** The position of the last message delivered (or where delivery starts); null until known. */
  readonly cursor: string | null;
  readonly active: boolean;
  unsubscribe(): void;
}

export interface PublishOptions {
  event?: string;
  idempotencyKey?: string;
}

export interface PublishResult {
  channel: string;
  epoch: string;
  offset: number;
  cursor: string;
  duplicate: boolean;
}

export interface HistoryOptions {
  since?: string;
  limit?: number;
}

export interface HistoryResult<T = unknown> {
  channel: string;
  messages: Envelope<T>[];
  cursor: string;
  gap: Gap | null;
  more: boolean;
}

/** A peer of a signaling room: its id (unguessable), the token's `sub` (or null) and its info. */
export interface Peer<I = unknown> {
  id: string;
  user: string | null;
  info: I | null;
}

export interface RoomJoined<I = unknown> {
  /** This client's peer id (new after every reconnect). */
  you: string;
  peers: Peer<I>[];
}

export interface JoinOptions<I = unknown, S = unknown> {
  /** What the other peers see as `info` (the token's `info` claim wins). */
  info?: I;
  /** Every (re)join: after a reconnect the client has a new id. */
  onJoined?: (joined: RoomJoined<I>) => void;
  onPeerJoined?: (peer: Peer<I>) => void;
  onPeerLeft?: (peer: Peer<I>) => void;
  onSignal?: (signal: { from: string; data: S }) => void;
}

export interface HeraldRoom<I = unknown, S = unknown> {
  readonly name: string;
  /** The first join's answer; rejects with the server's error (room_full, presence_disabled, …). */
  readonly ready: Promise<RoomJoined<I>>;
  readonly you: string | null;
  readonly peers: Peer<I>[];
  readonly joined: boolean;
  /** Relays `data` to one peer of the room; rejects with unknown_peer, rate_limited, too_large, not_connected. */
  signal(to: string, data: S): Promise<void>;
  leave(): void;
}

/** Every error the client reports: `code` is the server's error code (or `network_error`, `closed`, …). */
export class HeraldError extends Error {
  readonly code: string;
  readonly status?: number;
  /** Set when the error ended the subscription to this channel (refused by the server). */
  readonly channel?: string;
  /** Set when the error ended a room after it had been joined (a rejoin refused, a fallback off the WebSocket). */
  readonly room?: string;
  constructor(code: string, message: string, options?: { status?: number });
}

export class Herald {
  constructor(url: string, options?: HeraldOptions);
  /** The transport in use. */
  readonly transport: TransportName;
  readonly state: ConnectionState;
  on(event: 'state', listener: (change: StateChange) => void): () => void;
  on(event: 'error', listener: (error: HeraldError) => void): () => void;
  subscribe<T = unknown>(channel: string, options?: SubscribeOptions<T>): HeraldSubscription;
  publish(channel: string, data: unknown, options?: PublishOptions): Promise<PublishResult>;
  history<T = unknown>(channel: string, options?: HistoryOptions): Promise<HistoryResult<T>>;
  /** Joins a signaling room (WebSocket transport only). */
  join<I = unknown, S = unknown>(room: string, options?: JoinOptions<I, S>): HeraldRoom<I, S>;
  /** Who is subscribed now (WebSocket only; rejects with presence_unavailable on other transports). */
  presence(channel: string): Promise<PresenceList>;
  setToken(token: HeraldOptions['token']): Promise<void>;
  close(): void;
}

export const DEFAULT_TRANSPORTS: readonly TransportName[];
export function parseCursor(cursor: string): { epoch: string; offset: number } | null;
export function formatCursor(epoch: string, offset: number): string;
export function isChannelName(name: string): boolean;
