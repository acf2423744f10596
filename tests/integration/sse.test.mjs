// Server-sent events: wire format over raw node:http, tokens, resume, gaps, limits, and the `eventsource`
// npm client reconnecting by itself (stream lifetime ends and a killed/restarted server).
import assert from 'node:assert/strict';
import { test, before, after } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';
import { publish, publishBatch, publishMany, currentCursor, historyOk, request } from './lib/http.mjs';
import { openSse, openSseReady, ssePath } from './lib/sse.mjs';
import { collectEventSource } from './lib/eventsource.mjs';
import { uniqueChannel, parseCursor, foreignEpoch, assertContiguous, assertEnvelope, assertErrorBody, sleep } from './lib/util.mjs';

let srv; // defaults
let small; // HERALD_HISTORY_SIZE=5, HERALD_SSE_HEARTBEAT=1
let short; // HERALD_SSE_MAX_LIFETIME=1, HERALD_SSE_RETRY_MS=300
const streams = [];
before(async () => {
  [srv, small, short] = await Promise.all([
    startServer({ label: 'sse' }),
    startServer({ label: 'sse-small', env: { HERALD_HISTORY_SIZE: '5', HERALD_SSE_HEARTBEAT: '1' } }),
    startServer({ label: 'sse-lifetime', env: { HERALD_SSE_MAX_LIFETIME: '1', HERALD_SSE_RETRY_MS: '300' } }),
  ]);
});
after(async () => {
  for (const s of streams) s.close();
  await Promise.all([srv?.stop(), small?.stop(), short?.stop()]);
});

/** openSseReady + remember for cleanup. */
async function sse(base, path, opts) {
  const s = await openSseReady(base, path, opts);
  streams.push(s);
  return s;
}

test('a stream from now is subscribed when its response head arrives: a message published right after it is delivered', { timeout: 30_000 }, async () => {
  for (let round = 0; round < 40; round += 1) {
    const channel = uniqueChannel(`head${round}`);
    const s = await openSse(srv.base, ssePath(channel));
    streams.push(s);
    assert.equal(s.status, 200);
    const sent = await publish(srv.base, channel, { round });
    await s.waitMessages(1, { timeout: 3_000, label: `round ${round}: the message published after the head` });
    assert.equal(s.envelopes()[0].env.cursor, sent.cursor);
    s.close();
  }
});

test('headers, leading retry line, and the id/event/data format of each message', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('fmt');
  const start = await currentCursor(srv.base, channel);
  const { epoch } = parseCursor(start);
  const s = await sse(srv.base, ssePath(channel, { since: start }));
  assert.equal(s.status, 200);
  assert.match(s.headers['content-type'] ?? '', /^text\/event-stream/);
  assert.match(s.headers['cache-control'] ?? '', /no-cache/);
  assert.equal(s.headers['x-accel-buffering'], 'no');
  assert.ok(s.raw.startsWith('retry: 2000\n\n'), `stream must start with "retry: 2000\\n\\n": ${JSON.stringify(s.raw.slice(0, 80))}`);

  await publish(srv.base, channel, { hello: 'world' });
  await publish(srv.base, channel, [1, 'two'], { event: 'custom.ev' });
  await s.waitMessages(2);
  const msgs = s.blocks.filter((b) => b.data !== undefined);
  assert.deepEqual(msgs[0].lines.slice(0, 2), [`id: ${epoch}:1`, 'event: message']);
  assert.equal(msgs[0].lines.length, 3, `exactly id, event, data lines: ${JSON.stringify(msgs[0].lines)}`);
  assert.ok(msgs[0].lines[2].startsWith('data: {'), msgs[0].lines[2]);
  assertEnvelope(JSON.parse(msgs[0].data), { channel, epoch, offset: 1, event: 'message', data: { hello: 'world' } });
  assert.deepEqual(msgs[1].lines.slice(0, 2), [`id: ${epoch}:2`, 'event: custom.ev']);
  assertEnvelope(JSON.parse(msgs[1].data), { channel, epoch, offset: 2, event: 'custom.ev', data: [1, 'two'] });
  // Byte-exact framing of one message: id, event, data (the envelope on one line), empty line.
  const env1 = msgs[0].data;
  assert.ok(s.raw.includes(`id: ${epoch}:1\nevent: message\ndata: ${env1}\n\n`), `raw framing: ${JSON.stringify(s.raw.slice(0, 400))}`);
  assert.ok(!env1.includes('\n'));
});

