// The live dashboard's script (dashboard.html): follows demo.metrics (one summary of GET /metrics a
// second, published by `herald demo-backend`), starting with the samples herald still holds, and draws
// two dependency-free SVG line charts of the last minute.
import { Herald } from '/herald.js';
import { $, element, showConnection } from '/demo-common.js';

const CHANNEL = 'demo.metrics';
const WINDOW_MS = 60_000;
const WIDTH = 600;
const HEIGHT = 180;
const NO_SAMPLE_HINT_MS = 4000;
const TRAFFIC_CHANNEL = 'demo.traffic';
const COLORS = { ws: '#2e5bff', sse: '#12b76a', longpoll: '#f79009', history: '#7a5af8', http: '#98a2b3' };
const CHARTS = {
  delivered: { series: ['ws', 'sse', 'longpoll', 'history'], value: (s, k) => s.delivered_per_second?.[k] ?? 0 },
  connections: { series: ['ws', 'sse', 'longpoll', 'http'], value: (s, k) => s.connections?.[k] ?? 0 },
};
const LABELS = { ws: 'WebSocket', sse: 'SSE', longpoll: 'long polling', history: 'history', http: 'HTTP' };

const herald = new Herald('');
const samples = [];
window.dashboard = { samples, trafficReceived: 0 }; // for the browser tests
showConnection(herald, $('status'));

function addSample(message) {
  if (message.event !== 'metrics' || typeof message.data?.time !== 'number') return;
  samples.push(message.data);
  while (samples.length && samples[0].time < message.data.time - WINDOW_MS) samples.shift();
}

function niceMax(value) {
  if (value <= 5) return 5;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 2.5, 5, 10].map((f) => f * power).find((v) => v >= value);
}

function drawChart(name) {
  const { series, value } = CHARTS[name];
  const svg = $(`chart-${name}`);
  const now = samples.at(-1)?.time ?? Date.now();
  const max = niceMax(Math.max(0, ...samples.flatMap((s) => series.map((k) => value(s, k)))));
  const x = (t) => ((t - (now - WINDOW_MS)) / WINDOW_MS) * WIDTH;
  const y = (v) => HEIGHT - 4 - (v / max) * (HEIGHT - 8);
  const nodes = [1, 2, 3].map((i) => {
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'line');
    line.setAttribute('class', 'grid');
    line.setAttribute('x1', '0');
    line.setAttribute('x2', String(WIDTH));
    line.setAttribute('y1', String((HEIGHT * i) / 4));
    line.setAttribute('y2', String((HEIGHT * i) / 4));
    return line;
  });
  for (const key of series) {
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    line.setAttribute('stroke', COLORS[key]);
    line.dataset.series = key;
    line.setAttribute('points', samples.map((s) => `${x(s.time).toFixed(1)},${y(value(s, key)).toFixed(1)}`).join(' '));
    nodes.push(line);
  }
  svg.replaceChildren(...nodes);
  $(`max-${name}`).textContent = `max ${max}`;
  const last = samples.at(-1);
  $(`legend-${name}`).replaceChildren(
    ...series.map((key) => {
      const item = element('span', '', `${LABELS[key]} ${last ? value(last, key) : 0}`);
      item.style.setProperty('--c', COLORS[key]);
      return item;
    }),
  );
}

function render() {
  const last = samples.at(-1);
  if (last) {
    const open = Object.values(last.connections ?? {}).reduce((a, b) => a + b, 0);
    $('tile-connections').textContent = String(open);
    $('tile-delivered').textContent = String(last.delivered_per_second?.total ?? 0);
    $('tile-published').textContent = String(last.published_per_second ?? 0);
    $('tile-channels').textContent = String(last.channels ?? 0);
    $('sample-state').textContent = `last sample ${new Date(last.time).toLocaleTimeString()} · ${samples.length} in the chart`;
    $('no-backend').classList.add('hidden');
  }
  drawChart('delivered');
  drawChart('connections');
}

async function start() {
  let since = null;
  try {
    const past = await herald.history(CHANNEL, { limit: 60 });
    for (const message of past.messages) addSample(message);
    since = past.cursor;
  } catch {
    // the live samples still come; the chart starts empty
  }
  render();
  herald.subscribe(CHANNEL, {
    since,
    onMessage: (message) => {
      addSample(message);
      render();
    },
  });
  // Deliveries to see when the traffic button is pressed: this page subscribes to the channel it fills.
  herald.subscribe(TRAFFIC_CHANNEL, { onMessage: () => (window.dashboard.trafficReceived += 1) });
  setTimeout(() => samples.length === 0 && $('no-backend').classList.remove('hidden'), NO_SAMPLE_HINT_MS);
}

// 30 batches of 10 messages over 3 seconds, published over HTTP like a backend would.
$('traffic').addEventListener('click', async () => {
  const button = $('traffic');
  button.disabled = true;
  try {
    for (let batch = 0; batch < 30; batch += 1) {
      const messages = Array.from({ length: 10 }, (_, i) => ({ channel: TRAFFIC_CHANNEL, data: { n: batch * 10 + i } }));
      const response = await fetch('/api/publish', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ messages }) });
      if (!response.ok) {
        const body = await response.json().catch(() => ({}));
        $('sample-state').textContent = `traffic not published: ${body.error?.message ?? response.status}`;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    button.disabled = false;
  }
});

start();
