// Redis Cluster: herald nodes on a real Redis Cluster (redis-server processes on loopback). A message
// published on one node reaches the SSE and WebSocket subscribers of another whichever master holds its
// channel, and history and resuming work on any node; a slot that moves under load (resharding) and a
// master that fails over to its replica lose no accepted message silently and deliver none twice.
import assert from 'node:assert/strict';
import { describe, before, after, test } from './lib/harness.mjs';
import { RedisCluster, redisSkip, startHeraldNodes, stopAll } from './lib/redis.mjs';
import { request, historyOk, publishBatch } from './lib/http.mjs';
import { openSseReady, ssePath } from './lib/sse.mjs';
import { wsConnect } from './lib/ws-client.mjs';
import { uniqueChannel, parseCursor, sleep, waitFor } from './lib/util.mjs';

const PREFIX = 'hc';
const SSE_MAX_CHANNELS = 16; // the default of sse.max_channels

/** The key of a channel's meta hash: its slot is the slot of every key and of the topic of the channel. */
const metaKey = (channel) => `${PREFIX}:{${channel}}:m`;

// ---------------------------------------------------------------------------------------------------------
// Subscribers, seen as what they delivered per channel: [{message}|{gap}] in arrival order

/** One SSE stream on `channels` (at most sse.max_channels) of `node`, started at "now". */
async function followSse(node, channels) {
  const stream = await openSseReady(node.base, ssePath(channels));
  const first = await stream.waitFor((s) => s.blocks.find((b) => b.id !== undefined && b.data === undefined), {
    label: 'the SSE start position',
  });
  const starts = first.id.split(',');
  return {
    label: `SSE on ${node.base}`,
    start: (channel) => starts[channels.indexOf(channel)],
    events: (channel) =>
      stream.blocks
        .filter((b) => b.data !== undefined && b.event !== 'close')
        .map((b) => (b.event === 'gap' ? { gap: JSON.parse(b.data) } : { message: JSON.parse(b.data) }))
        .filter((e) => (e.gap ?? e.message).channel === channel),
    connected: () => !stream.ended,
    close: () => stream.close(),
  };
}

/** One WebSocket of `node` subscribed to `channels` from "now". */
async function followWs(node, channels) {
  const client = await wsConnect(node.base);
  const starts = new Map();
  for (const channel of channels) starts.set(channel, (await client.subscribe(channel)).cursor);
  return {
    label: `WebSocket on ${node.base}`,
    start: (channel) => starts.get(channel),
    events: (channel) =>
      client.json
        .filter((m) => m && m.channel === channel && (m.op === 'message' || m.op === 'gap'))
        .map((m) => (m.op === 'gap' ? { gap: m } : { message: m })),
    connected: () => client.open,
    close: () => client.closeAndWait(),
  };
}

/**
 * Walks what `follower` delivered on `channel`: each message must be the one right after the position
 * (the start, the message before, or a gap's continue_from), so nothing is skipped or repeated unless a
 * gap says so. Returns {messages, gaps}.
 */
function walk(follower, channel) {
  let position = parseCursor(follower.start(channel));
  const messages = [];
  const gaps = [];
  for (const event of follower.events(channel)) {
    if (event.gap) {
      gaps.push(event.gap);
      position = parseCursor(event.gap.continue_from);
      continue;
    }
    const m = event.message;
    assert.ok(
      m.epoch === position.epoch && m.offset === position.offset + 1,
      `${follower.label}, ${channel}: ${m.cursor} came right after ${position.epoch}:${position.offset} without a gap`,
    );
    position = { epoch: m.epoch, offset: m.offset };
    messages.push(m);
  }
  return { messages, gaps };
}

/** Whether `follower` delivered the message at `cursor` on `channel`. */
function hasDelivered(follower, channel, cursor) {
  return follower.events(channel).some((e) => e.message?.cursor === cursor);
}

// ---------------------------------------------------------------------------------------------------------
// A publisher that publishes {seq} on one channel, one message at a time, retrying 503 with the same key

class Publisher {
  constructor(nodes, channel, { pause = 10, retryPause = 50 } = {}) {
    this.nodes = nodes;
    this.channel = channel;
    this.pause = pause;
    this.retryPause = retryPause;
    this.accepted = []; // {seq, cursor, at (ms), attempts, duplicate}
    this.refusals = []; // {seq, at, status, text} of every failed attempt
    this.stopping = false; // finish the message being published, then stop
    this.aborted = false; // stop at once (a failed test)
  }

