// The herald command line: publish, subscribe (--count), version, --help, connection errors, the API key
// variables, serve's start-up log and configuration precedence (flags over env over --config file).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, before, after } from './lib/harness.mjs';
import { startServer, freePort, HeraldServer } from './lib/server.mjs';
import { runHerald, spawnHerald } from './lib/cli.mjs';
import { request, publish, publishMany, historyOk, currentCursor } from './lib/http.mjs';
import { openSseReady, ssePath } from './lib/sse.mjs';
import { uniqueChannel, parseCursor, foreignEpoch, EPOCH_RE, assertContiguous, assertEnvelope, sleep, waitFor, withTimeout } from './lib/util.mjs';

let srv;
const subscribers = [];
let tmp;
before(async () => {
  srv = await startServer({ label: 'cli' });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-cli-'));
});
after(async () => {
  await Promise.all(subscribers.map((s) => s.stop()));
  await srv?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function subscribe(args, opts) {
  const s = spawnHerald(['subscribe', ...args], opts);
  subscribers.push(s);
  return s;
}

/** The single JSON line printed by `herald publish`. */
function resultLine(out) {
  const lines = out.stdout.split('\n').filter((l) => l.trim());
  assert.equal(lines.length, 1, `publish must print one result line: ${JSON.stringify(out.stdout)}`);
  return JSON.parse(lines[0]);
}

test('herald version prints "herald X.Y.Z"', { timeout: 15_000 }, async () => {
  const out = await runHerald(['version']);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout.trim(), /^herald \d+\.\d+\.\d+$/);
});

test('--help exits 0 on the program and on each subcommand', { timeout: 30_000 }, async () => {
  for (const args of [['--help'], ['serve', '--help'], ['publish', '--help'], ['subscribe', '--help'], ['version', '--help']]) {
    const out = await runHerald(args, { timeout: 5000 });
    assert.equal(out.code, 0, `herald ${args.join(' ')} → exit ${out.code} ${out.signal ?? ''} ${out.stderr}`);
    assert.ok((out.stdout + out.stderr).trim().length > 0, `herald ${args.join(' ')} printed nothing`);
  }
  const top = await runHerald(['--help']);
  for (const sub of ['serve', 'publish', 'subscribe', 'version']) assert.match(top.stdout + top.stderr, new RegExp(sub), `top-level help mentions ${sub}`);
  const serve = await runHerald(['serve', '--help']);
  for (const flag of ['--listen', '--config', '--workers', '--api-key', '--log-format', '--log-level', '--web-root']) {
    assert.ok((serve.stdout + serve.stderr).includes(flag), `serve --help mentions ${flag}`);
  }
});

test('serve logs "listening on http://HOST:PORT" at start', { timeout: 15_000 }, async () => {
  assert.match(srv.output(), new RegExp(`listening on http://127\\.0\\.0\\.1:${srv.port}\\b`));
});

test("herald publish CHANNEL '{\"a\":1}' prints the result JSON with a cursor", { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('clipub');
  const out = await runHerald(['publish', '--url', srv.base, channel, '{"a":1}']);
  assert.equal(out.code, 0, `exit ${out.code}: ${out.stdout} ${out.stderr}`);
  const r = resultLine(out);
  assert.equal(r.channel, channel);
  assert.match(r.epoch, EPOCH_RE);
  assert.equal(r.offset, 1);
  assert.equal(r.cursor, `${r.epoch}:1`);
  assert.equal(r.duplicate, false);
  const h = await historyOk(srv.base, channel);
  assert.deepEqual(h.messages[0].data, { a: 1 }, 'valid JSON is sent as JSON');
});

test('herald publish: non-JSON data is sent as a string; --event; --idempotency-key', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('clipub2');
  let out = await runHerald(['publish', '--url', srv.base, channel, 'hello world']);
  assert.equal(out.code, 0, out.stderr);
  out = await runHerald(['publish', '--url', srv.base, '--event', 'greeting', channel, '[1,2]']);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(resultLine(out).offset, 2);
  out = await runHerald(['publish', '--url', srv.base, '--idempotency-key', 'cli-key', channel, '"quoted"']);
  assert.equal(out.code, 0, out.stderr);
  const first = resultLine(out);
  out = await runHerald(['publish', '--url', srv.base, '--idempotency-key', 'cli-key', channel, '"quoted"']);
  assert.equal(out.code, 0, out.stderr);
  assert.deepEqual(resultLine(out), { ...first, duplicate: true });
  const h = await historyOk(srv.base, channel);
  assert.deepEqual(h.messages.map((m) => [m.event, m.data]), [
    ['message', 'hello world'],
    ['greeting', [1, 2]],
    ['message', 'quoted'],
  ]);
});

