// Compiles only if dist/herald.d.ts describes the API the README shows (npm run typecheck).
import { Herald, HeraldError, type Envelope, type Gap, type StateChange } from '../../dist/herald.js';

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
herald.close();
off();
// @ts-expect-error: an unknown transport name is rejected
new Herald('https://x', { transports: ['carrier-pigeon'] });