  start() {
    this.running = this.loop();
    this.running.catch(() => {}); // awaited by stop()
    return this;
  }

  async loop() {
    for (let seq = 1; !this.stopping; seq += 1) {
      await this.publishOne(seq);
      await sleep(this.pause); // pacing only: the machine is shared
    }
  }

  /** Publishes message `seq` until it is accepted: a 503 (or a broken connection) is retried, alternating nodes. */
  async publishOne(seq) {
    const body = { channel: this.channel, data: { seq }, idempotency_key: `${this.channel}-${seq}` };
    for (let attempt = 1; !this.aborted; attempt += 1) {
      const node = this.nodes[(seq + attempt) % this.nodes.length];
      let res;
      try {
        res = await request(node.base, 'POST', '/api/publish', { body, timeout: 10_000 });
      } catch (err) {
        res = { status: 0, text: err.message };
      }
      if (res.status === 200) {
        const r = JSON.parse(res.text);
        this.accepted.push({ seq, cursor: r.cursor, at: Date.now(), attempts: attempt, duplicate: r.duplicate });
        return;
      }
      this.refusals.push({ seq, at: Date.now(), status: res.status, text: res.text });
      if (res.status !== 503 && res.status !== 0) throw new Error(`publish ${seq} → ${res.status}: ${res.text}`);
      await sleep(this.retryPause);
    }
  }

  waitAccepted(count, opts = {}) {
    return waitFor(() => this.accepted.length >= count, {
      label: `${count} accepted publishes`,
      describe: () => `accepted=${this.accepted.length} refusals=${this.refusals.length} last=${JSON.stringify(this.refusals.at(-1))}`,
      ...opts,
    });
  }

  async stop() {
    this.stopping = true;
    await this.running;
  }

  abort() {
    this.stopping = true;
    this.aborted = true;
  }

  /** The longest time between two accepted publishes (ms): how long publishing was unavailable. */
  longestPause() {
    let longest = 0;
    for (let i = 1; i < this.accepted.length; i += 1) longest = Math.max(longest, this.accepted[i].at - this.accepted[i - 1].at);
    return longest;
  }

  /** The distinct answers of refused attempts, for reports. */
  refusalKinds() {
    return [...new Set(this.refusals.map((r) => `${r.status} ${r.text.replace(/127\.0\.0\.1:\d+/g, 'HOST:PORT')}`))];
  }

  /** The first publish accepted after `time` (ms), or undefined. */
  firstAcceptedAfter(time) {
    return this.accepted.find((a) => a.at > time);
  }
}

/** Every message herald has in history for `channel` (fewer than history.size), as cursor → seq. */
async function storedMessages(node, channel, epoch) {
  const body = await historyOk(node.base, channel, { since: `${epoch}:0`, limit: 1000 });
  assert.equal(body.gap, null, `history of ${channel} from ${epoch}:0 has a gap: ${JSON.stringify(body.gap)}`);
  assert.equal(body.more, false);
  return new Map(body.messages.map((m) => [m.cursor, m.data.seq]));
}

/**
 * What `follower` delivered on the publisher's channel against what was accepted and what history holds:
 * in order and once (walk), nothing delivered that was not accepted at that cursor, and every accepted
 * message delivered, except those accepted before `lossAllowedBefore` that Redis lost (not in history).
 * Returns how many such lost messages there were.
 */