test('without since/Last-Event-ID the stream starts at "now"', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('now');
  await publishMany(srv.base, channel, 3);
  const s = await sse(srv.base, ssePath(channel));
  await sleep(200);
  await publish(srv.base, channel, 'live');
  await s.waitMessages(1);
  await sleep(200);
  assert.deepEqual(s.offsets(), [4]);
  assert.equal(s.envelopes()[0].env.data, 'live');
  assert.equal(s.gaps().length, 0);
});

test('since= resumes exactly after the cursor, then continues live', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('since');
  const results = await publishMany(srv.base, channel, 5);
  const { epoch } = results[0];
  const s = await sse(srv.base, ssePath(channel, { since: `${epoch}:2` }));
  await s.waitMessages(3);
  await publish(srv.base, channel, 'six');
  await s.waitMessages(4);
  assert.deepEqual(s.offsets(), [3, 4, 5, 6]);
  assert.deepEqual(s.envelopes().map((m) => m.id), [3, 4, 5, 6].map((o) => `${epoch}:${o}`));
  assert.equal(s.gaps().length, 0);
});

test('Last-Event-ID resumes without loss or duplicates and takes precedence over since', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('lei');
  const start = await currentCursor(srv.base, channel);
  const { epoch } = parseCursor(start);
  const first = await sse(srv.base, ssePath(channel, { since: start }));
  await publishMany(srv.base, channel, 3);
  await first.waitMessages(3);
  const lastId = first.envelopes().at(-1).id;
  first.close();
  await publishMany(srv.base, channel, 3, { start: 3 });
  // since points elsewhere (a foreign epoch would give a gap): the header must win.
  const second = await sse(srv.base, ssePath(channel, { since: `${foreignEpoch(epoch)}:1` }), { headers: { 'Last-Event-ID': lastId } });
  await second.waitMessages(3);
  await publish(srv.base, channel, 'seven');
  await second.waitMessages(4);
  await sleep(150);
  assert.deepEqual(first.offsets(), [1, 2, 3]);
  assert.deepEqual(second.offsets(), [4, 5, 6, 7]);
  assert.equal(second.gaps().length, 0, `no gap expected: ${JSON.stringify(second.gaps())}`);
});

test('format=raw: data is the payload; strings unquoted and split at newlines', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('raw');
  const start = await currentCursor(srv.base, channel);
  const { epoch } = parseCursor(start);
  const s = await sse(srv.base, ssePath(channel, { since: start, format: 'raw' }));
  assert.ok(s.raw.startsWith('retry: 2000\n\n'));
  await publish(srv.base, channel, 'line1\nline2\nline3');
  await publish(srv.base, channel, { a: 1, b: [true, null] }, { event: 'obj' });
  await publish(srv.base, channel, 'he said "hi"');
  await publish(srv.base, channel, 42);
  await s.waitFor((x) => x.blocks.filter((b) => b.data !== undefined).length >= 4, { label: '4 raw messages' });
  const msgs = s.blocks.filter((b) => b.data !== undefined);
  assert.deepEqual(msgs[0].lines, [`id: ${epoch}:1`, 'event: message', 'data: line1', 'data: line2', 'data: line3']);
  assert.equal(msgs[0].data, 'line1\nline2\nline3');
  assert.deepEqual(msgs[1].lines.slice(0, 2), [`id: ${epoch}:2`, 'event: obj']);
  assert.deepEqual(JSON.parse(msgs[1].data), { a: 1, b: [true, null] });
  assert.equal(msgs[1].lines.length, 3);
  assert.deepEqual(msgs[2].lines, [`id: ${epoch}:3`, 'event: message', 'data: he said "hi"']);
  assert.deepEqual(msgs[3].lines, [`id: ${epoch}:4`, 'event: message', 'data: 42']);
});