test('herald publish sends numbers exactly and refuses those it cannot carry (exit 2, nothing published)', { timeout: 20_000 }, async () => {
  const channel = uniqueChannel('clinum');
  let out = await runHerald(['publish', '--url', srv.base, channel, '{"big":18446744073709551615,"neg":-9223372036854775808,"f":0.1}']);
  assert.equal(out.code, 0, `exit ${out.code}: ${out.stderr}`);
  const raw = await request(srv.base, 'GET', `/api/history?channel=${channel}`);
  assert.match(raw.text, /"big":18446744073709551615\b/, raw.text);
  assert.match(raw.text, /"neg":-9223372036854775808\b/, raw.text);
  for (const data of ['123456789012345678901234567890', '{"x":1e999}', '[-1e400]']) {
    out = await runHerald(['publish', '--url', srv.base, channel, data]);
    assert.equal(out.code, 2, `${data}: exit ${out.code}: ${out.stdout} ${out.stderr}`);
    assert.match(out.stderr, /cannot be sent exactly/, out.stderr);
    assert.match(out.stderr, /as a string/);
  }
  assert.equal((await historyOk(srv.base, channel)).messages.length, 1, 'nothing else was published');
});

test('herald publish exits 1 on errors (invalid channel, reserved event, unreachable server, missing key)', { timeout: 30_000 }, async () => {
  let out = await runHerald(['publish', '--url', srv.base, 'bad channel', '1']);
  assert.equal(out.code, 1, `invalid channel: exit ${out.code}`);
  assert.ok((out.stdout + out.stderr).trim().length > 0, 'prints the error');
  out = await runHerald(['publish', '--url', srv.base, '--event', 'gap', uniqueChannel('x'), '1']);
  assert.equal(out.code, 1, `reserved event: exit ${out.code}`);
  const nobody = await freePort();
  out = await runHerald(['publish', '--url', `http://127.0.0.1:${nobody}`, uniqueChannel('x'), '1']);
  assert.equal(out.code, 1, `unreachable: exit ${out.code}`);
  assert.ok((out.stdout + out.stderr).trim().length > 0);

  const keyed = await startServer({ label: 'cli-keyed', args: ['--api-key', 'cli-secret'] });
  try {
    const channel = uniqueChannel('clikey');
    out = await runHerald(['publish', '--url', keyed.base, channel, '1']);
    assert.equal(out.code, 1, 'missing key: exit 1');
    out = await runHerald(['publish', '--url', keyed.base, '--api-key', 'wrong', channel, '1']);
    assert.equal(out.code, 1, 'wrong key: exit 1');
    out = await runHerald(['publish', '--url', keyed.base, '--api-key', 'cli-secret', channel, '1']);
    assert.equal(out.code, 0, `right key: ${out.stdout} ${out.stderr}`);
    assert.equal(resultLine(out).offset, 1);
  } finally {
    await keyed.stop();
  }
});

