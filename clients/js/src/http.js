// Addresses of herald's endpoints and the JSON requests the client makes over HTTP.
import { errorFromResponse, HeraldError } from './errors.js';

/** The server's base URL (`http(s)://host[:port][/prefix]`) from what the application gave. */
export function normalizeBaseUrl(url) {
  const fallback = globalThis.location?.origin; // '' is the page's origin, '/prefix' a path on it
  let parsed;
  try {
    parsed = new URL(url ?? '', fallback);
  } catch {
    throw new TypeError(`herald: ${JSON.stringify(url)} is not a URL (give e.g. "https://herald.example.com")`);
  }
  if (parsed.protocol === 'ws:') parsed.protocol = 'http:';
  if (parsed.protocol === 'wss:') parsed.protocol = 'https:';
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`herald: the URL must be http(s) or ws(s), not ${parsed.protocol}`);
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

/** `base + path` with query parameters; array values repeat the parameter. Null values are left out. */
export function endpoint(base, path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) query.append(key, String(item));
  }
  const text = query.toString();
  return `${base}${path}${text ? `?${text}` : ''}`;
}

/** The WebSocket address of the base URL. */
export function websocketEndpoint(base, params = {}) {
  return endpoint(base.replace(/^http/, 'ws'), '/api/ws', params);
}

/** GET returning the JSON body; an HTTP error rejects with a HeraldError carrying code and status. */
export async function getJSON(fetchImpl, url, { signal, headers } = {}) {
  const response = await fetchImpl(url, { signal, headers, cache: 'no-store' });
  if (!response.ok) throw await errorFromResponse(response);
  return response.json();
}

/** POST of a JSON body, returning the JSON answer. */
export async function postJSON(fetchImpl, url, body, { headers = {}, signal } = {}) {
  const response = await fetchImpl(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal,
  });
  if (!response.ok) throw await errorFromResponse(response);
  return response.json();
}

/** Whether herald answers plain HTTP at `base` (any answer counts; only a network failure does not). */
export async function serverAnswers(fetchImpl, base, timeoutMs = 3000) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    await fetchImpl(`${base}/healthz`, { mode: 'no-cors', cache: 'no-store', signal: controller.signal });
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** A HeraldError for a failure of the network (no HTTP answer). */
export function networkError(err) {
  if (err instanceof HeraldError) return err;
  return new HeraldError('network_error', `herald: ${err?.message ?? err}`);
}