test('format=raw with more than one channel → 400', { timeout: 15_000 }, async () => {
  const res = await request(srv.base, 'GET', ssePath([uniqueChannel('r1'), uniqueChannel('r2')], { format: 'raw' }));
  assertErrorBody(res, 400);
});

test('multi-channel token: cursors of all channels in parameter order, joined by ","', { timeout: 20_000 }, async () => {
  const a = uniqueChannel('ma');
  const b = uniqueChannel('mb');
  const ea = parseCursor(await currentCursor(srv.base, a)).epoch;
  const eb = parseCursor(await currentCursor(srv.base, b)).epoch;
  const s = await sse(srv.base, ssePath([a, b], { since: `${ea}:0,${eb}:0` }));
  await publish(srv.base, a, 'a1');
  await s.waitMessages(1);
  await publish(srv.base, b, 'b1');
  await s.waitMessages(2);
  await publish(srv.base, a, 'a2');
  await s.waitMessages(3);
  const got = s.envelopes();
  assert.deepEqual(got.map((m) => m.id), [`${ea}:1,${eb}:0`, `${ea}:1,${eb}:1`, `${ea}:2,${eb}:1`]);
  assert.deepEqual(got.map((m) => [m.env.channel, m.env.offset, m.env.data]), [[a, 1, 'a1'], [b, 1, 'b1'], [a, 2, 'a2']]);
  got.forEach((m) => assertEnvelope(m.env));
  s.close();

  // Resume with the token: only what was missed, on both channels, no gap.
  await publish(srv.base, b, 'b2');
  await publish(srv.base, a, 'a3');
  const r = await sse(srv.base, ssePath([a, b]), { headers: { 'Last-Event-ID': got.at(-1).id } });
  await r.waitMessages(2);
  await sleep(150);
  assert.equal(r.gaps().length, 0);
  const resumed = r.envelopes();
  assert.deepEqual(resumed.map((m) => `${m.env.channel}:${m.env.offset}`).sort(), [`${a}:3`, `${b}:2`].sort());
  assert.equal(resumed.at(-1).id, `${ea}:3,${eb}:2`);

  // The parameter order defines the token order.
  const rev = await sse(srv.base, ssePath([b, a], { since: `${eb}:2,${ea}:3` }));
  await publish(srv.base, a, 'a4');
  await rev.waitMessages(1);
  assert.equal(rev.envelopes()[0].id, `${eb}:2,${ea}:4`);
});

test('multi-channel stream without since creates the channels (epoch:0 in the token)', { timeout: 20_000 }, async () => {
  const a = uniqueChannel('na');
  const b = uniqueChannel('nb');
  const s = await sse(srv.base, ssePath([a, b]));
  await sleep(100);
  const r = await publish(srv.base, a, 1);
  await s.waitMessages(1);
  const eb = parseCursor(await currentCursor(srv.base, b)).epoch;
  assert.equal(s.envelopes()[0].id, `${r.epoch}:1,${eb}:0`);
});

test('a token whose channel count does not match gives a gap on every channel', { timeout: 20_000 }, async () => {
  const a = uniqueChannel('cnta');
  const b = uniqueChannel('cntb');
  const ra = await publishMany(srv.base, a, 2);
  const rb = await publishMany(srv.base, b, 1);
  const ea = ra[0].epoch;
  const eb = rb[0].epoch;
  const s = await sse(srv.base, ssePath([a, b]), { headers: { 'Last-Event-ID': `${ea}:1` } });
  await s.waitFor((x) => x.gaps().length >= 2 && x.envelopes().length >= 3, { label: '2 gaps + 3 messages' });
  const gaps = s.gaps();
  assert.deepEqual(gaps.map((g) => g.gap.channel).sort(), [a, b].sort());
  const byChannel = Object.fromEntries(gaps.map((g) => [g.gap.channel, g.gap]));
  assert.equal(byChannel[a].continue_from, `${ea}:0`);
  assert.equal(byChannel[b].continue_from, `${eb}:0`);
  assert.deepEqual(s.envelopes().map((m) => `${m.env.channel}:${m.env.offset}`).sort(), [`${a}:1`, `${a}:2`, `${b}:1`].sort());
  assert.equal(s.envelopes().at(-1).id, `${ea}:2,${eb}:1`);
});