test('herald subscribe --since prints one envelope line per message', { timeout: 30_000 }, async () => {
  const channel = uniqueChannel('clisub');
  const start = await currentCursor(srv.base, channel);
  const sub = subscribe(['--url', srv.base, '--since', start, channel]);
  await sleep(300);
  await publishMany(srv.base, channel, 5);
  await sub.waitLines(5);
  await sleep(200);
  const envs = sub.json();
  assert.equal(envs.length, 5);
  envs.forEach((e, k) => assertEnvelope(e, { channel, offset: k + 1, data: { i: k } }));
  const h = await historyOk(srv.base, channel);
  assert.deepEqual(envs, h.messages, 'lines are the envelopes');
  // The exact envelope serialization.
  assert.match(sub.lines[0], /^\{"channel":"[^"]+","epoch":"[a-z0-9]{8}","offset":1,"cursor":"[a-z0-9]{8}:1","time":\d+,"event":"message","data":\{"i":0\}\}$/);
  await sub.stop();
});

test('herald subscribe without --since prints messages published after it connected', { timeout: 30_000 }, async () => {
  const channel = uniqueChannel('clinow');
  await publishMany(srv.base, channel, 3);
  const sub = subscribe(['--url', srv.base, channel]);
  // We cannot see when it is connected: publish probes until the first line appears (bounded).
  for (let i = 0; i < 50 && sub.lines.length === 0; i += 1) {
    await publish(srv.base, channel, { probe: i });
    await sleep(200);
  }
  await sub.waitLines(1);
  const first = JSON.parse(sub.lines[0]);
  assert.ok(first.offset >= 4, `first line must be a message after connecting, got offset ${first.offset}`);
  assert.ok('probe' in first.data);
  await sleep(300);
  const already = sub.lines.length;
  const lastOffset = JSON.parse(sub.lines.at(-1)).offset;
  await publishMany(srv.base, channel, 3, { data: (i) => ({ after: i }) });
  await sub.waitLines(already + 3);
  const offsets = sub.json().map((e) => e.offset);
  assertContiguous(offsets, first.offset, lastOffset + 3, 'subscribe offsets');
  await sub.stop();
});

test('herald subscribe prints gaps as {"gap":{...}} lines', { timeout: 30_000 }, async () => {
  const channel = uniqueChannel('cligap');
  const results = await publishMany(srv.base, channel, 2);
  const { epoch } = results[0];
  const requested = `${epoch === 'zzzzzzzz' ? 'yyyyyyyy' : 'zzzzzzzz'}:5`;
  const sub = subscribe(['--url', srv.base, '--since', requested, channel]);
  await sub.waitLines(3);
  const [gapLine, ...rest] = sub.json();
  assert.deepEqual(gapLine, { gap: { channel, requested, continue_from: `${epoch}:0` } });
  assert.deepEqual(rest.map((e) => e.offset), [1, 2]);
  await sub.stop();
});

test('herald subscribe with several channels', { timeout: 30_000 }, async () => {
  const a = uniqueChannel('clima');
  const b = uniqueChannel('climb');
  const ea = parseCursor(await currentCursor(srv.base, a)).epoch;
  const eb = parseCursor(await currentCursor(srv.base, b)).epoch;
  const sub = subscribe(['--url', srv.base, '--since', `${ea}:0,${eb}:0`, a, b]);
  await sleep(300);
  await publish(srv.base, a, 'a1');
  await publish(srv.base, b, 'b1');
  await publish(srv.base, a, 'a2');
  await sub.waitLines(3);
  assert.deepEqual(sub.json().map((e) => [e.channel, e.offset, e.data]), [[a, 1, 'a1'], [b, 1, 'b1'], [a, 2, 'a2']]);
  await sub.stop();
});

test('herald subscribe --raw prints the payloads', { timeout: 30_000 }, async () => {
  const channel = uniqueChannel('cliraw');
  const start = await currentCursor(srv.base, channel);
  const sub = subscribe(['--url', srv.base, '--raw', '--since', start, channel]);
  await sleep(300);
  await publish(srv.base, channel, { k: 1 });
  await sub.waitLines(1);
  assert.ok(sub.lines[0].includes('{"k":1}'), `raw line: ${sub.lines[0]}`);
  await sub.stop();
});

test('herald subscribe reconnects with Last-Event-ID after stream ends: no loss, no duplicates', { timeout: 60_000 }, async () => {
  const life = await startServer({ label: 'cli-lifetime', env: { HERALD_SSE_MAX_LIFETIME: '1' } });
  try {
    const channel = uniqueChannel('clire');
    const start = await currentCursor(life.base, channel);
    const sub = subscribe(['--url', life.base, '--since', start, channel]);
    await sleep(300);
    const TOTAL = 80;
    for (let i = 0; i < TOTAL; i += 4) {
      await publishMany(life.base, channel, 4, { start: i });
      await sleep(100); // ~2 s+: the 1 s lifetime ends the stream at least once meanwhile
    }
    await sub.waitLines(TOTAL, { timeout: 20_000 });
    await sleep(1500);
    const envs = sub.json();
    assertContiguous(envs.map((e) => e.offset), 1, TOTAL, 'subscribe offsets across reconnects');
    envs.forEach((e, k) => assert.deepEqual(e.data, { i: k }));
    assert.ok(sub.exited && sub.child.exitCode === null, 'subscribe keeps running');
    await sub.stop();
  } finally {
    await life.stop();
  }
});

test('herald subscribe across a server restart: prints the gap, then the new epoch', { timeout: 60_000 }, async () => {
  const own = await startServer({ label: 'cli-restart' });
  try {
    const channel = uniqueChannel('clirs');
    const start = await currentCursor(own.base, channel);
    const { epoch: oldEpoch } = parseCursor(start);
    const sub = subscribe(['--url', own.base, '--since', start, channel]);
    await sleep(300);
    await publishMany(own.base, channel, 3);
    await sub.waitLines(3);
    await own.restart();
    const results = await publishMany(own.base, channel, 3, { start: 3 });
    const newEpoch = results[0].epoch;
    await sub.waitLines(7, { timeout: 20_000 });
    const lines = sub.json();
    assert.deepEqual(lines.slice(0, 3).map((e) => e.cursor), [1, 2, 3].map((o) => `${oldEpoch}:${o}`));
    assert.deepEqual(lines[3], { gap: { channel, requested: `${oldEpoch}:3`, continue_from: `${newEpoch}:0` } });
    assert.deepEqual(lines.slice(4).map((e) => e.cursor), [1, 2, 3].map((o) => `${newEpoch}:${o}`));
    await sub.stop();
  } finally {
    await own.stop();
  }
});

/** Runs `herald subscribe ...args` until it exits by itself (bounded); resolves {code, lines, stderr}. */
async function subscribeUntilExit(args) {
  const sub = subscribe(args);
  const info = await withTimeout(sub.exited, 15_000, `herald subscribe ${args.join(' ')} exits by itself`);
  return { code: info.code, lines: sub.lines, stderr: sub.stderr() };
}

test('herald subscribe --count N prints exactly N lines even when more events arrive in one read, then exits 0', { timeout: 60_000 }, async () => {
  const channel = uniqueChannel('clicount');
  const start = await currentCursor(srv.base, channel);
  await publishMany(srv.base, channel, 5); // all five reach the subscriber in its first read
  for (const count of [1, 4, 5]) {
    const out = await subscribeUntilExit(['--url', srv.base, '--since', start, '--count', String(count), channel]);
    assert.equal(out.code, 0, `--count ${count}: exit ${out.code} ${out.stderr}`);
    assert.deepEqual(out.lines.map((l) => JSON.parse(l).offset), [1, 2, 3, 4, 5].slice(0, count), `--count ${count}`);
  }
  const raw = await subscribeUntilExit(['--url', srv.base, '--raw', '--since', start, '--count', '1', channel]);
  assert.equal(raw.code, 0, raw.stderr);
  assert.deepEqual(raw.lines, ['{"i":0}'], '--raw --count 1');
});

test('herald subscribe --count counts gap lines like messages', { timeout: 30_000 }, async () => {
  const channel = uniqueChannel('clicountgap');
  const results = await publishMany(srv.base, channel, 3);
  const requested = `${foreignEpoch(results[0].epoch)}:9`;
  const out = await subscribeUntilExit(['--url', srv.base, '--since', requested, '--count', '2', channel]);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.lines.length, 2, JSON.stringify(out.lines));
  assert.deepEqual(JSON.parse(out.lines[0]), { gap: { channel, requested, continue_from: `${results[0].epoch}:0` } });
  assert.equal(JSON.parse(out.lines[1]).offset, 1);
});

