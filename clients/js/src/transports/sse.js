// The SSE transport (`/api/sse`): one multi-channel stream for all subscriptions, read with fetch so
// that every event name arrives and a silent stream (a buffering proxy) can be noticed. The stream is
// re-opened with the current cursors (`since` = one cursor per channel) when the set of channels
// changes, and after any break, with backoff.
import { Backoff } from '../backoff.js';
import { CHANNEL_REFUSALS, errorFromResponse, HeraldError } from '../errors.js';
import { sseSilenceAction } from '../fallback.js';
import { endpoint, getJSON, networkError } from '../http.js';
import { SseParser } from '../sse-parser.js';
import { fetchMissingCursors } from './positions.js';

export class SseTransport {
  constructor(ctx) {
    this.name = 'sse';
    this.ctx = ctx;
    this.backoff = new Backoff(ctx.options.backoff, ctx.options.random);
    this.stopped = false;
    this.controller = null;
    this.retryTimer = null;
    this.reopenQueued = false;
    this.generation = 0; // bumped by every (re)open: a stale stream's events are ignored
  }

  start() {
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.abort();
  }

  subscribe() {
    this.queueReopen();
  }

  unsubscribe() {
    this.queueReopen();
  }

  /** Several (un)subscribes in one task re-open the stream once. */
  queueReopen() {
    if (this.reopenQueued || this.stopped) return;
    this.reopenQueued = true;
    queueMicrotask(() => {
      this.reopenQueued = false;
      clearTimeout(this.retryTimer);
      this.open({ reopen: true });
    });
  }

  abort() {
    this.generation += 1;
    clearTimeout(this.silenceTimer);
    this.controller?.abort();
    this.controller = null;
  }

  /** Opens the stream; `reopen`: the channel set changed on a working stream (no state change then). */
  async open({ reopen = false } = {}) {
    this.abort();
    if (this.stopped) return;
    const subs = this.ctx.subscriptions();
    if (subs.length === 0) {
      this.ctx.report('disconnected', 'no subscriptions');
      return;
    }
    const generation = this.generation;
    const controller = (this.controller = new AbortController());
    if (!reopen || this.ctx.state() !== 'connected') {
      this.ctx.report('connecting', this.backoff.attempt ? 'reconnecting' : 'opening an SSE stream');
    }
    let token = null;
    try {
      token = await this.ctx.token();
      await fetchMissingCursors(this.ctx, subs, { signal: controller.signal, token });
      if (generation !== this.generation) return;
      await this.stream(subs, token, controller, generation);
    } catch (err) {
      if (generation !== this.generation || this.stopped) return;
      const error = networkError(err);
      if (CHANNEL_REFUSALS.has(error.code) && (await this.endRefusedSubscriptions(subs, token, generation))) return;
      if (generation !== this.generation || this.stopped) return;
      if (error.status) this.ctx.error(error);
      this.retry(`SSE stream failed: ${error.message}`);
    }
  }

  /**
   * One refused channel refuses the whole stream: find the refused ones (the history endpoint applies
   * the same rules per channel), end those subscriptions and re-open with the others. True if any ended.
   */
  async endRefusedSubscriptions(subs, token, generation) {
    const refused = [];
    await Promise.all(
      subs.map(async (sub) => {
        const url = endpoint(this.ctx.base, '/api/history', { channel: sub.channel, limit: 1, token });
        try {
          await getJSON(this.ctx.fetch, url);
        } catch (err) {
          if (CHANNEL_REFUSALS.has(err?.code)) refused.push([sub, err]);
        }
      }),
    );
    if (generation !== this.generation || this.stopped) return true;
    for (const [sub, err] of refused) this.ctx.subscriptionFailed(sub, err); // re-opens for the rest
    return refused.length > 0;
  }

  async stream(subs, token, controller, generation) {
    const params = { channel: subs.map((s) => s.channel), since: subs.map((s) => s.cursor).join(','), token };
    const startedAt = Date.now();
    let received = 0;
    this.silenceTimer = setTimeout(() => {
      const { firstByteTimeout } = this.ctx.options;
      if (sseSilenceAction({ receivedBytes: received, elapsed: Date.now() - startedAt, firstByteTimeout }) !== 'fallback') return;
      if (generation !== this.generation) return;
      this.abort();
      const reason = `the SSE stream sent no byte within ${firstByteTimeout} ms (a buffering proxy?)`;
      if (!this.ctx.fallback(reason)) this.retry(reason);
    }, this.ctx.options.firstByteTimeout);
    const response = await this.ctx.fetch(endpoint(this.ctx.base, '/api/sse', params), {
      signal: controller.signal,
      headers: { Accept: 'text/event-stream' },
      cache: 'no-store',
    });
    if (!response.ok) throw await errorFromResponse(response);
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser();
    for (;;) {
      const { done, value } = await reader.read();
      if (generation !== this.generation) return;
      if (done) break;
      if (received === 0) {
        clearTimeout(this.silenceTimer);
        this.backoff.reset();
        this.ctx.report('connected', 'SSE stream open');
      }
      received += value.byteLength;
      for (const event of parser.push(decoder.decode(value, { stream: true }))) {
        const closing = this.handleEvent(event);
        if (closing) {
          controller.abort();
          this.retry(`the server ended the SSE stream (${closing})`);
          return;
        }
      }
    }
    this.retry('the SSE stream ended');
  }

  /** Routes one event; returns the close reason when the server ends the stream. */
  handleEvent(event) {
    if (!event.hasData) return null;
    let data;
    try {
      data = JSON.parse(event.data);
    } catch {
      this.ctx.error(new HeraldError('bad_json', 'herald: an SSE event whose data is not JSON'));
      return null;
    }
    if (event.event === 'close') return data?.reason ?? 'close';
    if (event.event === 'gap') this.ctx.subscription(data.channel)?.gap(data);
    else this.ctx.subscription(data.channel)?.receive(data);
    return null;
  }

  retry(reason) {
    if (this.stopped) return;
    this.abort();
    this.ctx.report('disconnected', reason);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.open(), this.backoff.next());
  }
}