test('gap event on a too-old since and on a too-old Last-Event-ID (history.size=5)', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('old');
  const results = await publishMany(small.base, channel, 20);
  const { epoch } = results[0];
  for (const how of ['since', 'header']) {
    const requested = `${epoch}:${how === 'since' ? 2 : 3}`;
    const s = await sse(
      small.base,
      ssePath(channel, how === 'since' ? { since: requested } : {}),
      how === 'header' ? { headers: { 'Last-Event-ID': requested } } : {},
    );
    await s.waitMessages(5);
    const blocks = s.blocks.filter((b) => b.data !== undefined);
    assert.equal(blocks[0].event, 'gap', `${how}: first event must be the gap: ${JSON.stringify(blocks[0])}`);
    assert.equal(blocks[0].id, `${epoch}:15`, `${how}: gap id is the updated token`);
    assert.deepEqual(JSON.parse(blocks[0].data), { channel, requested, continue_from: `${epoch}:15` });
    assert.deepEqual(s.offsets(), [16, 17, 18, 19, 20], how);
    s.close();
  }
});

test('gap event on a foreign-epoch Last-Event-ID, then the retained messages', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('foreign');
  const results = await publishMany(srv.base, channel, 2);
  const { epoch } = results[0];
  const requested = `${foreignEpoch(epoch)}:9`;
  const s = await sse(srv.base, ssePath(channel), { headers: { 'Last-Event-ID': requested } });
  await s.waitMessages(2);
  assert.deepEqual(s.gaps(), [{ id: `${epoch}:0`, gap: { channel, requested, continue_from: `${epoch}:0` } }]);
  assert.deepEqual(s.offsets(), [1, 2]);
});

test('heartbeat comment ": heartbeat" every sse.heartbeat seconds', { timeout: 15_000 }, async () => {
  const s = await sse(small.base, ssePath(uniqueChannel('hb')));
  const t0 = Date.now();
  await s.waitFor((x) => x.raw.split(': heartbeat\n\n').length - 1 >= 2, { timeout: 6000, label: '2 heartbeats with sse.heartbeat=1' });
  assert.ok(Date.now() - t0 >= 900, 'heartbeats are spaced by about a second');
  assert.ok(s.parser.comments.every((c) => c === ': heartbeat'), JSON.stringify(s.parser.comments));
  s.close();
});

test('sse.max_channels (16): 17 channels → 400, 16 → 200', { timeout: 15_000 }, async () => {
  const names = Array.from({ length: 17 }, (_, i) => uniqueChannel(`mc${i}`));
  assertErrorBody(await request(srv.base, 'GET', ssePath(names)), 400);
  const ok = await openSse(srv.base, ssePath(names.slice(0, 16)));
  streams.push(ok);
  assert.equal(ok.status, 200);
  ok.close();
});

test('invalid channel on SSE → 400 invalid_channel', { timeout: 15_000 }, async () => {
  assertErrorBody(await request(srv.base, 'GET', '/api/sse?channel=bad%20name'), 400, 'invalid_channel');
  assertErrorBody(await request(srv.base, 'GET', '/api/sse'), 400);
});

test('sse.max_lifetime: the stream ends with event: close {"reason":"lifetime"}', { timeout: 15_000 }, async () => {
  const channel = uniqueChannel('life');
  const s = await sse(short.base, ssePath(channel));
  assert.ok(s.raw.startsWith('retry: 300\n\n'), `HERALD_SSE_RETRY_MS=300 → retry: 300: ${JSON.stringify(s.raw.slice(0, 40))}`);
  const t0 = Date.now();
  await s.waitEnd({ timeout: 5000 });
  const elapsed = Date.now() - t0;
  assert.ok(elapsed < 3000, `stream lived ${elapsed} ms with max_lifetime=1`);
  const close = s.blocks.find((b) => b.event === 'close');
  assert.ok(close, `close event missing: ${JSON.stringify(s.raw)}`);
  assert.deepEqual(JSON.parse(close.data), { reason: 'lifetime' });
});