function assertDelivery(follower, publisher, stored, { lossAllowedBefore } = {}) {
  const { channel } = publisher;
  const { messages } = walk(follower, channel);
  const acceptedBySeq = new Map(publisher.accepted.map((a) => [a.seq, a]));
  const deliveredPairs = new Set();
  for (const m of messages) {
    const accepted = acceptedBySeq.get(m.data.seq);
    deliveredPairs.add(`${m.cursor}#${m.data.seq}`);
    if (accepted?.cursor === m.cursor) continue;
    // A write Redis lost before answering (the publisher saw a 503 and published again) may have reached
    // subscribers at its first offset.
    const lostWrite = lossAllowedBefore !== undefined && m.time < lossAllowedBefore && stored.get(m.cursor) !== m.data.seq;
    assert.ok(lostWrite, `${follower.label}: delivered seq ${m.data.seq} at ${m.cursor}, accepted at ${accepted?.cursor}`);
  }
  let lostByRedis = 0;
  for (const a of publisher.accepted) {
    if (deliveredPairs.has(`${a.cursor}#${a.seq}`)) continue;
    const kept = stored.get(a.cursor) === a.seq;
    if (!kept && lossAllowedBefore !== undefined && a.at < lossAllowedBefore) {
      lostByRedis += 1;
      continue;
    }
    const there = messages.filter((m) => m.cursor === a.cursor).map((m) => m.data.seq);
    assert.fail(
      `${follower.label}: seq ${a.seq}, accepted at ${a.cursor} (${kept ? 'in history' : `history has seq ${stored.get(a.cursor)} there`}), ` +
        `was never delivered (delivered there: ${there.length ? `seq ${there.join(', ')}` : 'nothing'}; gaps: ${JSON.stringify(walk(follower, channel).gaps)})`,
    );
  }
  return lostByRedis;
}

/** Waits until every follower delivered the publisher's last accepted message. */
function waitAllDelivered(followers, publisher, timeout = 15_000) {
  const last = publisher.accepted.at(-1);
  return waitFor(() => followers.every((f) => hasDelivered(f, publisher.channel, last.cursor)), {
    timeout,
    label: `every subscriber has ${last.cursor}`,
    describe: () => followers.map((f) => `${f.label}: ${f.events(publisher.channel).length} events, last ${JSON.stringify(f.events(publisher.channel).at(-1))}`).join('; '),
  });
}

// ---------------------------------------------------------------------------------------------------------
// Cluster helpers

async function readyz(node) {
  try {
    return (await request(node.base, 'GET', '/readyz', { timeout: 2000 })).status;
  } catch {
    return 0;
  }
}

/** The running masters of `cluster` (RedisServer each), asked with ROLE. */
async function masters(cluster) {
  const found = [];
  for (const node of cluster.nodes.filter((n) => n.child)) {
    if ((await node.command('ROLE'))[0] === 'master') found.push(node);
  }
  return found;
}

/** The running replica of `master`, or undefined. */
async function replicaOf(cluster, master) {
  for (const node of cluster.nodes.filter((n) => n.child && n !== master)) {
    const role = await node.command('ROLE');
    if (role[0] === 'slave' && Number(role[2]) === master.port) return node;
  }
  return undefined;
}

/**
 * Waits until the failover of the killed `master` is over: every running node reports cluster_state:ok
 * and serves none of its slots any more (CLUSTER SLOTS).
 */
async function waitFailover(cluster, master, timeout = 20_000) {
  await waitFor(
    async () => {
      for (const node of cluster.nodes.filter((n) => n.child)) {
        if (!/cluster_state:ok/.test(await node.command('CLUSTER', 'INFO'))) return false;
        const slots = await node.command('CLUSTER', 'SLOTS');
        if (slots.some((range) => Number(range[2][1]) === master.port)) return false;
      }
      return true;
    },
    { timeout, interval: 50, label: `the failover of :${master.port}` },
  );
}

/**
 * Channels (made with `prefix`) until every master serves at least `perMaster` of them, at least `count`
 * in all. Returns {channels, byMaster: Map port → channels}.
 */
async function channelsOnEveryMaster(cluster, { count, perMaster, prefix }) {
  const allMasters = await masters(cluster);
  const byMaster = new Map(allMasters.map((m) => [m.port, []]));
  const channels = [];
  while (channels.length < count || [...byMaster.values()].some((list) => list.length < perMaster)) {
    const channel = uniqueChannel(prefix);
    channels.push(channel);
    byMaster.get((await cluster.nodeForKey(metaKey(channel))).port).push(channel);
    assert.ok(channels.length < 200, 'channels keep landing on the same masters');
  }
  return { channels, byMaster };
}

/**
 * Moves `slot` from master `from` to master `to` as redis-cli --cluster reshard does: IMPORTING on the
 * target, MIGRATING on the source, MIGRATE of its keys in batches, then SETSLOT NODE on every master (the
 * target first). `between()` runs after each step, so that traffic meets every state of the slot.
 */
