// `herald serve` configuration problems, from every source: each stops the server with exit 2 and one line
// `herald: configuration error: <source>: <key>: <problem>` (TOML syntax errors: `FILE:LINE:COLUMN: problem`);
// and the start-up warning for HERALD_* environment variables herald does not know.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, before, after } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';
import { runHerald } from './lib/cli.mjs';

let tmp;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-config-'));
});
after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** A TOML file with `text` in the temporary folder; returns its path. */
function tomlFile(name, text) {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}

/**
 * Runs `herald serve ...args` expecting a configuration error: exit 2, nothing on stdout, and exactly one
 * stderr line `herald: configuration error: ...`; returns the text after that prefix.
 */
async function configError(args, env = {}) {
  const out = await runHerald(['serve', '--workers', '1', ...args], { env, timeout: 10_000 });
  const lines = out.stderr.split('\n').filter((l) => l !== '');
  assert.equal(out.code, 2, `herald serve ${args.join(' ')}: exit ${out.code} ${out.signal ?? ''}\n${out.stderr}`);
  assert.equal(out.stdout, '', 'nothing on stdout');
  assert.equal(lines.length, 1, `one error line: ${JSON.stringify(out.stderr)}`);
  const prefix = 'herald: configuration error: ';
  assert.ok(lines[0].startsWith(prefix), lines[0]);
  return lines[0].slice(prefix.length);
}

test('--config with a missing file: exit 2 naming the file and the system error', { timeout: 20_000 }, async () => {
  const missing = path.join(tmp, 'missing.toml');
  assert.equal(await configError(['--config', missing]), `command line: --config: cannot read ${missing}: No such file or directory`);
  assert.equal(await configError(['--config', tmp]), `command line: --config: cannot read ${tmp}: Is a directory`);
});

test('an unknown or malformed serve flag is a configuration error too', { timeout: 20_000 }, async () => {
  assert.match(await configError(['--no-such-flag']), /^command line: .*--no-such-flag/);
  assert.match(await configError(['--listen']), /^command line: --listen: /);
});

test('bad log.level from each source: <source>: log.level: unknown level, listing the levels', { timeout: 20_000 }, async () => {
  const levels = '(trace, debug, info, warn, error, critical, off)';
  assert.equal(await configError(['--log-level', 'loud']), `command line: log.level: unknown level "loud" ${levels}`);
  assert.equal(await configError([], { HERALD_LOG_LEVEL: 'loud' }), `environment HERALD_LOG_LEVEL: log.level: unknown level "loud" ${levels}`);
  const file = tomlFile('level.toml', '[log]\nlevel = "loud"\n');
  assert.equal(await configError(['--config', file]), `${file}:2:9: log.level: unknown level "loud" ${levels}`);
});

test('server.listen is checked with the other settings: <source>: server.listen: "…" is not HOST:PORT', { timeout: 20_000 }, async () => {
  assert.equal(await configError(['--listen', 'nonsense']), 'command line: server.listen: "nonsense" is not HOST:PORT');
  assert.equal(await configError([], { HERALD_SERVER_LISTEN: '127.0.0.1:99999' }), 'environment HERALD_SERVER_LISTEN: server.listen: "127.0.0.1:99999" is not HOST:PORT');
  // The flag replaces the bad value from the environment: no error.
  const s = await startServer({ label: 'config-listen-override', env: { HERALD_SERVER_LISTEN: 'nonsense' } });
  await s.stop();
});

test('a TOML syntax error gives FILE:LINE:COLUMN: problem', { timeout: 20_000 }, async () => {
  const file = tomlFile('syntax.toml', '[server]\nworkers = 1\nlisten = \n');
  assert.match(await configError(['--config', file]), new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: \\S.*$`));
});

test('TOML values of the wrong type, unknown keys and sections: FILE:LINE:COLUMN: key: problem', { timeout: 30_000 }, async () => {
  let file = tomlFile('type.toml', '[server]\nworkers = "two"\n');
  assert.equal(await configError(['--config', file]), `${file}:2:11: server.workers: expected a non-negative integer, got "two"`);
  file = tomlFile('unknown.toml', '[server]\nlisten = "127.0.0.1:0"\nlistn = "127.0.0.1:0"\n');
  assert.equal(await configError(['--config', file]), `${file}:3:1: server.listn: unknown setting (did you mean server.listen?)`);
  file = tomlFile('section.toml', '[sever]\nlisten = "127.0.0.1:0"\n');
  assert.equal(await configError(['--config', file]), `${file}:1:2: sever: unknown section (did you mean [server]?)`);
  file = tomlFile('toplevel.toml', 'workers = 1\n');
  assert.equal(await configError(['--config', file]), `${file}:1:1: workers: a setting outside any [section] (did you mean server.workers?)`);
});

test('bad values from the environment: environment HERALD_…: key: problem', { timeout: 20_000 }, async () => {
  assert.equal(await configError([], { HERALD_HISTORY_SIZE: '-5' }), 'environment HERALD_HISTORY_SIZE: history.size: expected a non-negative integer, got "-5"');
  assert.equal(await configError([], { HERALD_SSE_HEARTBEAT: 'nan' }), 'environment HERALD_SSE_HEARTBEAT: sse.heartbeat: expected a non-negative number of seconds, got "nan"');
  assert.equal(await configError([], { HERALD_WS_DEFLATE: 'maybe' }), 'environment HERALD_WS_DEFLATE: ws.deflate: expected true or false, got "maybe"');
});

test('unknown HERALD_* variables: one warning each at start, with the close known name; herald\'s own variables are quiet', { timeout: 20_000 }, async () => {
  const s = await startServer({
    label: 'config-unknown-env',
    env: {
      HERALD_SERVER_LISTN: '127.0.0.1:1',
      HERALD_HISTROY_SIZE: '5',
      HERALD_LISTEN: '127.0.0.1:1',
      HERALD_WORKERS: '3',
      HERALD_COLOUR: 'blue',
      HERALD_API_KEY: 'used-by-herald-publish',
      HERALD_PUBLISH_API_KEY: 'server-key',
      HERALD_BIN: '/usr/bin/true',
      HERALD_SSE_RETRY_MS: '1500',
    },
  });
  await s.stop();
  const warnings = s.output().split('\n').filter((l) => l.includes('unknown environment variable'));
  const expected = [
    'unknown environment variable HERALD_COLOUR is ignored',
    'unknown environment variable HERALD_HISTROY_SIZE is ignored (did you mean HERALD_HISTORY_SIZE?)',
    // server.listen and tls.listen: no single key to suggest
    'unknown environment variable HERALD_LISTEN is ignored',
    'unknown environment variable HERALD_SERVER_LISTN is ignored (did you mean HERALD_SERVER_LISTEN?)',
    'unknown environment variable HERALD_WORKERS is ignored (did you mean HERALD_SERVER_WORKERS?)',
  ];
  assert.deepEqual(warnings.map((l) => l.slice(l.indexOf('unknown environment variable'))).sort(), expected, s.output());
  for (const l of warnings) assert.match(l, / warning /, `logged as a warning: ${l}`);
});

test('HERALD_API_KEY without a server key: a warning that the server reads HERALD_PUBLISH_API_KEY', { timeout: 20_000 }, async () => {
  const s = await startServer({ label: 'config-api-key-hint', env: { HERALD_API_KEY: 'meant-for-the-server' } });
  await s.stop();
  assert.match(s.output(), /warning .*HERALD_API_KEY is read by herald publish only; the server's key is HERALD_PUBLISH_API_KEY/);
  assert.doesNotMatch(s.output(), /unknown environment variable HERALD_API_KEY/);
});
