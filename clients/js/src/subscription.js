// One subscription's bookkeeping: its cursor, de-duplication and ordering of incoming messages, gaps.
// Every transport feeds messages and gaps through here, so each offset reaches the application once,
// in order, and anything skipped is reported as a gap rather than lost silently.
import { formatCursor, parseCursor } from './cursor.js';

export class Subscription {
  /**
   * @param {string} channel
   * @param {object} o
   * @param {string|null} o.since          cursor to resume after (null: from now on)
   * @param {(m: object) => void} [o.onMessage]
   * @param {(g: object) => void} [o.onGap]
   * @param {(cursor: string) => void} [o.onCursor]  called after every cursor change (persistence)
   * @param {(err: Error) => void} [o.onHandlerError] a throwing handler is reported here, not rethrown
   * @param {() => void} [o.onUnsubscribe]
   * @param {(e: object) => void} [o.onPresence]  presence events (WebSocket): sync, join, leave
   * @param {unknown} [o.info]  what others see of this client in the channel's presence
   */
  constructor(channel, { since = null, onMessage, onGap, onCursor, onHandlerError, onUnsubscribe, onPresence, info } = {}) {
    this.channel = channel;
    this.cursor = since;
    this.active = true;
    this.onMessage = onMessage ?? (() => {});
    this.onGap = onGap ?? (() => {});
    this.onCursor = onCursor ?? (() => {});
    this.onHandlerError = onHandlerError ?? ((err) => setTimeout(() => { throw err; }));
    this.onUnsubscribe = onUnsubscribe ?? (() => {});
    this.presence = onPresence ? { onPresence, info } : null; // null: the subscription does not follow presence
  }

  /** Hands a presence event ({ type: "sync" | "join" | "leave", channel, ... }) to the application. */
  presenceEvent(event) {
    if (this.active && this.presence) this.call(this.presence.onPresence, event);
  }

  /** Ends the subscription: nothing is delivered afterwards. */
  unsubscribe() {
    if (!this.active) return;
    this.active = false;
    this.onUnsubscribe(this);
  }

  /**
   * Sets the starting position when there is none yet (the server told where delivery starts).
   * A known cursor is kept: the server resumes from it.
   */
  startAt(cursor) {
    if (this.cursor === null && parseCursor(cursor)) this.setCursor(cursor);
  }

  /**
   * Handles one message envelope. Returns 'delivered', 'duplicate' (already seen: dropped) or
   * 'inactive'. A message that does not follow the cursor in its epoch is preceded by a gap.
   */
  receive(envelope) {
    if (!this.active) return 'inactive';
    const here = parseCursor(this.cursor);
    const { epoch, offset } = envelope;
    if (here && here.epoch === epoch && offset <= here.offset) return 'duplicate';
    if (here && (here.epoch !== epoch || offset !== here.offset + 1)) {
      this.reportGap({ channel: this.channel, requested: this.cursor, continue_from: formatCursor(epoch, offset - 1) });
    }
    this.setCursor(envelope.cursor ?? formatCursor(epoch, offset));
    this.call(this.onMessage, envelope);
    return 'delivered';
  }

  /**
   * Handles a gap from the server. A gap whose continue_from is not ahead of the cursor in the same
   * epoch brings nothing new (a repeat after a reconnect) and is dropped. Returns true when reported.
   */
  gap(gap) {
    if (!this.active) return false;
    const here = parseCursor(this.cursor);
    const next = parseCursor(gap.continue_from);
    if (!next) return false;
    if (here && gap.requested !== this.cursor && here.epoch === next.epoch && next.offset <= here.offset) {
      return false;
    }
    this.reportGap({ channel: this.channel, requested: gap.requested, continue_from: gap.continue_from });
    return true;
  }

  reportGap(gap) {
    this.setCursor(gap.continue_from);
    this.call(this.onGap, gap);
  }

  setCursor(cursor) {
    this.cursor = cursor;
    try {
      this.onCursor(cursor);
    } catch (err) {
      this.onHandlerError(err);
    }
  }

  call(handler, value) {
    try {
      handler(value);
    } catch (err) {
      this.onHandlerError(err);
    }
  }
}
