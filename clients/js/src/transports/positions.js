// Gives every subscription without a cursor its channel's current position (`GET /api/history`), so
// that a stream or poll started afterwards resumes from an explicit cursor and misses nothing.
import { endpoint, getJSON } from '../http.js';

export async function fetchMissingCursors(ctx, subs, { signal, token }) {
  const missing = subs.filter((sub) => sub.cursor === null);
  await Promise.all(
    missing.map(async (sub) => {
      const url = endpoint(ctx.base, '/api/history', { channel: sub.channel, limit: 1, token });
      const answer = await getJSON(ctx.fetch, url, { signal });
      sub.startAt(answer.cursor);
    }),
  );
}
