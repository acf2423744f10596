// What a bench/compare run compares: the deployments (servers) measured side by side, the columns of
// the table (medians per server and ratios between them), the workloads, the result files and the
// packages it needs. The default mode is one herald against one Nchan, both in memory; --redis is the
// scale-out configuration, two nodes each on a freshly started Redis, with herald on its memory engine
// as a reference.
'use strict';

const { workloads, redisWorkloads } = require('./workloads');

const BASE_PACKAGES = ['nginx-light', 'libnginx-mod-nchan', 'wrk', 'gnuplot-nox'];

const DEFAULT_MODE = {
  id: 'default',
  files: 'latest',
  heading: 'herald vs Nchan: latest run',
  plotTitle: 'herald vs Nchan',
  workloads,
  servers: [
    { id: 'herald', label: 'herald', short: 'herald', color: '#2b7bba', spec: { kind: 'herald', nodes: 1, redis: false } },
    { id: 'nchan', label: 'Nchan', short: 'nchan', color: '#e08a2c', spec: { kind: 'nchan', nodes: 1, redis: false } },
  ],
  ratios: [{ key: 'ratio', label: 'herald/Nchan', num: 'herald', den: 'nchan' }],
  columns: ['herald', 'nchan', 'ratio'],
  broker: false,
  warmUp: false,
  packages: BASE_PACKAGES,
};

const REDIS_MODE = {
  id: 'redis',
  files: 'latest-redis',
  heading: 'herald vs Nchan on Redis (two nodes each): latest run',
  plotTitle: 'two nodes on Redis: herald vs Nchan, and herald alone in memory',
  workloads: redisWorkloads,
  servers: [
    { id: 'herald_redis', label: 'herald, 2 nodes + Redis', short: 'herald on Redis', color: '#2b7bba',
      spec: { kind: 'herald', nodes: 2, redis: true } },
    { id: 'nchan_redis', label: 'Nchan, 2 nodes + Redis', short: 'Nchan on Redis', color: '#e08a2c',
      spec: { kind: 'nchan', nodes: 2, redis: true } },
    { id: 'herald_memory', label: 'herald, 1 node, memory', short: 'herald in memory', color: '#9ab7d3',
      spec: { kind: 'herald', nodes: 1, redis: false } },
  ],
  ratios: [
    { key: 'ratio', label: 'herald/Nchan (Redis)', num: 'herald_redis', den: 'nchan_redis' },
    { key: 'redis_cost', label: 'herald Redis/memory', num: 'herald_redis', den: 'herald_memory' },
  ],
  columns: ['herald_redis', 'nchan_redis', 'ratio', 'herald_memory', 'redis_cost'],
  broker: true,
  warmUp: true,
  packages: [...BASE_PACKAGES, 'redis-server'],
};

// The order of the servers in round `round` (from 1): rotated by one each round, so every server goes
// first, second, ... in turn (two servers: herald first in odd rounds, Nchan first in even ones).
function roundOrder(mode, round) {
  const ids = mode.servers.map((s) => s.id);
  const shift = (round - 1) % ids.length;
  return [...ids.slice(shift), ...ids.slice(0, shift)];
}

const modeById = (id) => (id === 'redis' ? REDIS_MODE : DEFAULT_MODE);

module.exports = { DEFAULT_MODE, REDIS_MODE, roundOrder, modeById };