test('herald subscribe --count 0 is refused with exit 2 and a message naming --count', { timeout: 20_000 }, async () => {
  const out = await runHerald(['subscribe', '--url', srv.base, '--count', '0', uniqueChannel('clicount0')]);
  assert.equal(out.code, 2, `exit ${out.code}: ${out.stdout} ${out.stderr}`);
  assert.equal(out.stdout, '', 'prints no message lines');
  assert.match(out.stderr, /^herald: --count: must be at least 1/m);
  const help = await runHerald(['subscribe', '--help']);
  assert.match(help.stdout, /--count[\s\S]*gap lines count/, 'subscribe --help says what --count counts');
});

test('connection errors name the server and the system error, without internal source paths', { timeout: 30_000 }, async () => {
  const nobody = await freePort();
  const url = `http://127.0.0.1:${nobody}`;
  const out = await runHerald(['publish', '--url', url, uniqueChannel('x'), '1']);
  assert.equal(out.code, 1);
  assert.equal(out.stderr.trim(), `error: cannot connect to ${url}: Connection refused`);

  const sub = subscribe(['--url', url, uniqueChannel('x')]);
  await waitFor(() => sub.stderr().includes('\n'), { timeout: 10_000, label: 'subscribe reports the failed connection' });
  const first = sub.stderr().split('\n')[0];
  assert.match(first, new RegExp(`^cannot connect to ${url.replace(/\./g, '\\.')}: Connection refused; reconnecting in \\d+ ms$`));
  await sub.stop();
});