async function migrateSlot(cluster, slot, from, to, between = async () => {}) {
  const fromId = await from.command('CLUSTER', 'MYID');
  const toId = await to.command('CLUSTER', 'MYID');
  await to.command('CLUSTER', 'SETSLOT', slot, 'IMPORTING', fromId);
  await from.command('CLUSTER', 'SETSLOT', slot, 'MIGRATING', toId);
  await between('migrating');
  let moved = 0;
  for (;;) {
    const keys = await from.command('CLUSTER', 'GETKEYSINSLOT', slot, 50);
    if (keys.length === 0) break;
    await from.command('MIGRATE', '127.0.0.1', to.port, '', 0, 5000, 'KEYS', ...keys);
    moved += keys.length;
    if (moved === keys.length) await between('first keys moved');
  }
  await between('keys moved');
  const others = (await masters(cluster)).filter((m) => m !== from && m !== to);
  for (const node of [to, from, ...others]) await node.command('CLUSTER', 'SETSLOT', slot, 'NODE', toId);
  return moved;
}

// ---------------------------------------------------------------------------------------------------------

describe('Redis Cluster of three masters', { skip: redisSkip() }, () => {
  let cluster;
  let nodes = [];
  before(async () => {
    cluster = await new RedisCluster({ masters: 3, nodeTimeout: 1000 }).start();
    nodes = await startHeraldNodes(2, { cluster: cluster.seeds, prefix: PREFIX });
  });
  after(async () => {
    await stopAll(nodes, [cluster]);
  });

  test('channels on every master: published on one node, delivered on the other in order and once; history and resume on either', { timeout: 60_000 }, async () => {
    const [a, b] = nodes;
    const { channels, byMaster } = await channelsOnEveryMaster(cluster, { count: 30, perMaster: 3, prefix: 'spread' });
    for (const [port, list] of byMaster) assert.ok(list.length >= 3, `master :${port} serves ${list.length} channels`);
    for (const node of nodes) assert.equal(await readyz(node), 200, `${node.base} /readyz`);

    // Reaching every master may take more than 30 channels: each SSE stream carries at most
    // SSE_MAX_CHANNELS of them (sse.max_channels), the WebSocket all of them.
    const streams = Math.ceil(channels.length / SSE_MAX_CHANNELS);
    const perStream = Math.ceil(channels.length / streams);
    const sseFollowers = [];
    for (let i = 0; i < channels.length; i += perStream) sseFollowers.push(await followSse(b, channels.slice(i, i + perStream)));
    const wsFollower = await followWs(b, channels);
    const followers = [...sseFollowers, wsFollower];
    const followerOf = (channel) => [sseFollowers[Math.floor(channels.indexOf(channel) / perStream)], wsFollower];

    const rounds = 5;
    const published = new Map(channels.map((c) => [c, []])); // channel → cursors, in order
    for (let round = 1; round <= rounds; round += 1) {
      const results = await publishBatch(a.base, channels.map((channel) => ({ channel, data: { round } })));
      results.forEach((r, i) => published.get(channels[i]).push(r.cursor));
    }
    for (const channel of channels) {
      const offsets = published.get(channel).map((c) => parseCursor(c).offset);
      assert.deepEqual(offsets, [1, 2, 3, 4, 5], `${channel}: offsets of its publishes`);
    }
    // One more round: once it is delivered everywhere, anything delivered twice before it would show.
    const last = await publishBatch(a.base, channels.map((channel) => ({ channel, data: { round: rounds + 1 } })));
    await waitFor(() => channels.every((c, i) => followerOf(c).every((f) => hasDelivered(f, c, last[i].cursor))), {
      timeout: 15_000,
      label: 'the last round delivered on node B',
    });
    for (const channel of channels) {
      for (const follower of followerOf(channel)) {
        const { messages, gaps } = walk(follower, channel);
        assert.deepEqual(gaps, [], `${follower.label}, ${channel}: gaps`);
        assert.deepEqual(messages.map((m) => m.data.round), [1, 2, 3, 4, 5, 6], `${follower.label}, ${channel}: messages`);
      }
    }
    for (const f of followers) await f.close();

    // History on both nodes; resuming after the second message over history, SSE and WebSocket.
    for (const channel of channels.filter((_, i) => i % 5 === 0)) {
      for (const node of nodes) {
        const all = await historyOk(node.base, channel);
        assert.deepEqual(all.messages.map((m) => m.data.round), [1, 2, 3, 4, 5, 6], `history of ${channel} on ${node.base}`);
      }
      const second = published.get(channel)[1];
      const after2 = await historyOk(b.base, channel, { since: second });
      assert.deepEqual(after2.messages.map((m) => m.data.round), [3, 4, 5, 6], `history since ${second} on B`);
      assert.equal(after2.gap, null);

      const sse = await openSseReady(a.base, ssePath(channel, { since: second }));
      await sse.waitMessages(4);
      assert.deepEqual(sse.envelopes().map((m) => m.env.data.round), [3, 4, 5, 6], `SSE resumed from ${second} on A`);
      assert.deepEqual(sse.gaps(), []);
      sse.close();

      const ws = await wsConnect(a.base);
      const reply = await ws.subscribe(channel, second);
      assert.equal(reply.recovered, true, `WebSocket resume from ${second}: ${JSON.stringify(reply)}`);
      const pushed = await ws.waitMessages(channel, 4);
      assert.deepEqual(pushed.map((m) => m.data.round), [3, 4, 5, 6], `WebSocket resumed from ${second} on A`);
      await ws.closeAndWait();
    }
    for (const node of nodes) assert.equal(await readyz(node), 200, `${node.base} /readyz at the end`);
  });

  test('a busy channel\'s slot moves to another master under load: every message arrives once and in order', { timeout: 60_000 }, async (t) => {
    const [a, b] = nodes;
    const channel = uniqueChannel('moving');
    const slot = await cluster.nodes[0].command('CLUSTER', 'KEYSLOT', metaKey(channel));
    const from = await cluster.nodeForKey(metaKey(channel));
    const to = (await masters(cluster)).find((m) => m !== from);

    const followers = [await followSse(a, [channel]), await followWs(a, [channel]), await followSse(b, [channel]), await followWs(b, [channel])];
    const publisher = new Publisher(nodes, channel).start();
    t.after(async () => {
      publisher.abort();
      for (const follower of followers) await follower.close();
    });
    await publisher.waitAccepted(50);
    const beforeMove = publisher.accepted.length;
    const t0 = Date.now();
    // Each state of the slot meets publishes before the next step: Redis refuses them (TRYAGAIN) as long
    // as some of the channel's keys (its idempotency key, at least) are not where the command runs.
    const tryAgains = async () => {
      let count = 0;
      for (const node of [from, to]) count += Number(/errorstat_TRYAGAIN:count=(\d+)/.exec(await node.command('INFO', 'errorstats'))?.[1] ?? 0);
      return count;
    };
    const meetPublishes = async () => {
      const seen = await tryAgains();
      await waitFor(async () => (await tryAgains()) >= seen + 2, { label: 'publishes refused with TRYAGAIN' });
    };
    const moved = await migrateSlot(cluster, slot, from, to, meetPublishes);
    const migration = Date.now() - t0;
    assert.equal((await cluster.nodeForKey(metaKey(channel))).port, to.port, 'the slot is served by the target now');
    const afterMove = publisher.accepted.length;
    await publisher.waitAccepted(afterMove + 50);
    await publisher.stop();

    await waitAllDelivered(followers, publisher);
    assert.deepEqual(publisher.refusalKinds(), [], 'publishers see nothing of the move');
    const stored = await storedMessages(b, channel, parseCursor(publisher.accepted[0].cursor).epoch);
    assert.equal(stored.size, publisher.accepted.length, 'history holds every accepted message');
    for (const follower of followers) {
      assert.equal(assertDelivery(follower, publisher, stored), 0);
      assert.ok(follower.connected(), `${follower.label} is still connected`);
      assert.deepEqual(walk(follower, channel).gaps, [], `${follower.label}: no gap`);
    }
    console.log(`# slot ${slot} :${from.port} → :${to.port}: ${moved} keys in ${migration} ms; ${publisher.accepted.length} accepted ` +
      `(${beforeMove} before, ${afterMove - beforeMove} during), ${publisher.refusals.length} refused attempts, longest pause ` +
      `${publisher.longestPause()} ms: ${publisher.refusalKinds().join(' | ')}`);
  });
});

