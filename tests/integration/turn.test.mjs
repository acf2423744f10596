// herald's embedded STUN/TURN server driven by coturn's client tools, all on 127.0.0.1:
// turnutils_stunclient's Binding (and one over TCP from a raw socket), turnutils_uclient relaying over
// UDP and TCP (channels and Send indications) to a turnutils_peer echo peer and client to client (-y),
// with the REST credentials GET /api/ice-servers hands out; wrong and expired credentials; the peer policy
// refusing loopback without turn.allow_peers; the /api/ice-servers answer (credentials recomputed here);
// the TURN metrics; idle TCP connections closed; tokens required where subscribing needs them;
// configuration errors.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import net from 'node:net';
import { test, describe, before, after } from './lib/harness.mjs';
import { startServer } from './lib/server.mjs';
import { runHerald } from './lib/cli.mjs';
import { request } from './lib/http.mjs';
import {
  freeUdpRange,
  freeUdpTcpPort,
  requireTool,
  restCredential,
  restPassword,
  runTool,
  startEchoPeer,
  tcpBinding,
  uclientTotals,
} from './lib/turn-tools.mjs';

const SECRET = 'turn-test-secret';
const FLEET_SECRET = 'fleet-secret';

async function iceServers(srv, headers = {}) {
  const res = await request(srv.base, 'GET', '/api/ice-servers', { headers });
  assert.equal(res.status, 200, res.text);
  return res.json();
}

/** The username and credential of herald's own TURN entry in /api/ice-servers. */
async function turnCredential(srv) {
  const turn = (await iceServers(srv)).iceServers.find((s) => s.urls.some((u) => u.startsWith('turn:')));
  return { username: turn.username, credential: turn.credential };
}