test('herald publish reads the API key from HERALD_PUBLISH_API_KEY, else from HERALD_API_KEY', { timeout: 30_000 }, async () => {
  const keyed = await startServer({ label: 'cli-envkey', env: { HERALD_PUBLISH_API_KEY: 'env-secret' } });
  try {
    const channel = uniqueChannel('clienvkey');
    const run = (env) => runHerald(['publish', '--url', keyed.base, channel, '1'], { env });
    let out = await run({ HERALD_PUBLISH_API_KEY: 'env-secret' });
    assert.equal(out.code, 0, `HERALD_PUBLISH_API_KEY: ${out.stderr}`);
    out = await run({ HERALD_API_KEY: 'env-secret' });
    assert.equal(out.code, 0, `HERALD_API_KEY: ${out.stderr}`);
    out = await run({ HERALD_PUBLISH_API_KEY: 'env-secret', HERALD_API_KEY: 'wrong' });
    assert.equal(out.code, 0, `HERALD_PUBLISH_API_KEY is preferred: ${out.stderr}`);
    out = await run({ HERALD_PUBLISH_API_KEY: 'wrong', HERALD_API_KEY: 'env-secret' });
    assert.equal(out.code, 1, 'HERALD_PUBLISH_API_KEY is preferred over HERALD_API_KEY');
    out = await runHerald(['publish', '--url', keyed.base, '--api-key', 'env-secret', channel, '1'], { env: { HERALD_PUBLISH_API_KEY: 'wrong' } });
    assert.equal(out.code, 0, `--api-key wins over the environment: ${out.stderr}`);
    const help = await runHerald(['publish', '--help']);
    for (const name of ['HERALD_PUBLISH_API_KEY', 'HERALD_API_KEY']) assert.ok(help.stdout.includes(name), `publish --help mentions ${name}`);
  } finally {
    await keyed.stop();
  }
});

test('--help describes every transport; serve --help names the endpoints, docs/protocol.md and the log levels', { timeout: 20_000 }, async () => {
  const top = await runHerald(['--help']);
  for (const word of ['polling', 'long polling', 'Server-Sent Events', 'WebSocket']) assert.ok(top.stdout.includes(word), `herald --help mentions ${word}`);
  const serve = await runHerald(['serve', '--help']);
  for (const word of ['/api/publish', '/api/history', '/api/lp', '/api/sse', '/api/ws', '/healthz', '/readyz', '/metrics', 'docs/protocol.md']) {
    assert.ok(serve.stdout.includes(word), `serve --help mentions ${word}`);
  }
  assert.match(serve.stdout, /trace, debug, info, warn, error, critical(,)? or off/, 'serve --help lists the log levels');
});

