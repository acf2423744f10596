// The event-stream parser against herald's framing and the WHATWG rules, with arbitrary chunk splits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser } from '../../src/sse-parser.js';

const HERALD_STREAM =
  'retry: 2000\n\n' +
  'id: e:10,f:1\nevent: message\ndata: {"channel":"news","offset":10}\n\n' +
  ': heartbeat\n\n' +
  'id: e:10,f:2\nevent: warn\ndata: {"channel":"alerts","offset":2}\n\n' +
  'id: p:0\nevent: gap\ndata: {"channel":"news","requested":"e:9","continue_from":"p:0"}\n\n' +
  'retry: 2000\nevent: close\ndata: {"reason":"lifetime"}\n\n';

function parseAll(chunks) {
  const parser = new SseParser();
  const events = chunks.flatMap((c) => parser.push(c));
  return { parser, events };
}

test('herald stream: messages, custom events, gaps, close; heartbeats and retry dispatch nothing', () => {
  const { parser, events } = parseAll([HERALD_STREAM]);
  assert.deepEqual(
    events.map((e) => [e.event, e.id, e.data]),
    [
      ['message', 'e:10,f:1', '{"channel":"news","offset":10}'],
      ['warn', 'e:10,f:2', '{"channel":"alerts","offset":2}'],
      ['gap', 'p:0', '{"channel":"news","requested":"e:9","continue_from":"p:0"}'],
      ['close', 'p:0', '{"reason":"lifetime"}'],
    ],
  );
  assert.equal(parser.retry, 2000);
});

test('every split of the stream, byte by byte, gives the same events', () => {
  const whole = parseAll([HERALD_STREAM]).events;
  assert.deepEqual(parseAll([...HERALD_STREAM]).events, whole);
  for (let cut = 1; cut < HERALD_STREAM.length; cut += 7) {
    assert.deepEqual(parseAll([HERALD_STREAM.slice(0, cut), HERALD_STREAM.slice(cut)]).events, whole, `cut at ${cut}`);
  }
});

test('CRLF and CR line ends, also split between CR and LF', () => {
  const crlf = 'id: a:1\r\ndata: x\r\n\r\n';
  assert.deepEqual(parseAll([crlf]).events.map((e) => e.data), ['x']);
  assert.deepEqual(parseAll(['id: a:1\r\ndata: x\r', '\n\r\n']).events.map((e) => [e.id, e.data]), [['a:1', 'x']]);
  assert.deepEqual(parseAll(['data: y\rdata: z\r\r']).events.map((e) => e.data), ['y\nz']);
});

test('several data lines join with newlines (raw format); no space after the colon is kept as is', () => {
  const { events } = parseAll(['data: line one\ndata: line two\ndata:tight\n\n']);
  assert.equal(events[0].data, 'line one\nline two\ntight');
  assert.equal(events[0].event, 'message');
});

test('an id-only event (the start position of a stream) is returned without data', () => {
  const { events } = parseAll(['retry: 2000\n\nid: k:9,z:1\n\n']);
  assert.equal(events.length, 1);
  assert.equal(events[0].id, 'k:9,z:1');
  assert.equal(events[0].hasData, false);
});

test('an unfinished event is held until its blank line', () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push('id: a:1\ndata: partial'), []);
  assert.deepEqual(parser.push('\n'), []);
  assert.equal(parser.push('\n')[0].data, 'partial');
});
