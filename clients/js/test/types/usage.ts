// Compiles only if dist/herald.d.ts describes the API the README shows (npm run typecheck).
import { Herald, HeraldError, type Envelope, type Gap, type PresenceEvent, type StateChange } from '../../dist/herald.js';

const herald = new Herald('https://herald.example.com', { token: async () => 'jwt', transports: ['sse', 'longpoll'] });
const off: () => void = herald.on('state', (change: StateChange) => console.log(change.state, change.reason, change.transport));
herald.on('error', (err: HeraldError) => console.log(err.code));
const sub = herald.subscribe<{ title: string }>('news', {
  since: 'k3j9x0aa:7',
  onMessage: (m: Envelope<{ title: string }>) => console.log(m.data.title, m.cursor, m.offset),
  onGap: (gap: Gap) => console.log(gap.continue_from),
});
const cursor: string | null = sub.cursor;
sub.unsubscribe();
void herald.publish('news', { title: 'hi' }, { event: 'update', idempotencyKey: 'k1' }).then((r) => r.offset + 1);
void herald.history('news', { since: cursor ?? undefined, limit: 10 }).then((h) => h.messages.length);
const room = herald.subscribe('chat.lobby', {
  info: { name: 'Ada' },
  onPresence: (e: PresenceEvent) => console.log(e.type === 'sync' ? e.clients.length : e.client.id),
});
void herald.presence('chat.lobby').then((p) => p.clients.map((c) => c.info) && p.you);
room.unsubscribe();
herald.close();
off();
// @ts-expect-error: an unknown transport name is rejected
new Herald('https://x', { transports: ['carrier-pigeon'] });