test('eventsource client: stream lifetime ends → reconnects with Last-Event-ID, no loss/dup over 400 messages', { timeout: 60_000 }, async () => {
  const channel = uniqueChannel('esl');
  const start = await currentCursor(short.base, channel);
  const { epoch } = parseCursor(start);
  const client = collectEventSource(`${short.base}${ssePath(channel, { since: start })}`);
  try {
    await client.waitFor((st) => st.opens >= 1, { label: 'first open' });
    const TOTAL = 400;
    const deadline = Date.now() + 30_000;
    for (let i = 0; i < TOTAL && Date.now() < deadline; i += 4) {
      await publishBatch(short.base, [0, 1, 2, 3].map((k) => ({ channel, data: { i: i + k } })));
      await sleep(60); // ~6 s of publishing: several lifetime ends and reconnects in between
    }
    await client.waitFor((st) => st.messages.length >= TOTAL, { timeout: 20_000, label: `${TOTAL} messages` });
    await sleep(300);
    assertContiguous(client.offsets(epoch), 1, TOTAL, 'eventsource offsets');
    assert.equal(client.state.messages.length, TOTAL, 'no message outside the epoch / no duplicates');
    client.state.messages.forEach((m, k) => assert.deepEqual(m.env.data, { i: k }));
    assert.equal(client.state.gaps.length, 0, `no gap expected: ${JSON.stringify(client.state.gaps)}`);
    assert.ok(client.state.closes.length >= 2, `expected several lifetime closes, got ${client.state.closes.length}`);
    assert.ok(client.state.closes.every((c) => c.reason === 'lifetime'));
    const reconnects = client.state.requests.slice(1);
    assert.ok(reconnects.length >= 2, `expected reconnects, got ${client.state.requests.length} requests`);
    for (const r of reconnects) {
      assert.equal(r.lastEventId, r.lastSeenId ?? null, `reconnect sent Last-Event-ID ${r.lastEventId}, last id seen ${r.lastSeenId}`);
    }
  } finally {
    client.close();
  }
});

test('eventsource client: server killed and restarted on the same port → reconnects, gap to the new epoch, nothing lost', { timeout: 90_000 }, async () => {
  const own = await startServer({ label: 'sse-restart' });
  const channel = uniqueChannel('esk');
  const start = await currentCursor(own.base, channel);
  const { epoch: oldEpoch } = parseCursor(start);
  const client = collectEventSource(`${own.base}${ssePath(channel, { since: start })}`);
  try {
    await client.waitFor((st) => st.opens >= 1, { label: 'first open' });
    await publishMany(own.base, channel, 100, { batchSize: 10 });
    await client.waitFor((st) => st.messages.length >= 100, { label: '100 messages before the kill' });
    const before = client.state.requests.length;

    await own.restart({ hard: true }); // SIGKILL, then a new process on the same port
    // Published before the client is back (its retry is 2 s): must arrive through the history replay.
    const early = await publishMany(own.base, channel, 200, { batchSize: 10 });
    const newEpoch = early[0].epoch;
    assert.notEqual(newEpoch, oldEpoch, 'memory engine: new epoch after restart');
    await client.waitFor((st) => st.gaps.length >= 1, { timeout: 30_000, label: 'gap after restart' });
    await client.waitFor((st) => st.requests.length > before && st.opens >= 2, { label: 'reconnected' });
    const late = await publishMany(own.base, channel, 100, { batchSize: 10, start: 200 });
    assert.equal(late.at(-1).offset, 300);
    await client.waitFor((st) => st.messages.filter((m) => m.env.epoch === newEpoch).length >= 300, { timeout: 30_000, label: '300 new-epoch messages' });
    await sleep(300);

    assertContiguous(client.offsets(oldEpoch), 1, 100, 'old epoch');
    assertContiguous(client.offsets(newEpoch), 1, 300, 'new epoch');
    assert.equal(client.state.messages.length, 400);
    assert.equal(client.state.gaps.length, 1, `exactly one gap: ${JSON.stringify(client.state.gaps)}`);
    const { gap, id } = client.state.gaps[0];
    assert.deepEqual(gap, { channel, requested: `${oldEpoch}:100`, continue_from: `${newEpoch}:0` });
    assert.equal(id, `${newEpoch}:0`);
    // The gap precedes every new-epoch message.
    const firstNew = client.state.messages.findIndex((m) => m.env.epoch === newEpoch);
    assert.equal(firstNew, 100);
    const reconnect = client.state.requests.slice(before).find((r) => r.lastEventId);
    assert.equal(reconnect?.lastEventId, `${oldEpoch}:100`, 'reconnect carried the last id');
  } finally {
    client.close();
    await own.stop();
  }
});

