// Connection tokens on every transport: JWTs minted here with Node's crypto (not herald's code) and with
// `herald token`, checked by SSE, long polling, history, publish and WebSocket; forged, expired, not yet
// valid, wrong-audience, wrong-algorithm, alg none and truncated tokens refused; namespaces; refresh; expiry.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { test, describe, before, after } from './lib/harness.mjs';
import { startServer, HERALD_BIN } from './lib/server.mjs';
import { request, publish } from './lib/http.mjs';
import { openSse, openSseReady, ssePath } from './lib/sse.mjs';
import { collectEventSource } from './lib/eventsource.mjs';
import { wsConnect } from './lib/ws-client.mjs';
import { uniqueChannel, waitFor } from './lib/util.mjs';

const SECRET = 'integration-secret';
const b64url = (data) => Buffer.from(data).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** A compact JWS made with Node's crypto: HS256 with `secret`, or RS256/ES256 with a private KeyObject. */
function mint(claims, { alg = 'HS256', secret = SECRET, key, kid, header = {} } = {}) {
  const head = b64url(JSON.stringify({ alg, typ: 'JWT', ...(kid ? { kid } : {}), ...header }));
  const body = b64url(JSON.stringify(claims));
  const input = `${head}.${body}`;
  let signature;
  if (alg === 'HS256') signature = crypto.createHmac('sha256', secret).update(input).digest();
  else if (alg === 'RS256') signature = crypto.sign('sha256', Buffer.from(input), key);
  else if (alg === 'ES256') signature = crypto.sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  else signature = Buffer.alloc(0);
  return `${input}.${b64url(signature)}`;
}

const chatToken = (extra = {}) => mint({ sub: 'alice', channels: ['chat:*'], exp: now() + 600, ...extra });
const bearer = (token) => ({ Authorization: `Bearer ${token}` });

async function errorCode(res) {
  return res.json().error.code;
}

