// Running one workload against one deployment: herald-bench (subscribers spread over the deployment's
// nodes, publishers on its first node, the nodes' and the broker's CPU sampled) or wrk (publishing to
// the first node), their results parsed, and the problems of a run in words.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const proc = require('./processes');
const { publishPath } = require('./servers');

const BENCH = path.join(proc.ROOT, 'build', 'tools', 'herald-bench', 'herald-bench');
const WRK_SCRIPT = path.join(proc.ROOT, 'bench', 'wrk-publish.lua');

function serverArgs(deployment) {
  const { nodes, broker } = deployment;
  const args = nodes.map((node) => ['--url', `http://127.0.0.1:${node.port}`]).flat();
  for (const node of nodes) args.push(...node.pids.flatMap((pid) => ['--pid', String(pid)]));
  if (broker) args.push(...broker.pids.flatMap((pid) => ['--broker-pid', String(pid)]));
  if (nodes[0].kind === 'nchan')
    args.push('--sub-path', '/sub/{channel}', '--pub-path', '/pub/{channel}', '--ws-subscribe', '', '--lp-style', 'nchan',
      '--sse-ready', 'headers');
  return args;
}

async function runBench(workload, deployment, quick, logFd) {
  const a = workload.args;
  const timeout = quick ? 60 : 150;
  const argv = [BENCH, ...serverArgs(deployment), '--transport', workload.transport, '--json', '--timeout', String(timeout),
    '--subscribers', String(a.subscribers), '--channels', String(a.channels)];
  if (workload.kind === 'idle') argv.push('--idle', '--settle', '1');
  else argv.push('--messages', String(a.messages), '--size', String(a.size), '--publishers', String(a.publishers),
    '--rate', String(a.rate || 0), '--quiet', '10');
  if (a.threads) argv.push('--threads', String(a.threads));
  if (a.read_every_ms) argv.push('--read-every', String(a.read_every_ms));
  fs.writeSync(logFd, `\n$ ${argv.map((x) => (x === '' ? "''" : x)).join(' ')}\n`);
  const res = await proc.runProcess(argv, { timeoutMs: (timeout + 30) * 1000, logFd, ulimit: true });
  const line = res.stdout.trim().split('\n').pop() || '';
  let r;
  try {
    r = JSON.parse(line);
  } catch {
    return { error: `herald-bench exited ${res.code ?? res.signal} without a result` };
  }
  r.exit_code = res.code;
  r.p50 = r.latency_ms.p50;
  r.p90 = r.latency_ms.p90;
  r.p99 = r.latency_ms.p99;
  r.max = r.latency_ms.max;
  r.problems = r.lost + r.duplicated + r.out_of_order + r.unexpected;
  return r;
}

function parseWrk(text) {
  const num = (re) => {
    const m = text.match(re);
    return m ? Number(m[1]) : null;
  };
  const ms = (re) => {
    const m = text.match(re);
    if (!m) return null;
    const unit = { us: 0.001, ms: 1, s: 1000, m: 60000 }[m[2]];
    return Number(m[1]) * unit;
  };
  const socketErrors = text.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  return {
    requests_per_second: num(/Requests\/sec:\s+([\d.]+)/),
    requests: num(/(\d+) requests in/),
    non_2xx: num(/Non-2xx or 3xx responses: (\d+)/) || 0,
    socket_errors: socketErrors ? socketErrors.slice(1).reduce((s, x) => s + Number(x), 0) : 0,
    p50: ms(/\s50%\s+([\d.]+)(us|ms|s|m)/),
    p99: ms(/\s99%\s+([\d.]+)(us|ms|s|m)/),
  };
}

async function runWrk(workload, deployment, logFd) {
  const a = workload.args;
  const node = deployment.nodes[0];
  const channel = `bench-publish-${process.pid}-${Date.now()}`;
  const argv = ['wrk', `-t${a.threads}`, `-c${a.connections}`, `-d${a.seconds}s`, '--latency', '-s', WRK_SCRIPT,
    `http://127.0.0.1:${node.port}${publishPath(node, channel)}`];
  fs.writeSync(logFd, `\n$ ${argv.join(' ')}\n`);
  const res = await proc.runProcess(argv, { timeoutMs: (a.seconds + 30) * 1000, logFd, ulimit: true });
  fs.writeSync(logFd, res.stdout);
  const r = parseWrk(res.stdout);
  if (r.requests_per_second === null) return { error: `wrk exited ${res.code ?? res.signal} without a result` };
  return r;
}

const runWorkload = (workload, deployment, quick, logFd) => (workload.kind === 'wrk'
  ? runWrk(workload, deployment, logFd) : runBench(workload, deployment, quick, logFd));

function runProblems(workload, r) {
  if (r.error) return r.error;
  const notes = [];
  if (workload.kind === 'wrk') {
    if (r.non_2xx) notes.push(`${r.non_2xx} non-2xx answers`);
    if (r.socket_errors) notes.push(`${r.socket_errors} socket errors`);
    return notes.join(', ');
  }
  if (r.failed) notes.push(`${r.failed} subscribe failures`);
  if (r.disconnects) notes.push(`${r.disconnects} disconnects`);
  if (r.publish_errors) notes.push(`${r.publish_errors} publish errors`);
  if (r.lost) notes.push(`${r.lost} lost`);
  if (r.duplicated) notes.push(`${r.duplicated} duplicated`);
  if (r.out_of_order) notes.push(`${r.out_of_order} out of order`);
  if (r.unexpected) notes.push(`${r.unexpected} unexpected`);
  if (notes.length && r.first_error) notes.push(`first error: ${r.first_error}`);
  return notes.join(', ');
}

module.exports = { BENCH, runWorkload, runProblems };
