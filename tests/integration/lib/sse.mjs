// A raw SSE client over node:http that keeps every byte and every parsed block, for format assertions.
import http from 'node:http';
import { waitFor } from './util.mjs';

/**
 * Incremental text/event-stream parser. Each "block" (lines up to an empty line) becomes
 * {id, event, data, retry, lines}; `data` joins data: lines with "\n" and is undefined without any.
 * Comment lines (":…") are collected separately.
 */
export class SseParser {
  constructor() {
    this.buffer = '';
    this.blocks = [];
    this.comments = [];
    this.current = null;
  }

  push(text) {
    this.buffer += text;
    for (;;) {
      const nl = this.buffer.indexOf('\n');
      if (nl < 0) break;
      let line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      this.line(line);
    }
  }

  line(line) {
    if (line === '') {
      if (this.current) this.blocks.push(this.current);
      this.current = null;
      return;
    }
    if (line.startsWith(':')) {
      this.comments.push(line);
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    const b = (this.current ??= { id: undefined, event: undefined, data: undefined, retry: undefined, lines: [] });
    b.lines.push(line);
    if (field === 'data') b.data = b.data === undefined ? value : `${b.data}\n${value}`;
    else if (field === 'id') b.id = value;
    else if (field === 'event') b.event = value;
    else if (field === 'retry') b.retry = value;
  }
}

export class SseStream {
  constructor(req, res) {
    this.req = req;
    this.res = res;
    this.status = res.statusCode;
    this.headers = res.headers;
    this.raw = '';
    this.parser = new SseParser();
    this.ended = false;
    this.error = null;
    this.endedAt = null;
    this.done = new Promise((resolve) => {
      const finish = () => {
        if (!this.ended) {
          this.ended = true;
          this.endedAt = Date.now();
        }
        resolve();
      };
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', (err) => {
        this.error = err;
        finish();
      });
      req.on('error', (err) => {
        this.error = err;
        finish();
      });
    });
    res.setEncoding('utf8');
    res.on('data', (chunk) => {
      this.raw += chunk;
      this.parser.push(chunk);
    });
  }

  /** Every parsed block (messages, gaps, close, retry-only blocks). */
  get blocks() {
    return this.parser.blocks;
  }

  /** Blocks of the given event type ('message' also matches blocks without an event: field). */
  eventsOf(type) {
    return this.blocks.filter((b) => b.data !== undefined && (b.event ?? 'message') === type);
  }

  /** Blocks that carry an envelope (any event other than gap/close), parsed: {id, event, env}. */
  envelopes() {
    return this.blocks
      .filter((b) => b.data !== undefined && b.event !== 'gap' && b.event !== 'close')
      .map((b) => ({ id: b.id, event: b.event, env: JSON.parse(b.data) }));
  }

  /** The offsets of all envelopes received so far. */
  offsets() {
    return this.envelopes().map((m) => m.env.offset);
  }

  gaps() {
    return this.eventsOf('gap').map((b) => ({ id: b.id, gap: JSON.parse(b.data) }));
  }

  waitFor(pred, { timeout = 10_000, label = 'SSE condition' } = {}) {
    return waitFor(() => pred(this), {
      timeout,
      interval: 10,
      label,
      describe: () => `ended=${this.ended} raw(last 600)=${JSON.stringify(this.raw.slice(-600))}`,
    });
  }

  /** Waits until at least `n` envelopes were received. */
  waitMessages(n, opts = {}) {
    return this.waitFor((s) => s.envelopes().length >= n, { label: `${n} SSE messages`, ...opts });
  }

  waitEnd({ timeout = 10_000 } = {}) {
    return this.waitFor((s) => s.ended, { timeout, label: 'SSE stream end' });
  }

  pause() {
    this.res.pause();
  }

  resume() {
    this.res.resume();
  }

  close() {
    this.req.destroy();
    this.res.destroy();
  }
}

/**
 * Opens GET `path` (e.g. '/api/sse?channel=a') and resolves once the response headers arrived.
 * Non-200 answers resolve too (read `status`, then `await s.done` and use `s.raw` as the body).
 */
export function openSse(base, path, { headers = {}, timeout = 10_000 } = {}) {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'GET', agent: false, headers: { Accept: 'text/event-stream', ...headers } });
    const timer = setTimeout(() => {
      req.destroy(new Error(`SSE ${url.href}: no response headers within ${timeout} ms`));
    }, timeout);
    req.on('response', (res) => {
      clearTimeout(timer);
      resolve(new SseStream(req, res));
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}

/** Opens an SSE stream and waits for its leading `retry:` block (the server has subscribed by then). */
export async function openSseReady(base, path, opts = {}) {
  const s = await openSse(base, path, opts);
  if (s.status !== 200) {
    await s.done;
    throw new Error(`SSE ${path} → HTTP ${s.status}: ${s.raw}`);
  }
  await s.waitFor((x) => x.blocks.length >= 1 || x.raw.startsWith('retry:'), { timeout: opts.timeout ?? 10_000, label: 'SSE retry: line' });
  return s;
}

export function ssePath(channels, params = {}) {
  const qs = new URLSearchParams();
  for (const c of [].concat(channels)) qs.append('channel', c);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) qs.append(k, String(v));
  return `/api/sse?${qs}`;
}
