// The long-polling transport (`/api/lp`). A long poll names exactly one channel (docs/protocol.md), so
// each subscription runs its own poll loop; every poll sends `since` = the subscription's cursor.
import { Backoff } from '../backoff.js';
import { CHANNEL_REFUSALS } from '../errors.js';
import { endpoint, getJSON, networkError } from '../http.js';
import { fetchMissingCursors } from './positions.js';

export class LongPollTransport {
  constructor(ctx) {
    this.name = 'longpoll';
    this.ctx = ctx;
    this.stopped = false;
    this.loops = new Map(); // Subscription -> AbortController of its loop
  }

  start() {
    const subs = this.ctx.subscriptions();
    if (subs.length === 0) this.ctx.report('disconnected', 'no subscriptions');
    for (const sub of subs) this.subscribe(sub);
  }

  stop() {
    this.stopped = true;
    for (const controller of this.loops.values()) controller.abort();
    this.loops.clear();
  }

  subscribe(sub) {
    if (this.stopped || this.loops.has(sub)) return;
    const controller = new AbortController();
    this.loops.set(sub, controller);
    this.loop(sub, controller.signal).finally(() => {
      if (this.loops.get(sub) === controller) this.loops.delete(sub);
    });
  }

  unsubscribe(sub) {
    this.loops.get(sub)?.abort();
    this.loops.delete(sub);
    if (this.loops.size === 0 && !this.stopped) this.ctx.report('disconnected', 'no subscriptions');
  }

  async loop(sub, signal) {
    const backoff = new Backoff(this.ctx.options.backoff, this.ctx.options.random);
    let fresh = true; // the first poll (and the first after a failure) answers at once: it proves the way
    while (!signal.aborted && sub.active) {
      const waitSeconds = fresh ? 0 : this.ctx.options.longPollTimeout;
      if (this.ctx.state() !== 'connected') this.ctx.report('connecting', backoff.attempt ? 'reconnecting' : 'polling');
      try {
        const token = await this.ctx.token();
        await fetchMissingCursors(this.ctx, [sub], { signal, token });
        const url = endpoint(this.ctx.base, '/api/lp', { channel: sub.channel, since: sub.cursor, timeout: waitSeconds, token });
        const poll = boundedSignal(signal, (waitSeconds + 10) * 1000);
        const answer = await getJSON(this.ctx.fetch, url, { signal: poll.signal }).finally(poll.release);
        if (signal.aborted) return;
        backoff.reset();
        fresh = false;
        this.ctx.report('connected', 'long polling');
        if (answer.gap) sub.gap(answer.gap);
        for (const message of answer.messages) sub.receive(message);
      } catch (err) {
        if (signal.aborted || this.stopped) return;
        const error = networkError(err);
        if (CHANNEL_REFUSALS.has(error.code)) {
          this.ctx.subscriptionFailed(sub, error); // retrying cannot help: the subscription ends
          return;
        }
        if (error.status) this.ctx.error(error);
        fresh = true;
        this.ctx.report('disconnected', `long poll failed: ${error.message}`);
        await pause(backoff.next(), signal);
      }
    }
  }
}

/** A signal that aborts with `signal` or after `ms`; release() when the request is over. */
function boundedSignal(signal, ms) {
  const controller = new AbortController();
  const abort = () => controller.abort();
  const timer = setTimeout(abort, ms);
  signal.addEventListener('abort', abort, { once: true });
  const release = () => {
    clearTimeout(timer);
    signal.removeEventListener('abort', abort);
  };
  return { signal: controller.signal, release };
}

function pause(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