describe('Redis Cluster of three masters with a replica each', { skip: redisSkip() }, () => {
  let cluster;
  let nodes = [];
  before(async () => {
    cluster = await new RedisCluster({ masters: 3, replicas: 1, nodeTimeout: 1000 }).start();
    nodes = await startHeraldNodes(2, { cluster: cluster.seeds, prefix: PREFIX });
  });
  after(async () => {
    await stopAll(nodes, [cluster]);
  });

  test('the master of a followed channel is killed: its replica takes over, publishing resumes, nothing is lost silently', { timeout: 60_000 }, async (t) => {
    const [a, b] = nodes;
    const channel = uniqueChannel('failover');
    const master = await cluster.nodeForKey(metaKey(channel));
    const followers = [await followSse(a, [channel]), await followWs(a, [channel]), await followSse(b, [channel]), await followWs(b, [channel])];
    const publisher = new Publisher(nodes, channel).start();
    // A channel of another master, to see what its publishers notice of the failover.
    let bystanderChannel;
    do bystanderChannel = uniqueChannel('bystander');
    while ((await cluster.nodeForKey(metaKey(bystanderChannel))) === master);
    const bystander = new Publisher(nodes, bystanderChannel).start();
    t.after(async () => {
      publisher.abort();
      bystander.abort();
      for (const follower of followers) await follower.close();
    });
    await publisher.waitAccepted(40);

    const readiness = nodes.map(() => new Set());
    let watching = true;
    const watchReadiness = (async () => {
      while (watching) {
        for (const [i, node] of nodes.entries()) readiness[i].add(await readyz(node));
        await sleep(100);
      }
    })();

    const killedAt = Date.now();
    await master.kill();
    await waitFailover(cluster, master);
    const healthyAt = Date.now();
    const resumed = await waitFor(() => publisher.firstAcceptedAfter(healthyAt), { timeout: 15_000, label: 'a publish accepted after the failover' });
    const firstRefusal = publisher.refusals.find((r) => r.at >= killedAt);
    const afterFailover = publisher.accepted.length;
    await publisher.waitAccepted(afterFailover + 40);
    await publisher.stop();
    await bystander.stop();
    watching = false;
    await watchReadiness;

    const firstAfterKill = publisher.firstAcceptedAfter(killedAt);
    const unavailable = firstAfterKill.at - killedAt;
    assert.ok(unavailable < 15_000, `publishing was unavailable for ${unavailable} ms`);
    assert.ok(resumed.at - healthyAt < 1500, `herald followed the promotion after ${resumed.at - healthyAt} ms`);
    // The other masters refuse commands too (CLUSTERDOWN) from the master's failure to the promotion:
    // herald sends them again within the command timeout, so their publishers see a delay only.
    assert.deepEqual(bystander.refusalKinds(), [], 'publishes to a channel of another master');
    for (const node of nodes) assert.equal(await readyz(node), 200, `${node.base} /readyz after the failover`);
    readiness.forEach((seen, i) => assert.ok(seen.has(503), `${nodes[i].base} /readyz answered 503 during the failover: ${[...seen]}`));

    await waitAllDelivered(followers, publisher);
    const stored = await storedMessages(b, channel, parseCursor(publisher.accepted[0].cursor).epoch);
    const lost = [];
    for (const follower of followers) {
      assert.ok(follower.connected(), `${follower.label} is still connected`);
      lost.push(assertDelivery(follower, publisher, stored, { lossAllowedBefore: killedAt }));
    }
    console.log(`# failover of :${master.port}: replica promoted ${healthyAt - killedAt} ms after kill -9, ` +
      `publishing unavailable ${unavailable} ms (first refusal ${firstRefusal ? firstRefusal.at - killedAt : '-'} ms after the kill, ` +
      `first accepted ${resumed.at - healthyAt} ms after the promotion); ${publisher.accepted.length} accepted, ` +
      `${publisher.refusals.length} refused attempts, ${publisher.accepted.filter((x) => x.duplicate).length} duplicates; ` +
      `accepted messages lost by Redis per subscriber: ${lost.join(',')}; gaps: ${followers.map((f) => walk(f, channel).gaps.length).join(',')}; ` +
      `refusals: ${publisher.refusalKinds().join(' | ')}; a channel of another master: longest pause ${bystander.longestPause()} ms, ` +
      `refusals: ${bystander.refusalKinds().join(' | ') || 'none'}`);
  });

  // The promoted replica lacks the last messages (offsets L+1..N) that subscribers already got, and
  // publishing goes on from L+1, giving new messages the lost offsets. The feeds notice (another message at
  // their offset, or a check after the reconnect) and the channel starts again under a new epoch.
  test('a failover that loses the last writes: subscribers that saw them get a gap, and every later message', {
    timeout: 60_000,
  }, async (t) => {
    const [a, b] = nodes;
    let channel;
    let master;
    let replica;
    do {
      channel = uniqueChannel('lost');
      master = await cluster.nodeForKey(metaKey(channel));
      replica = await replicaOf(cluster, master);
    } while (!replica); // the master promoted in the test before has no replica
    const followers = [await followSse(a, [channel]), await followWs(a, [channel]), await followSse(b, [channel]), await followWs(b, [channel])];
    const publisher = new Publisher(nodes, channel).start();
    t.after(async () => {
      publisher.abort();
      if (replica.child) replica.thaw();
      for (const follower of followers) await follower.close();
    });
    await publisher.waitAccepted(20);

    // The replica stops hearing from its master: what the master accepts from now on only it has.
    replica.freeze();
    await master.command('CLIENT', 'KILL', 'TYPE', 'replica');
    const unreplicated = publisher.accepted.length;
    await publisher.waitAccepted(unreplicated + 3);
    await waitAllDelivered(followers, publisher);
    const killedAt = Date.now();
    await master.kill();
    replica.thaw();
    await waitFailover(cluster, master);
    await waitFor(() => publisher.firstAcceptedAfter(killedAt), { timeout: 15_000, label: 'a publish accepted after the failover' });
    await publisher.waitAccepted(publisher.accepted.length + 30);
    await publisher.stop();

    await waitAllDelivered(followers, publisher);
    // The feeds saw another message at the offset they had delivered (or the channel behind them): the
    // channel started again under a new epoch, so the messages Redis lost, and those that took their
    // offsets, are reported as a gap, and everything published in the new epoch arrives.
    const firstEpoch = parseCursor(publisher.accepted[0].cursor).epoch;
    const lastEpoch = parseCursor(publisher.accepted.at(-1).cursor).epoch;
    assert.notEqual(lastEpoch, firstEpoch, 'the channel started again under a new epoch');
    const stored = await storedMessages(b, channel, lastEpoch);
    const problems = [];
    for (const follower of followers) {
      try {
        assert.ok(follower.connected(), `${follower.label} is still connected`);
        const { messages, gaps } = walk(follower, channel);
        assert.ok(gaps.length > 0, `${follower.label} was told about the lost messages`);
        const delivered = new Set(messages.map((m) => `${m.cursor}#${m.data.seq}`));
        for (const a of publisher.accepted) {
          if (parseCursor(a.cursor).epoch !== lastEpoch) continue;
          assert.ok(delivered.has(`${a.cursor}#${a.seq}`), `${follower.label}: seq ${a.seq} of the new epoch (${a.cursor}) was not delivered`);
          assert.equal(stored.get(a.cursor), a.seq);
        }
        const accepted = new Set(publisher.accepted.map((a) => `${a.cursor}#${a.seq}`));
        for (const m of messages) {
          if (m.time >= killedAt) assert.ok(accepted.has(`${m.cursor}#${m.data.seq}`), `${follower.label}: delivered ${m.cursor} seq ${m.data.seq}, never accepted there`);
        }
      } catch (err) {
        problems.push(err.message);
      }
    }
    const lostCursor = publisher.accepted.filter((a) => parseCursor(a.cursor).epoch === firstEpoch).at(-1).cursor;
    const resumed = await openSseReady(b.base, ssePath(channel, { since: lostCursor }));
    const first = await resumed.waitFor((st) => st.blocks.find((block) => block.data !== undefined), { label: 'the first event after resuming' });
    resumed.close();
    if (first.event !== 'gap') problems.push(`SSE resumed from ${lostCursor} of the old epoch on ${b.base}: no gap, first event ${first.data}`);
    assert.deepEqual(problems, []);
  });
});