describe('connection tokens', () => {
  let srv;
  let dir;
  let rsa;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-auth-'));
    rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    fs.writeFileSync(path.join(dir, 'rsa-2026.pem'), rsa.publicKey.export({ type: 'spki', format: 'pem' }));
    const config = path.join(dir, 'herald.toml');
    fs.writeFileSync(
      config,
      [
        '[auth]',
        `hmac_secret = "${SECRET}"`,
        `public_key = ["${path.join(dir, 'rsa-2026.pem')}"]`,
        'audience = "herald-tests"',
        'leeway = 0',
        '',
        '[publish]',
        'api_key = "backend-key"',
        '',
        '[[namespace]]',
        'prefix = "public:"',
        'anonymous_subscribe = true',
        '',
        '[[namespace]]',
        'prefix = "room:"',
        'client_publish = true',
      ].join('\n'),
    );
    srv = await startServer({ args: ['--config', config] });
  });
  after(async () => {
    await srv?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const aud = { aud: 'herald-tests' };

  test('SSE without a token gets 401 token_required with a Bearer challenge', async () => {
    const s = await openSse(srv.base, ssePath('chat:a'));
    await s.done;
    assert.equal(s.status, 401);
    assert.equal(JSON.parse(s.raw).error.code, 'token_required');
    assert.match(s.headers['www-authenticate'], /^Bearer realm="herald"/);
  });

  test('a valid token streams its channels over SSE, from the header, ?token= and the cookie', async () => {
    const channel = `chat:${uniqueChannel()}`;
    const token = chatToken(aud);
    const viaHeader = await openSseReady(srv.base, ssePath(channel), { headers: bearer(token) });
    const viaQuery = await openSseReady(srv.base, ssePath(channel, { token }));
    const viaCookie = await openSseReady(srv.base, ssePath(channel), { headers: { Cookie: `theme=dark; herald_token=${token}` } });
    await publish(srv.base, channel, { n: 1 }, { headers: bearer('backend-key') });
    for (const s of [viaHeader, viaQuery, viaCookie]) {
      await s.waitFor((x) => x.eventsOf('message').length === 1, { label: 'message' });
      s.close();
    }
  });

  test('the eventsource package follows a channel with ?token=', async () => {
    const channel = `chat:${uniqueChannel()}`;
    const es = collectEventSource(`${srv.base}${ssePath(channel, { token: chatToken(aud) })}`);
    try {
      await waitFor(() => es.state.opens === 1, { label: 'EventSource open' });
      await publish(srv.base, channel, 'hello', { headers: bearer('backend-key') });
      await es.waitFor((st) => st.messages.length === 1);
      assert.equal(es.state.messages[0].env.data, 'hello');
    } finally {
      es.close();
    }
  });

  test('a token for chat:* may not subscribe to admin.x (403), on SSE, long polling and history', async () => {
    const token = chatToken(aud);
    const s = await openSse(srv.base, ssePath('admin.x'), { headers: bearer(token) });
    await s.done;
    assert.equal(s.status, 403);
    assert.equal(JSON.parse(s.raw).error.code, 'forbidden_channel');
    const lp = await request(srv.base, 'GET', '/api/lp?channel=admin.x&timeout=0', { headers: bearer(token) });
    assert.equal(lp.status, 403);
    const history = await request(srv.base, 'GET', '/api/history?channel=admin.x', { headers: bearer(token) });
    assert.equal(history.status, 403);
    assert.equal(await errorCode(history), 'forbidden_channel');
    const allowed = await request(srv.base, 'GET', '/api/history?channel=chat:x', { headers: bearer(token) });
    assert.equal(allowed.status, 200, allowed.text);
  });

  test('forged, expired, not yet valid, wrong audience, wrong algorithm, alg none and truncated tokens get 401', async () => {
    const good = chatToken(aud);
    const cases = {
      forged: mint({ channels: ['chat:*'], ...aud }, { secret: 'not-the-secret' }),
      expired: chatToken({ ...aud, exp: now() - 5 }),
      'not yet valid': chatToken({ ...aud, nbf: now() + 600 }),
      'wrong audience': chatToken({ aud: 'someone-else' }),
      'no audience': chatToken(),
      'wrong algorithm': mint({ channels: ['chat:*'], ...aud }, { alg: 'HS512' }),
      'alg none': `${b64url(JSON.stringify({ alg: 'none' }))}.${b64url(JSON.stringify({ channels: ['chat:*'], ...aud }))}.`,
      truncated: good.slice(0, good.length - 5),
      'public key as HMAC secret': mint({ channels: ['chat:*'], ...aud }, {
        secret: rsa.publicKey.export({ type: 'spki', format: 'pem' }),
      }),
      garbage: 'not-a-token',
    };
    for (const [name, token] of Object.entries(cases)) {
      const expected = name === 'expired' ? 'token_expired' : 'invalid_token';
      const history = await request(srv.base, 'GET', '/api/history?channel=chat:x', { headers: bearer(token) });
      assert.equal(history.status, 401, `${name}: ${history.text}`);
      assert.equal(await errorCode(history), expected, name);
      assert.match(history.headers['www-authenticate'], /error="invalid_token"/, name);
      const lp = await request(srv.base, 'GET', `/api/lp?channel=chat:x&timeout=0&token=${encodeURIComponent(token)}`);
      assert.equal(lp.status, 401, `${name} (long poll)`);
      const s = await openSse(srv.base, ssePath('chat:x', { token }));
      await s.done;
      assert.equal(s.status, 401, `${name} (SSE)`);
      const ws = await wsConnect(srv.base, { path: `/api/ws?token=${encodeURIComponent(token)}` });
      const closed = await ws.waitClose();
      assert.equal(closed.code, 4001, `${name} (WebSocket)`);
      assert.match(closed.reason, new RegExp(`^${expected}: `), name);
    }
  });

  test('RS256 tokens verify with the configured public key, found by kid', async () => {
    const token = mint({ channels: ['chat:*'], exp: now() + 60, ...aud }, { alg: 'RS256', key: rsa.privateKey, kid: 'rsa-2026' });
    const res = await request(srv.base, 'GET', '/api/history?channel=chat:rs', { headers: bearer(token) });
    assert.equal(res.status, 200, res.text);
    const unknownKid = mint({ channels: ['chat:*'], ...aud }, { alg: 'RS256', key: rsa.privateKey, kid: 'rsa-2025' });
    const refused = await request(srv.base, 'GET', '/api/history?channel=chat:rs', { headers: bearer(unknownKid) });
    assert.equal(refused.status, 401);
    const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const wrongKey = mint({ channels: ['chat:*'], ...aud }, { alg: 'RS256', key: other.privateKey });
    assert.equal((await request(srv.base, 'GET', '/api/history?channel=chat:rs', { headers: bearer(wrongKey) })).status, 401);
  });

  test('a namespace with anonymous_subscribe needs no token', async () => {
    const res = await request(srv.base, 'GET', '/api/history?channel=public:news');
    assert.equal(res.status, 200, res.text);
    const s = await openSseReady(srv.base, ssePath('public:news'));
    s.close();
  });

  test('WebSocket: anonymous clients are told a token is required, the connection stays', async () => {
    const ws = await wsConnect(srv.base);
    try {
      const reply = await ws.command({ id: 1, op: 'subscribe', channel: 'chat:a' });
      assert.equal(reply.ok, false);
      assert.equal(reply.error.code, 'token_required');
      const pub = await ws.command({ id: 2, op: 'subscribe', channel: 'public:a' });
      assert.equal(pub.ok, true, JSON.stringify(pub));
      const room = await ws.command({ id: 3, op: 'publish', channel: 'room:1', data: 1 });
      assert.equal(room.error.code, 'token_required');
    } finally {
      ws.terminate();
    }
  });

  test('WebSocket: a token subscribes where it may, is refused elsewhere, publishes only with a publish claim', async () => {
    const channel = `chat:${uniqueChannel()}`;
    const ws = await wsConnect(srv.base, { path: `/api/ws?token=${chatToken(aud)}` });
    try {
      assert.equal((await ws.command({ id: 1, op: 'subscribe', channel })).ok, true);
      const refused = await ws.command({ id: 2, op: 'subscribe', channel: 'admin.x' });
      assert.equal(refused.error.code, 'forbidden_channel');
      const noPublish = await ws.command({ id: 3, op: 'publish', channel, data: 1 });
      assert.equal(noPublish.error.code, 'forbidden');
      assert.equal((await ws.command({ id: 4, op: 'publish', channel: 'room:1', data: 1 })).error.code, 'forbidden');
      assert.ok(ws.open, 'the connection stays open after refusals');
    } finally {
      ws.terminate();
    }
    const writer = await wsConnect(srv.base, { path: `/api/ws?token=${chatToken({ ...aud, publish: ['chat:*'] })}` });
    try {
      const ok = await writer.command({ id: 1, op: 'publish', channel, data: { hi: 1 } });
      assert.equal(ok.ok, true, JSON.stringify(ok));
      const roomWriter = await writer.command({ id: 2, op: 'publish', channel: 'room:2', data: 1 });
      assert.equal(roomWriter.error.code, 'forbidden', 'room: allows publishing only to those who may subscribe');
    } finally {
      writer.terminate();
    }
  });

  test('HTTP publish: a token with a publish claim may publish, one without may not', async () => {
    const channel = `chat:${uniqueChannel()}`;
    const writer = chatToken({ ...aud, publish: [channel] });
    const ok = await request(srv.base, 'POST', '/api/publish', { headers: bearer(writer), body: { channel, data: 1 } });
    assert.equal(ok.status, 200, ok.text);
    const reader = await request(srv.base, 'POST', '/api/publish', { headers: bearer(chatToken(aud)), body: { channel, data: 1 } });
    assert.equal(reader.status, 403);
    const forged = await request(srv.base, 'POST', '/api/publish', {
      headers: bearer(mint({ publish: ['*'], ...aud }, { secret: 'x' })),
      body: { channel, data: 1 },
    });
    assert.equal(forged.status, 401);
    // A cookie is not a publisher's credential: a foreign page could make the browser send it.
    const viaCookie = await request(srv.base, 'POST', '/api/publish', {
      headers: { Cookie: `herald_token=${writer}` },
      body: { channel, data: 1 },
    });
    assert.equal(viaCookie.status, 401, viaCookie.text);
    assert.equal(await errorCode(viaCookie), 'unauthorized');
  });

  test('refresh over WebSocket keeps the connection; expiry without refresh closes it with 4001 token_expired', async () => {
    const channel = `chat:${uniqueChannel()}`;
    const ws = await wsConnect(srv.base, { path: `/api/ws?token=${chatToken({ ...aud, exp: now() + 2 })}` });
    const expiring = await wsConnect(srv.base, { path: `/api/ws?token=${chatToken({ ...aud, exp: now() + 2 })}` });
    try {
      assert.equal((await ws.command({ id: 1, op: 'subscribe', channel })).ok, true);
      const refreshed = await ws.command({ id: 2, op: 'refresh', token: chatToken({ ...aud, exp: now() + 600 }) });
      assert.equal(refreshed.ok, true, JSON.stringify(refreshed));
      const closed = await expiring.waitClose({ timeout: 6000 });
      assert.equal(closed.code, 4001);
      assert.equal(closed.reason, 'token_expired');
      await publish(srv.base, channel, 'after expiry', { headers: bearer('backend-key') });
      await ws.waitMessages(channel, 1);
      assert.ok(ws.open, 'the refreshed connection is still open');
    } finally {
      ws.terminate();
      expiring.terminate();
    }
  });

  test('an SSE stream ends with event close token_expired when its token expires', async () => {
    const s = await openSseReady(srv.base, ssePath('chat:exp', { token: chatToken({ ...aud, exp: now() + 2 }) }));
    await s.waitFor((x) => x.eventsOf('close').length === 1, { timeout: 6000, label: 'close event' });
    const [close] = s.eventsOf('close');
    assert.deepEqual(JSON.parse(close.data), { reason: 'token_expired' });
    await s.done;
  });

  test('herald token mints tokens the server accepts', async () => {
    const token = execFileSync(HERALD_BIN, ['token', '--secret', SECRET, '--sub', 'cli', '--channel', 'chat:*',
      '--aud', 'herald-tests', '--ttl', '60'], { encoding: 'utf8' }).trim();
    const [head, body] = token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    assert.equal(head.alg, 'HS256');
    assert.equal(body.sub, 'cli');
    assert.deepEqual(body.channels, ['chat:*']);
    assert.ok(body.exp - now() <= 60 && body.exp - now() >= 55);
    const expected = crypto.createHmac('sha256', SECRET).update(token.split('.').slice(0, 2).join('.')).digest('base64url');
    assert.equal(token.split('.')[2], expected, 'the signature is HMAC-SHA256 over header.payload');
    const res = await request(srv.base, 'GET', '/api/history?channel=chat:cli', { headers: bearer(token) });
    assert.equal(res.status, 200, res.text);
  });
});