test('configuration: --config TOML file, HERALD_* env over the file, flags over env', { timeout: 60_000 }, async () => {
  const fileRetry = async (server) => {
    const s = await openSseReady(server.base, ssePath(uniqueChannel('cfg')));
    s.close();
    return /^retry: (\d+)\n\n/.exec(s.raw)?.[1];
  };
  const p1 = await freePort();
  const file = path.join(tmp, 'herald.toml');
  fs.writeFileSync(file, `[server]\nlisten = "127.0.0.1:${p1}"\nworkers = 1\n\n[sse]\nretry_ms = 1234\n\n[history]\nsize = 3\n`);

  // File only: listen address, retry and history size come from it.
  let s = new HeraldServer({ label: 'cli-cfg-file', port: p1, listenFlag: false, workers: null, args: ['--config', file] });
  await s.start();
  try {
    assert.equal(await fileRetry(s), '1234');
    const ch = uniqueChannel('cfgh');
    const results = await publishMany(s.base, ch, 5);
    const h = await historyOk(s.base, ch);
    assert.deepEqual(h.messages.map((m) => m.offset), [3, 4, 5], 'history.size = 3 from the file');
    assert.equal(results.length, 5);
  } finally {
    await s.stop();
  }

  // Env overrides the file (listen and sse.retry_ms).
  const p2 = await freePort();
  s = new HeraldServer({
    label: 'cli-cfg-env',
    port: p2,
    listenFlag: false,
    workers: null,
    args: ['--config', file],
    env: { HERALD_SERVER_LISTEN: `127.0.0.1:${p2}`, HERALD_SSE_RETRY_MS: '2345' },
  });
  await s.start();
  try {
    assert.equal(await fileRetry(s), '2345');
  } finally {
    await s.stop();
  }

  // Flags override env.
  const p3 = await freePort();
  s = new HeraldServer({ label: 'cli-cfg-flag', port: p3, args: ['--config', file], env: { HERALD_SERVER_LISTEN: `127.0.0.1:${p2}` } });
  await s.start();
  try {
    assert.equal(await fileRetry(s), '1234');
    assert.match(s.output(), new RegExp(`listening on http://127\\.0\\.0\\.1:${p3}\\b`));
  } finally {
    await s.stop();
  }
});

test('serve --log-format json writes JSON log lines (including the listening line)', { timeout: 20_000 }, async () => {
  const s = await startServer({ label: 'cli-jsonlog', args: ['--log-format', 'json', '--log-level', 'info'] });
  await s.stop();
  const lines = s.output().split('\n').filter((l) => l.trim() && !l.startsWith('###'));
  assert.ok(lines.length >= 1, 'some log output');
  for (const l of lines) assert.doesNotThrow(() => JSON.parse(l), `log line is not JSON: ${l}`);
  assert.ok(lines.some((l) => l.includes(`listening on http://127.0.0.1:${s.port}`)), s.output());
});

test('serve --web-root DIR serves pages from DIR instead of the embedded ones', { timeout: 20_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'web-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><html><body>custom-root-page</body></html>');
  fs.writeFileSync(path.join(dir, 'demo.js'), 'console.log("custom demo")');
  const s = await startServer({ label: 'cli-webroot', args: ['--web-root', dir] });
  try {
    const page = await request(s.base, 'GET', '/');
    assert.equal(page.status, 200);
    assert.match(page.text, /custom-root-page/);
    assert.match(page.headers['content-type'] ?? '', /^text\/html/);
    const js = await request(s.base, 'GET', '/demo.js');
    assert.equal(js.status, 200);
    assert.match(js.text, /custom demo/);
    // The API keeps working next to the static pages.
    assert.equal((await request(s.base, 'GET', '/healthz')).status, 200);
  } finally {
    await s.stop();
  }
});

test('embedded demo page and script are served by default', { timeout: 15_000 }, async () => {
  const page = await request(srv.base, 'GET', '/');
  assert.equal(page.status, 200);
  assert.match(page.headers['content-type'] ?? '', /^text\/html/);
  const js = await request(srv.base, 'GET', '/demo.js');
  assert.equal(js.status, 200);
  assert.match(js.headers['content-type'] ?? '', /javascript/);
});
