// What bench/compare needs before it measures: the Debian packages of the mode (installed quietly with
// apt-get when missing), herald and herald-bench built (scripts/setup.sh, scripts/build.sh), and the
// description of the machine and versions written with the results.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const proc = require('./processes');
const { HERALD } = require('./servers');

function installed(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return (r.stdout || '').includes('install ok installed');
}

function ensurePackages(packages) {
  const hasNginx = spawnSync('bash', ['-c', 'command -v nginx']).status === 0;
  const missing = packages.filter((p) => (p === 'nginx-light' ? !hasNginx && !installed(p) : !installed(p)));
  if (!missing.length) return;
  proc.log(`installing ${missing.join(' ')}`);
  const sudo = process.getuid() === 0 ? [] : ['sudo'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => {
    const r = spawnSync(sudo.length ? 'sudo' : args[0], sudo.length ? args : args.slice(1), { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed`);
  };
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
}

function build(logPath) {
  proc.log(`building herald and herald-bench (scripts/setup.sh, scripts/build.sh; log: ${logPath})`);
  const fd = fs.openSync(logPath, 'a');
  for (const script of ['scripts/setup.sh', 'scripts/build.sh']) {
    const r = spawnSync('bash', [path.join(proc.ROOT, script)], { stdio: ['ignore', fd, fd], cwd: proc.ROOT });
    if (r.status !== 0) {
      fs.closeSync(fd);
      throw new Error(`${script} failed; see ${logPath}`);
    }
  }
  fs.closeSync(fd);
}

// `withRedis`: also the redis-server version (the --redis mode).
function machineInfo(withRedis) {
  const read = (f) => { try { return fs.readFileSync(f, 'utf8'); } catch { return ''; } };
  const cpuModel = (read('/proc/cpuinfo').match(/model name\s*:\s*(.*)/) || [])[1] || 'unknown';
  const memKb = Number((read('/proc/meminfo').match(/MemTotal:\s+(\d+)/) || [])[1] || 0);
  const out = (cmd, args) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    return ((r.stdout || '') + (r.stderr || '')).trim();
  };
  const info = {
    nproc: os.cpus().length,
    cpu_model: cpuModel.trim(),
    kernel: os.release(),
    memory_gib: Math.round((memKb / 1048576) * 10) / 10,
    herald: out(HERALD, ['version']),
    nginx: out('nginx', ['-v']).replace('nginx version: ', ''),
    nchan: out('dpkg-query', ['-W', '-f=${Version}', 'libnginx-mod-nchan']),
    wrk: out('dpkg-query', ['-W', '-f=${Version}', 'wrk']),
  };
  if (withRedis) info.redis = (out('redis-server', ['--version']).match(/v=(\S+)/) || [])[1] || 'unknown';
  return info;
}

const loadavg = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

module.exports = { ensurePackages, build, machineInfo, loadavg };