describe('key files', () => {
  test('a public key file that is not a key stops herald with a configuration error (exit 2)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-badkey-'));
    try {
      const file = path.join(dir, 'broken.pem');
      fs.writeFileSync(file, '-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n');
      const run = spawnSync(HERALD_BIN, ['serve', '--listen', '127.0.0.1:0'], {
        env: { ...process.env, HERALD_AUTH_PUBLIC_KEY: file },
        encoding: 'utf8',
        timeout: 10_000,
      });
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, /^herald: configuration error: environment HERALD_AUTH_PUBLIC_KEY: auth\.public_key: .*broken\.pem: not a PEM public or private key/);
      const small = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
      fs.writeFileSync(file, small.publicKey.export({ type: 'spki', format: 'pem' }));
      const weak = spawnSync(HERALD_BIN, ['serve', '--listen', '127.0.0.1:0'], {
        env: { ...process.env, HERALD_AUTH_PUBLIC_KEY: file },
        encoding: 'utf8',
        timeout: 10_000,
      });
      assert.equal(weak.status, 2);
      assert.match(weak.stderr, /an RSA key needs at least 2048 bits/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('without [auth] keys', () => {
  test('everyone may subscribe, as before tokens existed; tokens are ignored', async () => {
    const srv = await startServer();
    try {
      assert.equal((await request(srv.base, 'GET', '/api/history?channel=chat:a')).status, 200);
      const s = await openSseReady(srv.base, ssePath('admin.x', { token: 'whatever' }));
      s.close();
    } finally {
      await srv.stop();
    }
  });
});
