// The long-polling transport (`/api/lp`). One poll follows every subscription (up to
// MAX_CHANNELS_PER_POLL channels; more channels make more polls), so a page needs one connection however
// many channels it follows: `since` is the subscriptions' cursors joined into a resume token. A change of
// the set of channels ends the poll in flight and starts the next one with the new set; nothing is lost,
// since every poll resumes from the cursors of what was delivered.
import { Backoff } from '../backoff.js';
import { CHANNEL_REFUSALS } from '../errors.js';
import { endpoint, getJSON, networkError } from '../http.js';
import { fetchMissingCursors } from './positions.js';

export const MAX_CHANNELS_PER_POLL = 16; // the server's default longpoll.max_channels

export class LongPollTransport {
  constructor(ctx) {
    this.name = 'longpoll';
    this.ctx = ctx;
    this.stopped = false;
    this.controller = null; // aborts the polls of the current set of channels
    this.restartQueued = false;
  }

  start() {
    this.restart();
  }

  stop() {
    this.stopped = true;
    this.controller?.abort();
    this.controller = null;
  }

  subscribe() {
    this.queueRestart();
  }

  unsubscribe() {
    this.queueRestart();
  }

  /** Several (un)subscribes in one task restart the polls once. */
  queueRestart() {
    if (this.restartQueued || this.stopped) return;
    this.restartQueued = true;
    queueMicrotask(() => {
      this.restartQueued = false;
      if (!this.stopped) this.restart();
    });
  }

  restart() {
    this.controller?.abort();
    this.controller = null;
    const subs = this.ctx.subscriptions().filter((sub) => sub.active);
    if (subs.length === 0) {
      this.ctx.report('disconnected', 'no subscriptions');
      return;
    }
    const controller = new AbortController();
    this.controller = controller;
    for (let i = 0; i < subs.length; i += MAX_CHANNELS_PER_POLL) {
      this.loop(subs.slice(i, i + MAX_CHANNELS_PER_POLL), controller.signal);
    }
  }

  async loop(subs, signal) {
    const backoff = new Backoff(this.ctx.options.backoff, this.ctx.options.random);
    let fresh = true; // the first poll (and the first after a failure) answers at once: it proves the way
    while (!signal.aborted) {
      const live = subs.filter((sub) => sub.active);
      if (live.length === 0) return;
      const waitSeconds = fresh ? 0 : this.ctx.options.longPollTimeout;
      if (this.ctx.state() !== 'connected') this.ctx.report('connecting', backoff.attempt ? 'reconnecting' : 'polling');
      try {
        const token = await this.ctx.token();
        await fetchMissingCursors(this.ctx, live, { signal, token });
        const answer = await this.poll(live, waitSeconds, token, signal);
        if (signal.aborted) return;
        backoff.reset();
        fresh = false;
        this.ctx.report('connected', 'long polling');
        deliver(live, answer);
      } catch (err) {
        if (signal.aborted || this.stopped) return;
        const error = networkError(err);
        if (CHANNEL_REFUSALS.has(error.code)) {
          await this.endRefused(live, error, signal); // retrying cannot help those channels
          continue;
        }
        if (error.status) this.ctx.error(error);
        fresh = true;
        this.ctx.report('disconnected', `long poll failed: ${error.message}`);
        await pause(backoff.next(), signal);
      }
    }
  }

  /** One poll of `subs`: a list of one-channel answers, in their order. */
  async poll(subs, waitSeconds, token, signal) {
    const since = subs.map((sub) => sub.cursor).join(',');
    const url = endpoint(this.ctx.base, '/api/lp', { channel: subs.map((sub) => sub.channel), since, timeout: waitSeconds, token });
    const bounded = boundedSignal(signal, (waitSeconds + 10) * 1000);
    const answer = await getJSON(this.ctx.fetch, url, { signal: bounded.signal }).finally(bounded.release);
    return subs.length === 1 ? [answer] : answer.channels;
  }

  /**
   * A refusal of a poll of several channels does not say which one: each is asked alone (without
   * waiting), and those refused end; the others poll on.
   */
  async endRefused(subs, error, signal) {
    if (subs.length === 1) return this.ctx.subscriptionFailed(subs[0], error);
    const token = await this.ctx.token();
    for (const sub of subs) {
      try {
        await this.poll([sub], 0, token, signal).then((answer) => deliver([sub], answer));
      } catch (err) {
        const alone = networkError(err);
        if (CHANNEL_REFUSALS.has(alone.code)) this.ctx.subscriptionFailed(sub, alone);
        else return; // the network or the server: the loop's next round retries
      }
    }
  }
}

/** Hands each channel's answer to its subscription: the gap first, then the messages. */
function deliver(subs, answers) {
  for (const part of answers) {
    const sub = subs.find((s) => s.channel === part.channel);
    if (!sub?.active) continue;
    if (part.gap) sub.gap(part.gap);
    for (const message of part.messages) sub.receive(message);
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
