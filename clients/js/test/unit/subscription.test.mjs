// Cursor bookkeeping, de-duplication, ordering and gap handling of one subscription.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Subscription } from '../../src/subscription.js';
import { formatCursor, isChannelName, parseCursor } from '../../src/cursor.js';

const msg = (epoch, offset, data = offset) => ({ channel: 'c', epoch, offset, cursor: `${epoch}:${offset}`, time: 1, event: 'message', data });

function recorder(since = null) {
  const events = [];
  const cursors = [];
  const sub = new Subscription('c', {
    since,
    onMessage: (m) => events.push(`m${m.epoch}:${m.offset}`),
    onGap: (g) => events.push(`gap ${g.requested} -> ${g.continue_from}`),
    onCursor: (c) => cursors.push(c),
  });
  return { sub, events, cursors };
}

test('cursors parse and format', () => {
  assert.deepEqual(parseCursor('k3j9x0aa:7'), { epoch: 'k3j9x0aa', offset: 7 });
  assert.deepEqual(parseCursor('a:b:0'), { epoch: 'a:b', offset: 0 });
  for (const bad of [null, '', 'k3j9x0aa', ':7', 'k3j9x0aa:', 'k3j9x0aa:-1', 'k3j9x0aa:1.5', 'x:12345678901234567']) {
    assert.equal(parseCursor(bad), null, String(bad));
  }
  assert.equal(formatCursor('e', 3), 'e:3');
  assert.ok(isChannelName('chat.lobby:a@b=c-d_e'));
  assert.ok(!isChannelName('bad name') && !isChannelName('') && !isChannelName('x'.repeat(256)) && !isChannelName(7));
});

test('in-order messages are delivered and move the cursor', () => {
  const { sub, events, cursors } = recorder('e:0');
  assert.equal(sub.receive(msg('e', 1)), 'delivered');
  assert.equal(sub.receive(msg('e', 2)), 'delivered');
  assert.deepEqual(events, ['me:1', 'me:2']);
  assert.equal(sub.cursor, 'e:2');
  assert.deepEqual(cursors, ['e:1', 'e:2']);
});

test('repeated offsets are dropped (a resume that overlaps what was seen)', () => {
  const { sub, events } = recorder('e:0');
  for (const n of [1, 2, 3]) sub.receive(msg('e', n));
  assert.equal(sub.receive(msg('e', 2)), 'duplicate');
  assert.equal(sub.receive(msg('e', 3)), 'duplicate');
  assert.equal(sub.receive(msg('e', 4)), 'delivered');
  assert.deepEqual(events, ['me:1', 'me:2', 'me:3', 'me:4']);
});

test('a hole in the offsets is reported as a gap before the message, never skipped silently', () => {
  const { sub, events } = recorder('e:3');
  sub.receive(msg('e', 6));
  assert.deepEqual(events, ['gap e:3 -> e:5', 'me:6']);
  assert.equal(sub.cursor, 'e:6');
});

test('a new epoch without a gap from the server still produces a gap', () => {
  const { sub, events } = recorder('old:9');
  sub.receive(msg('new', 1));
  assert.deepEqual(events, ['gap old:9 -> new:0', 'mnew:1']);
});

test('a server gap moves the cursor to continue_from; the messages after it follow', () => {
  const { sub, events } = recorder('old:9');
  assert.equal(sub.gap({ channel: 'c', requested: 'old:9', continue_from: 'new:0' }), true);
  sub.receive(msg('new', 1));
  assert.deepEqual(events, ['gap old:9 -> new:0', 'mnew:1']);
  assert.equal(sub.cursor, 'new:1');
});

test('a gap repeated for a cursor already passed is dropped', () => {
  const { sub, events } = recorder('old:9');
  sub.gap({ channel: 'c', requested: 'old:9', continue_from: 'new:0' });
  sub.receive(msg('new', 1));
  assert.equal(sub.gap({ channel: 'c', requested: 'old:9', continue_from: 'new:0' }), false);
  assert.deepEqual(events, ['gap old:9 -> new:0', 'mnew:1']);
});

test('a gap with an unparsable continue_from is ignored', () => {
  const { sub, events } = recorder('e:1');
  assert.equal(sub.gap({ channel: 'c', requested: 'e:1', continue_from: 'nonsense' }), false);
  assert.deepEqual(events, []);
});

test('without a cursor the first message is taken as it is; startAt sets only a missing cursor', () => {
  const { sub, events } = recorder(null);
  sub.startAt('e:4');
  assert.equal(sub.cursor, 'e:4');
  sub.startAt('e:9'); // the server's later word does not move a known cursor
  assert.equal(sub.cursor, 'e:4');
  sub.receive(msg('e', 5));
  assert.deepEqual(events, ['me:5']);
  const fresh = recorder(null);
  fresh.sub.receive(msg('e', 12));
  assert.deepEqual(fresh.events, ['me:12']);
});

test('after unsubscribe nothing is delivered', () => {
  let removed = null;
  const events = [];
  const sub = new Subscription('c', { since: 'e:0', onMessage: (m) => events.push(m.offset), onUnsubscribe: (s) => (removed = s) });
  sub.unsubscribe();
  assert.equal(removed, sub);
  assert.equal(sub.receive(msg('e', 1)), 'inactive');
  assert.equal(sub.gap({ channel: 'c', requested: 'e:0', continue_from: 'f:0' }), false);
  assert.deepEqual(events, []);
});

test('a throwing handler is reported and does not stop delivery or the cursor', () => {
  const errors = [];
  const sub = new Subscription('c', {
    since: 'e:0',
    onMessage: (m) => {
      if (m.offset === 1) throw new Error('app bug');
    },
    onHandlerError: (err) => errors.push(err.message),
  });
  sub.receive(msg('e', 1));
  sub.receive(msg('e', 2));
  assert.deepEqual(errors, ['app bug']);
  assert.equal(sub.cursor, 'e:2');
});
