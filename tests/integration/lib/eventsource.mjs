// The `eventsource` npm client (WHATWG EventSource for Node), instrumented: every (re)connection's
// Last-Event-ID header is recorded next to the last id the client had received at that moment.
import { EventSource } from 'eventsource';
import { waitFor } from './util.mjs';

export function collectEventSource(url) {
  const state = {
    messages: [], // {id, env}
    gaps: [], // {id, gap}
    closes: [], // parsed data of `event: close`
    opens: 0,
    errors: 0,
    requests: [], // {lastEventId (header sent), lastSeenId (last id delivered to us before this request)}
    lastSeenId: null,
  };
  const recordingFetch = (input, init = {}) => {
    const headers = new Headers(init.headers);
    state.requests.push({ lastEventId: headers.get('last-event-id'), lastSeenId: state.lastSeenId, at: Date.now() });
    return fetch(input, init);
  };
  const es = new EventSource(url, { fetch: recordingFetch });
  es.addEventListener('open', () => {
    state.opens += 1;
  });
  es.addEventListener('error', () => {
    state.errors += 1;
  });
  es.addEventListener('message', (ev) => {
    state.messages.push({ id: ev.lastEventId, env: JSON.parse(ev.data) });
    state.lastSeenId = ev.lastEventId;
  });
  es.addEventListener('gap', (ev) => {
    state.gaps.push({ id: ev.lastEventId, gap: JSON.parse(ev.data) });
    state.lastSeenId = ev.lastEventId;
  });
  es.addEventListener('close', (ev) => {
    state.closes.push(JSON.parse(ev.data));
  });
  return {
    es,
    state,
    offsets: (epoch) => state.messages.filter((m) => epoch === undefined || m.env.epoch === epoch).map((m) => m.env.offset),
    waitFor: (pred, opts = {}) =>
      waitFor(() => pred(state), {
        timeout: 20_000,
        interval: 20,
        describe: () =>
          `messages=${state.messages.length} last=${JSON.stringify(state.messages.at(-1)?.env?.cursor)} gaps=${JSON.stringify(state.gaps)} opens=${state.opens} errors=${state.errors} readyState=${es.readyState}`,
        ...opts,
      }),
    close: () => es.close(),
  };
}
