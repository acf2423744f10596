// The workloads of bench/compare: herald-bench arguments (the server-independent part) or wrk settings,
// and the figures reported for each. The default comparison (one node each, memory storage) and the
// scale-out one (--redis: two nodes on one Redis) have their own lists.
'use strict';

const DELIVERY_FIGURES = [
  { key: 'deliveries_per_second', label: 'deliveries/s', better: 'higher', digits: 0 },
  { key: 'p50', label: 'latency p50 ms', better: 'lower', digits: 2 },
  { key: 'p99', label: 'latency p99 ms', better: 'lower', digits: 2 },
  { key: 'cpu_us_per_delivery', label: 'server CPU µs/delivery', better: 'lower', digits: 2 },
  { key: 'problems', label: 'lost+dup+out_of_order', better: 'lower', digits: 0 },
];
const RATE_FIGURES = [
  { key: 'publish_rate', label: 'messages/s published (target 100)', better: 'higher', digits: 1 },
  { key: 'p50', label: 'latency p50 ms', better: 'lower', digits: 2 },
  { key: 'p90', label: 'latency p90 ms', better: 'lower', digits: 2 },
  { key: 'p99', label: 'latency p99 ms', better: 'lower', digits: 2 },
  { key: 'max', label: 'latency max ms', better: 'lower', digits: 2 },
  { key: 'cpu_us_per_delivery', label: 'server CPU µs/delivery', better: 'lower', digits: 2 },
  { key: 'problems', label: 'lost+dup+out_of_order', better: 'lower', digits: 0 },
];
const IDLE_FIGURES = [{ key: 'rss_per_connection', label: 'server RSS bytes/connection', better: 'lower', digits: 0 }];
const WRK_FIGURES = [
  { key: 'requests_per_second', label: 'publish requests/s', better: 'higher', digits: 0 },
  { key: 'p99', label: 'request latency p99 ms', better: 'lower', digits: 2 },
];

const SLOW_READERS = { threads: 1, read_every_ms: 5 };

function workloads(quick) {
  const q = (full, small) => (quick ? small : full);
  return [
    { id: 'sse-burst', title: 'SSE fan-out burst', kind: 'bench', transport: 'sse', figures: DELIVERY_FIGURES,
      args: { subscribers: q(2000, 200), channels: 1, messages: q(1000, 100), size: 64, publishers: 1 } },
    { id: 'ws-burst', title: 'WebSocket fan-out burst', kind: 'bench', transport: 'ws', figures: DELIVERY_FIGURES,
      args: { subscribers: q(2000, 200), channels: 1, messages: q(1000, 100), size: 64, publishers: 1 } },
    // Slow readers: one herald-bench thread whose subscribers read at most every 5 ms.
    { id: 'sse-burst-slow', title: 'SSE fan-out burst, slow readers', kind: 'bench', transport: 'sse',
      figures: DELIVERY_FIGURES, args: { ...SLOW_READERS, subscribers: q(2000, 200), channels: 1, messages: q(1000, 100),
        size: 64, publishers: 1 } },
    { id: 'ws-burst-slow', title: 'WebSocket fan-out burst, slow readers', kind: 'bench', transport: 'ws',
      figures: DELIVERY_FIGURES, args: { ...SLOW_READERS, subscribers: q(2000, 200), channels: 1, messages: q(1000, 100),
        size: 64, publishers: 1 } },
    { id: 'sse-rate', title: 'SSE fixed rate (100 msg/s)', kind: 'bench', transport: 'sse', figures: RATE_FIGURES,
      args: { subscribers: q(2000, 200), channels: 1, messages: q(500, 100), size: 256, publishers: 1, rate: 100 } },
    { id: 'many-channels', title: 'Many channels (SSE)', kind: 'bench', transport: 'sse', figures: DELIVERY_FIGURES,
      args: { subscribers: q(5000, 500), channels: q(500, 50), messages: q(5000, 500), size: 64, publishers: 4 } },
    { id: 'idle-sse', title: 'Idle SSE connections', kind: 'idle', transport: 'sse', figures: IDLE_FIGURES,
      args: { subscribers: q(10000, 1000), channels: 100 } },
    { id: 'idle-ws', title: 'Idle WebSocket connections', kind: 'idle', transport: 'ws', figures: IDLE_FIGURES,
      args: { subscribers: q(10000, 1000), channels: 100 } },
    { id: 'publish', title: 'HTTP publish throughput (wrk)', kind: 'wrk', figures: WRK_FIGURES,
      args: { seconds: q(10, 2), threads: 2, connections: 64 } },
    { id: 'longpoll', title: 'Long polling', kind: 'bench', transport: 'longpoll', figures: DELIVERY_FIGURES,
      args: { subscribers: q(1000, 100), channels: 1, messages: q(500, 100), size: 64, publishers: 1 } },
  ];
}

// --redis: server CPU includes the Redis process, which is also given on its own.
const withBroker = (figures) => figures.flatMap((f) => (f.key !== 'cpu_us_per_delivery' ? [f] : [
  { ...f, label: 'server+Redis CPU µs/delivery' },
  { key: 'broker_cpu_us_per_delivery', label: 'of which Redis CPU µs/delivery', better: 'lower', digits: 2 },
]));

// Subscribers alternate between the two nodes of a deployment; publishers (and wrk) use the first node.
function redisWorkloads(quick) {
  const q = (full, small) => (quick ? small : full);
  const deliveries = withBroker(DELIVERY_FIGURES);
  return [
    { id: 'sse-burst', title: 'SSE fan-out burst', kind: 'bench', transport: 'sse', figures: deliveries,
      args: { subscribers: q(2000, 200), channels: 1, messages: q(1000, 100), size: 64, publishers: 1 } },
    { id: 'ws-burst', title: 'WebSocket fan-out burst', kind: 'bench', transport: 'ws', figures: deliveries,
      args: { subscribers: q(2000, 200), channels: 1, messages: q(1000, 100), size: 64, publishers: 1 } },
    { id: 'sse-rate', title: 'SSE fixed rate (100 msg/s)', kind: 'bench', transport: 'sse', figures: withBroker(RATE_FIGURES),
      args: { subscribers: q(2000, 200), channels: 1, messages: q(500, 100), size: 256, publishers: 1, rate: 100 } },
    { id: 'many-channels', title: 'Many channels (SSE)', kind: 'bench', transport: 'sse', figures: deliveries,
      args: { subscribers: q(5000, 500), channels: q(500, 50), messages: q(5000, 500), size: 64, publishers: 4 } },
    { id: 'longpoll', title: 'Long polling', kind: 'bench', transport: 'longpoll', figures: deliveries,
      args: { subscribers: q(1000, 100), channels: 1, messages: q(500, 100), size: 64, publishers: 1 } },
    { id: 'publish', title: 'HTTP publish throughput (wrk, one node)', kind: 'wrk', figures: WRK_FIGURES,
      args: { seconds: q(10, 2), threads: 2, connections: 64 } },
  ];
}

module.exports = { workloads, redisWorkloads };
