// A signaling room (WebRTC): the peers in it, their arrivals and departures, and signals to and from
// them. Rooms need the WebSocket transport. After a reconnect the client joins again by itself: the
// server gives it a new id, and the peers list is brought up to date through onPeerLeft / onPeerJoined.
// A rejoin the server refuses ends the room and is reported (the "error" event, with `room`).
import { HeraldError } from './errors.js';

export class Room {
  constructor(name, { info, onJoined, onPeerJoined, onPeerLeft, onSignal } = {}, { onLeave, onFailure }) {
    this.name = name;
    this.info = info;
    this.handlers = { onJoined, onPeerJoined, onPeerLeft, onSignal };
    this.onLeave = onLeave;
    this.onFailure = onFailure;
    this.fullSince = null; // when rejoins started to be refused with room_full (see rejoinRefusedFull)
    this.you = null; // this client's peer id while joined
    this.peers = new Map(); // id -> { id, user, info }
    this.joined = false;
    this.active = true;
    this.ready = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.ready.catch(() => {}); // a rejection nobody awaits is not an unhandled error
  }

  /** The join reply: who is there now. Peers that went or came while disconnected are reported. */
  joinedWith({ you, peers }) {
    const now = new Map(peers.map((p) => [p.id, p]));
    const before = this.peers;
    this.you = you;
    this.peers = now;
    this.joined = true;
    this.fullSince = null;
    for (const [id, peer] of before) if (!now.has(id)) this.call('onPeerLeft', peer);
    if (this.settle) {
      this.settle.resolve({ you, peers: [...now.values()] });
      this.settle = null;
    } else {
      for (const [id, peer] of now) if (!before.has(id)) this.call('onPeerJoined', peer);
    }
    this.call('onJoined', { you, peers: [...now.values()] });
  }

  /** The join was refused (room_full, presence_disabled, …): the room ends; a rejoin's refusal is reported. */
  failed(error) {
    if (!this.active) return;
    if (this.settle) this.settle.reject(error);
    else this.onFailure?.(this, error);
    this.settle = null;
    this.end();
  }

  /**
   * Whether a rejoin refused with room_full should be tried again: after a reconnect the server may
   * still hold this client's place for its old connection, until it notices that one is gone
   * (ws.idle_timeout). A first join is not retried: `ready` rejects at once.
   */
  rejoinRefusedFull(now, retryFor) {
    if (this.settle) return false;
    this.fullSince ??= now;
    return now - this.fullSince < retryFor;
  }

  disconnected() {
    this.joined = false;
  }

  push(frame) {
    if (!this.joined) return;
    if (frame.op === 'peer_joined') {
      if (this.peers.has(frame.peer.id)) return;
      this.peers.set(frame.peer.id, frame.peer);
      this.call('onPeerJoined', frame.peer);
    } else if (frame.op === 'peer_left') {
      const peer = this.peers.get(frame.peer.id);
      if (!peer) return;
      this.peers.delete(frame.peer.id);
      this.call('onPeerLeft', peer);
    } else if (frame.op === 'signal') {
      this.call('onSignal', { from: frame.from, data: frame.data });
    }
  }

  call(name, value) {
    const handler = this.handlers[name];
    if (!handler) return;
    try {
      handler(value);
    } catch (err) {
      setTimeout(() => {
        throw err;
      });
    }
  }

  end() {
    this.active = false;
    this.joined = false;
    this.onLeave(this);
  }
}

/** What the application holds. */
export function publicRoom(room, { signal, leave }) {
  return Object.freeze({
    name: room.name,
    ready: room.ready,
    get you() {
      return room.you;
    },
    get peers() {
      return [...room.peers.values()];
    },
    get joined() {
      return room.joined;
    },
    signal: (to, data) => {
      if (!room.active) return Promise.reject(new HeraldError('not_joined', `herald: the room ${room.name} was left`));
      return signal(room, to, data);
    },
    leave: () => leave(room),
  });
}