test('history check: messages seen over SSE are the ones history returns', { timeout: 15_000 }, async () => {
  const channel = uniqueChannel('cmp');
  const start = await currentCursor(srv.base, channel);
  const s = await sse(srv.base, ssePath(channel, { since: start }));
  await publishMany(srv.base, channel, 10);
  await s.waitMessages(10);
  const h = await historyOk(srv.base, channel, { since: start });
  assert.deepEqual(s.envelopes().map((m) => m.env), h.messages);
});

// One id carries every channel's cursor: until a channel's gap event is sent, its part must stay what the
// client asked for, so that a client dropping between two gap events is told about the second gap too.
test('two channels resuming with gaps: each gap event id keeps the other channel\'s requested cursor', { timeout: 30_000 }, async () => {
  const a = uniqueChannel('gapida');
  const b = uniqueChannel('gapidb');
  const ea = (await publishMany(srv.base, a, 2))[0].epoch;
  const eb = (await publishMany(srv.base, b, 2))[0].epoch;
  const asked = [`${foreignEpoch(ea)}:1`, `${foreignEpoch(eb)}:1`];
  const s = await sse(srv.base, ssePath([a, b]), { headers: { 'Last-Event-ID': asked.join(',') } });
  await s.waitFor((x) => x.gaps().length >= 2 && x.envelopes().length >= 4, { label: '2 gaps + 4 messages' });
  const [first, second] = s.gaps();
  const firstIndex = first.gap.channel === a ? 0 : 1;
  const parts = first.id.split(',');
  assert.equal(parts[firstIndex], first.gap.continue_from, 'the gap\'s own channel continues from continue_from');
  assert.equal(parts[1 - firstIndex], asked[1 - firstIndex], `the other channel still holds the requested cursor: ${first.id}`);
  assert.equal(second.id.split(',')[1 - firstIndex], second.gap.continue_from);
  s.close();
  // A client that dropped right after the first gap event resumes with its id: the second gap comes again.
  const again = await sse(srv.base, ssePath([a, b]), { headers: { 'Last-Event-ID': first.id } });
  await again.waitFor((x) => x.gaps().length >= 1, { label: 'the second channel\'s gap again' });
  assert.deepEqual(again.gaps().map((g) => g.gap.channel), [second.gap.channel]);
  again.close();
});

test('sse.heartbeat below a second is kept (a quarter-second resolution, not whole seconds)', { timeout: 30_000 }, async () => {
  const own = await startServer({ label: 'sse-heartbeat', env: { HERALD_SSE_HEARTBEAT: '0.5' } });
  try {
    const s = await openSseReady(own.base, ssePath(uniqueChannel('beat')));
    await sleep(3200);
    const beats = (s.raw.match(/^: heartbeat$/gm) ?? []).length;
    // Every 0.5 to 0.75 s: 4 or more in 3.2 s; a clock of whole seconds would give 3 at most.
    assert.ok(beats >= 4, `${beats} heartbeats in 3.2 s: ${JSON.stringify(s.raw.slice(-200))}`);
    s.close();
  } finally {
    await own.stop();
  }
});