async function metric(srv, line) {
  const text = (await request(srv.base, 'GET', '/metrics')).text;
  const escaped = line.replace(/[{}"]/g, (c) => `\\${c}`);
  const match = text.match(new RegExp(`^${escaped} (\\d+)$`, 'm'));
  assert.ok(match, `metric ${line} missing`);
  return Number(match[1]);
}

function uclient(turnPort, { username, credential }, extra) {
  requireTool('turnutils_uclient');
  return runTool('turnutils_uclient', ['-u', username, '-w', credential, '-p', String(turnPort), ...extra, '127.0.0.1'], {
    timeout: 30_000,
  });
}

function assertRelayed(run, count, label) {
  const totals = uclientTotals(run.output);
  assert.equal(run.code, 0, `${label}: exit ${run.code}\n${run.output.slice(-3000)}`);
  assert.equal(totals.sent, count, `${label}: sent\n${run.output.slice(-2000)}`);
  assert.equal(totals.received, count, `${label}: received\n${run.output.slice(-2000)}`);
  assert.equal(totals.lost, 0, `${label}: lost\n${run.output.slice(-2000)}`);
}

async function writeConfig(dir, name, lines) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('STUN/TURN with turn.allow_peers = ["127.0.0.0/8"]', () => {
  let dir;
  let srv;
  let turnPort;
  let peerPort;
  let peer;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-turn-'));
    turnPort = await freeUdpTcpPort();
    peerPort = await freeUdpTcpPort();
    const relays = await freeUdpRange(48);
    const config = await writeConfig(dir, 'herald.toml', [
      '[turn]',
      `relay_ports = "${relays.text}"`,
      'allow_peers = ["127.0.0.0/8"]',
      'max_allocations_per_user = 100  # turnutils_uclient leaves its UDP allocations to expire',
      '[[ice_server]]',
      'urls = ["stun:stun.example.test:3478"]',
      '[[ice_server]]',
      'urls = ["turn:turn1.example.test:3478?transport=udp"]',
      'username = "fixed-user"',
      'credential = "fixed-password"',
      '[[ice_server]]',
      'urls = ["turns:turn2.example.test:5349?transport=tcp"]',
      `secret = "${FLEET_SECRET}"`,
    ]);
    srv = await startServer({
      args: ['--config', config, '--turn-listen', `127.0.0.1:${turnPort}`, '--turn-secret', SECRET],
      label: 'turn',
    });
    peer = await startEchoPeer(peerPort);
  });
  after(async () => {
    if (peer && peer.exitCode === null) process.kill(peer.pid, 'SIGKILL');
    await srv?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('turnutils_stunclient gets its reflexive address over UDP', async () => {
    requireTool('turnutils_stunclient');
    const run = await runTool('turnutils_stunclient', ['-p', String(turnPort), '127.0.0.1'], { timeout: 10_000 });
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /UDP reflexive addr: 127\.0\.0\.1:\d+/);
  });

  test('a STUN Binding over TCP answers with XOR-MAPPED-ADDRESS and FINGERPRINT', async () => {
    const binding = await tcpBinding(turnPort);
    assert.equal(binding.type, 0x0101, 'Binding success response');
    assert.deepEqual(binding.mapped, binding.local);
    assert.ok(binding.fingerprint);
  });

  test('a TCP connection without an allocation is closed after 30 s', { timeout: 60_000 }, async () => {
    const socket = net.connect(turnPort, '127.0.0.1');
    const opened = Date.now();
    await new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const closed = await new Promise((resolve) => {
      socket.once('close', () => resolve(Date.now()));
      socket.on('error', () => {});
    });
    const seconds = (closed - opened) / 1000;
    assert.ok(seconds >= 29 && seconds < 40, `closed after ${seconds} s`);
  });

  test('GET /api/ice-servers: herald STUN and TURN with REST credentials, then the [[ice_server]]s', async () => {
    const res = await request(srv.base, 'GET', '/api/ice-servers');
    assert.equal(res.status, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.match(res.headers['content-type'], /^application\/json/);
    const body = res.json();
    assert.equal(body.ttl, 86400);
    const [stun, turn, external, fixed, fleet] = body.iceServers;
    assert.equal(body.iceServers.length, 5);
    assert.deepEqual(stun, { urls: [`stun:127.0.0.1:${turnPort}`] });
    assert.deepEqual(turn.urls, [`turn:127.0.0.1:${turnPort}?transport=udp`, `turn:127.0.0.1:${turnPort}?transport=tcp`]);
    const [expiry, user] = turn.username.split(':');
    assert.equal(user, 'anonymous');
    const now = Math.floor(Date.now() / 1000);
    assert.ok(Math.abs(Number(expiry) - (now + 86400)) <= 5, `expiry ${expiry} ≈ now + ttl`);
    assert.equal(turn.credential, crypto.createHmac('sha1', SECRET).update(turn.username).digest('base64'));
    assert.deepEqual(external, { urls: ['stun:stun.example.test:3478'] });
    assert.deepEqual(fixed, {
      urls: ['turn:turn1.example.test:3478?transport=udp'],
      username: 'fixed-user',
      credential: 'fixed-password',
    });
    assert.match(fleet.username, /^\d+:anonymous$/);
    assert.equal(fleet.credential, restPassword(FLEET_SECRET, fleet.username));
    assert.deepEqual(Object.keys(fleet).sort(), ['credential', 'urls', 'username']);
  });

  test('turnutils_uclient relays over UDP through channels with the credentials of /api/ice-servers', { timeout: 60_000 }, async () => {
    const created = await metric(srv, 'herald_turn_allocations_created_total');
    const toPeer = await metric(srv, 'herald_turn_relayed_packets_total{direction="to_peer"}');
    const toClient = await metric(srv, 'herald_turn_relayed_bytes_total{direction="to_client"}');
    const run = await uclient(turnPort, await turnCredential(srv), ['-e', '127.0.0.1', '-r', String(peerPort), '-n', '20', '-c']);
    assertRelayed(run, 20, 'UDP');
    assert.ok((await metric(srv, 'herald_turn_allocations_created_total')) > created, 'allocations counted');
    assert.ok((await metric(srv, 'herald_turn_relayed_packets_total{direction="to_peer"}')) >= toPeer + 20);
    assert.ok((await metric(srv, 'herald_turn_relayed_bytes_total{direction="to_client"}')) >= toClient + 20 * 100);
  });

  test('turnutils_uclient relays over UDP with Send and Data indications (-s)', { timeout: 60_000 }, async () => {
    const run = await uclient(turnPort, await turnCredential(srv), ['-e', '127.0.0.1', '-r', String(peerPort), '-n', '20', '-c', '-s']);
    assertRelayed(run, 20, 'UDP, Send indications');
  });

  test('turnutils_uclient relays over TCP (-t), channels and indications', { timeout: 60_000 }, async () => {
    const credential = await turnCredential(srv);
    assertRelayed(await uclient(turnPort, credential, ['-t', '-e', '127.0.0.1', '-r', String(peerPort), '-n', '20', '-c']), 20, 'TCP');
    assertRelayed(await uclient(turnPort, credential, ['-t', '-e', '127.0.0.1', '-r', String(peerPort), '-n', '20', '-c', '-s']), 20, 'TCP, -s');
  });

  test('two turnutils_uclient clients relay to each other (-y -m 2), UDP and TCP', { timeout: 60_000 }, async () => {
    const credential = await turnCredential(srv);
    assertRelayed(await uclient(turnPort, credential, ['-y', '-m', '2', '-n', '20', '-c']), 40, 'client to client');
    assertRelayed(await uclient(turnPort, credential, ['-t', '-y', '-m', '2', '-n', '20', '-c']), 40, 'client to client, TCP');
  });

  test('wrong and expired credentials cannot allocate', { timeout: 60_000 }, async () => {
    const failures = await metric(srv, 'herald_turn_auth_failures_total');
    const good = await turnCredential(srv);
    const wrong = await uclient(turnPort, { ...good, credential: restPassword('another secret', good.username) }, [
      '-e', '127.0.0.1', '-r', String(peerPort), '-n', '5', '-c',
    ]);
    assert.notEqual(wrong.code, 0, wrong.output);
    assert.match(wrong.output, /Cannot complete Allocation/);
    const expired = await uclient(turnPort, restCredential(SECRET, 'alice', -60), ['-e', '127.0.0.1', '-r', String(peerPort), '-n', '5', '-c']);
    assert.notEqual(expired.code, 0, expired.output);
    assert.match(expired.output, /Cannot complete Allocation/);
    const valid = await uclient(turnPort, restCredential(SECRET, 'alice', 60), ['-e', '127.0.0.1', '-r', String(peerPort), '-n', '5', '-c']);
    assertRelayed(valid, 5, 'a credential minted here with the secret');
    assert.ok((await metric(srv, 'herald_turn_auth_failures_total')) >= failures + 2);
  });

  test('a TCP allocation ends with its connection', { timeout: 60_000 }, async () => {
    const before = await metric(srv, 'herald_turn_allocations');
    const created = await metric(srv, 'herald_turn_allocations_created_total');
    assertRelayed(await uclient(turnPort, await turnCredential(srv), ['-t', '-e', '127.0.0.1', '-r', String(peerPort), '-n', '5', '-c']), 5, 'TCP');
    assert.ok((await metric(srv, 'herald_turn_allocations_created_total')) > created);
    const deadline = Date.now() + 5000;
    while ((await metric(srv, 'herald_turn_allocations')) !== before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await metric(srv, 'herald_turn_allocations'), before, 'the allocations of the closed connections are gone');
  });
});

describe('STUN/TURN without turn.allow_peers', () => {
  let srv;
  let turnPort;
  let peerPort;
  let peer;
  before(async () => {
    turnPort = await freeUdpTcpPort();
    peerPort = await freeUdpTcpPort();
    const relays = await freeUdpRange(24);
    srv = await startServer({
      args: ['--turn-listen', `127.0.0.1:${turnPort}`, '--turn-secret', SECRET],
      env: { HERALD_TURN_RELAY_PORTS: relays.text },
      label: 'turn-policy',
    });
    peer = await startEchoPeer(peerPort);
  });
  after(async () => {
    if (peer && peer.exitCode === null) process.kill(peer.pid, 'SIGKILL');
    await srv?.stop();
  });

  test('a loopback peer is refused with 403', { timeout: 60_000 }, async () => {
    for (const extra of [['-c'], ['-c', '-s'], ['-c', '-t']]) {
      const run = await uclient(turnPort, await turnCredential(srv), ['-e', '127.0.0.1', '-r', String(peerPort), '-n', '5', ...extra]);
      assert.notEqual(run.code, 0, run.output);
      if (!/error 403/.test(run.output)) {
        const metrics = (await request(srv.base, 'GET', '/metrics')).text.split('\n').filter((l) => l.startsWith('herald_turn'));
        assert.fail(`${extra.join(' ')}: no 403\n${run.output.slice(-2000)}\n${metrics.join('\n')}`);
      }
    }
    assert.ok((await metric(srv, 'herald_turn_refused_peers_total')) >= 3);
    assert.equal(await metric(srv, 'herald_turn_relayed_packets_total{direction="to_peer"}'), 0);
  });
});

describe('GET /api/ice-servers where subscribing needs a token', () => {
  const AUTH_SECRET = 'token-secret';
  let srv;
  let turnPort;
  before(async () => {
    turnPort = await freeUdpTcpPort();
    srv = await startServer({
      args: ['--turn-listen', `127.0.0.1:${turnPort}`, '--turn-secret', SECRET, '--auth-secret', AUTH_SECRET],
      env: { HERALD_TURN_CREDENTIAL_TTL: '600', HERALD_TURN_PUBLIC_HOST: 'turn.example.test' },
      label: 'turn-auth',
    });
  });
  after(async () => srv?.stop());

  const token = (claims) => {
    const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
    return `${input}.${crypto.createHmac('sha256', AUTH_SECRET).update(input).digest('base64url')}`;
  };

  test('without a token: 401 token_required; with one: credentials for its subject', async () => {
    const refused = await request(srv.base, 'GET', '/api/ice-servers');
    assert.equal(refused.status, 401);
    assert.equal(refused.json().error.code, 'token_required');
    const bad = await request(srv.base, 'GET', '/api/ice-servers', { headers: { Authorization: 'Bearer not.a.token' } });
    assert.equal(bad.status, 401);
    const exp = Math.floor(Date.now() / 1000) + 600;
    const body = await iceServers(srv, { Authorization: `Bearer ${token({ sub: 'bob', exp })}` });
    assert.equal(body.ttl, 600);
    const [stun, turn] = body.iceServers;
    assert.deepEqual(stun.urls, [`stun:turn.example.test:${turnPort}`], 'turn.public_host names the host');
    assert.match(turn.username, /^\d+:bob$/);
    assert.equal(turn.credential, restPassword(SECRET, turn.username));
    const anonymousSubject = await iceServers(srv, { Authorization: `Bearer ${token({ exp })}` });
    assert.match(anonymousSubject.iceServers[1].username, /^\d+:anonymous$/, 'a token without sub');
  });
});

describe('[turn] configuration errors', () => {
  test('refused at start with exit status 2 and a clear message', async () => {
    const cases = [
      [['--turn-listen', '127.0.0.1:3478'], /turn\.secret/],
      [['--turn-listen', '127.0.0.1', '--turn-secret', 's'], /turn\.listen.*HOST:PORT/],
      [['--turn-listen', '0.0.0.0:3478', '--turn-secret', 's'], /turn\.relay_address/],
    ];
    for (const [args, message] of cases) {
      const run = await runHerald(['serve', ...args]);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
    const env = { HERALD_TURN_LISTEN: '127.0.0.1:3478', HERALD_TURN_SECRET: 's' };
    for (const [key, value, message] of [
      ['HERALD_TURN_RELAY_PORTS', '5000', /turn\.relay_ports/],
      ['HERALD_TURN_ALLOW_PEERS', 'not-a-range', /turn\.allow_peers/],
      ['HERALD_TURN_MAX_ALLOCATION_LIFETIME', '10', /turn\.max_allocation_lifetime/],
    ]) {
      const run = await runHerald(['serve'], { env: { ...env, [key]: value } });
      assert.equal(run.code, 2, `${key}=${value}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
  });
});
