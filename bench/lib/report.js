// The results of a bench/compare run: medians over rounds and ratios between servers, the markdown
// tables (figures, CPU split, problems), the gnuplot chart, and the files bench/results/<mode>.{json,md,png}
// (latest.* for the default mode, latest-redis.* for --redis). `render` rewrites them from a saved JSON.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const proc = require('./processes');
const { modeById } = require('./modes');
const { runProblems } = require('./runners');
const { loadavg } = require('./setup');

const RESULTS = path.join(proc.ROOT, 'bench', 'results');
const WORKERS = os.cpus().length;

function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

// One row per (workload, figure): the median of each server, then each ratio (null when not defined).
function summarize(mode, list, runs) {
  const rows = [];
  for (const w of list) {
    for (const f of w.figures) {
      const row = { workload: w.id, title: w.title, figure: f.label, key: f.key, better: f.better, digits: f.digits };
      for (const s of mode.servers) {
        row[s.id] = median(runs.filter((x) => x.workload === w.id && x.server === s.id && !x.result.error)
          .map((x) => x.result[f.key]));
      }
      for (const q of mode.ratios) {
        const num = row[q.num];
        const den = row[q.den];
        row[q.key] = num !== null && den !== null && den !== 0 ? num / den : null;
      }
      rows.push(row);
    }
  }
  return rows;
}

function fmtNum(x, digits) {
  if (x === null || x === undefined) return 'n/a';
  return digits === 0 ? Math.round(x).toLocaleString('en-US') : x.toFixed(digits);
}

const serverOf = (mode, id) => mode.servers.find((s) => s.id === id);
const ratioOf = (mode, id) => mode.ratios.find((q) => q.key === id);

function tableMarkdown(mode, rows) {
  const labels = mode.columns.map((c) => (serverOf(mode, c) || ratioOf(mode, c)).label);
  const lines = [`| workload | figure | ${labels.join(' | ')} | better |`,
    `|---|---|${mode.columns.map(() => '---:|').join('')}---|`];
  for (const r of rows) {
    const cells = mode.columns.map((c) => {
      if (serverOf(mode, c)) return fmtNum(r[c], r.digits);
      return r[c] === null ? 'n/a' : r[c].toFixed(2);
    });
    lines.push(`| ${r.title} | ${r.figure} | ${cells.join(' | ')} | ${r.better} |`);
  }
  return lines.join('\n');
}

function problemsMarkdown(mode, list, runs) {
  const lines = [];
  for (const x of runs) {
    const w = list.find((y) => y.id === x.workload);
    const p = runProblems(w, x.result);
    if (p) lines.push(`- round ${x.round}, ${w.title}, ${serverOf(mode, x.server).short}: ${p}`);
  }
  return lines.length ? lines.join('\n') : '- none: every run delivered every message, without failures or errors';
}

function cpuMarkdown(mode, list, runs) {
  const broker = mode.broker ? ' of which Redis CPU s |' : '';
  const lines = [`| workload | server | ${mode.broker ? 'server+Redis' : 'server'} CPU s |${broker} herald-bench CPU s | ` +
    'wall s (first publish to last delivery) | load avg 1 min |',
  `|---|---|---:|${mode.broker ? '---:|' : ''}---:|---:|---:|`];
  for (const w of list.filter((x) => x.kind === 'bench')) {
    for (const s of mode.servers) {
      const rs = runs.filter((x) => x.workload === w.id && x.server === s.id && !x.result.error);
      if (!rs.length) continue;
      const m = (f) => median(rs.map(f));
      const brokerCell = mode.broker ? ` ${fmtNum(m((x) => x.result.broker_cpu_seconds), 2)} |` : '';
      lines.push(`| ${w.title} | ${s.label} | ${fmtNum(m((x) => x.result.server_cpu_seconds), 2)} |${brokerCell} ` +
        `${fmtNum(m((x) => x.result.client_cpu_seconds), 2)} | ${fmtNum(m((x) => x.result.duration_seconds), 2)} | ` +
        `${fmtNum(m((x) => x.load1), 2)} |`);
    }
  }
  return lines.join('\n');
}

function plotPanel(mode, dir, rows, name, title, logscale) {
  if (!rows.length) return '';
  const file = path.join(dir, `${name}.dat`);
  fs.writeFileSync(file, rows.map((r) => `"${r.workload}" ${mode.servers.map((s) => r[s.id]).join(' ')}`).join('\n') + '\n');
  const scale = logscale ? 'set logscale y\nset yrange [0.5:*]' : 'unset logscale y\nset yrange [0:*]';
  const series = mode.servers.map((s, i) => (i === 0 ? `"${file}" using 2:xtic(1)` : `"" using ${i + 2}`) +
    ` title "${s.label}" lc rgb "${s.color}"`);
  return `set title "${title}"
${scale}
plot ${series.join(', ')}
`;
}

function writePlot(mode, rows) {
  const all = (r) => mode.servers.every((s) => r[s.id] !== null);
  const thr = rows.filter((r) => r.key === 'deliveries_per_second' && all(r));
  const p99 = rows.filter((r) => r.key === 'p99' && r.figure.startsWith('latency') && all(r));
  const panels = [thr, p99].filter((x) => x.length).length;
  if (!panels) return null;
  const dir = proc.makeTempDir(path.join(os.tmpdir(), 'herald-bench-plot-'));
  const png = path.join(RESULTS, `${mode.files}.png`);
  const script = `
set terminal pngcairo size ${panels * 700},560 font "sans,11"
set output "${png}"
set multiplot layout 1,${panels} title "${mode.plotTitle} (medians, loopback, ${WORKERS} cores)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key outside bottom center horizontal
set xtics rotate by -20
${plotPanel(mode, dir, thr, 'thr', 'deliveries per second (higher is better)', false)}
${plotPanel(mode, dir, p99, 'p99', 'latency p99, ms, log scale (lower is better)', true)}
unset multiplot
`;
  fs.writeFileSync(path.join(dir, 'plot.gp'), script);
  const r = spawnSync('gnuplot', [path.join(dir, 'plot.gp')], { encoding: 'utf8' });
  if (r.status !== 0) {
    proc.log(`gnuplot failed: ${r.stderr}`);
    return null;
  }
  return png;
}

// What the --redis deployments are, for the markdown file.
function deploymentsMarkdown(machine) {
  return [
    `Deployments, each run on a freshly started redis-server ${machine.redis} (no persistence, its own port and`,
    `directory): herald = 2 nodes (\`herald serve --engine redis://…\`, ${machine.nproc} workers each); Nchan = 2 nginx`,
    `instances (${machine.nproc} workers each, \`nchan_redis_url\` + \`nchan_use_redis on\`). Subscribers alternate between`,
    'the two nodes, publishers (and wrk) use the first node, so every delivery to the second node crossed Redis;',
    'server CPU includes the redis-server process (also given on its own). Reference: herald alone, 1 node on its',
    'memory engine, every subscriber on it.',
    '',
  ];
}

function writeResults(mode, opts, list, runs, rows, machine, startedAt, loadBefore, saved = null) {
  fs.mkdirSync(RESULTS, { recursive: true });
  const finishedAt = saved ? saved.finished_at : new Date().toISOString();
  const modeFields = mode.id === 'default' ? {}
    : { mode: mode.id, servers: mode.servers.map(({ id, label, spec }) => ({ id, label, ...spec })) };
  const doc = { started_at: startedAt, finished_at: finishedAt, ...modeFields, rounds: opts.rounds, quick: opts.quick, machine,
    load_average_before: loadBefore, load_average_after: saved ? saved.load_average_after : loadavg(),
    workloads: list.map(({ id, title, kind, transport, args }) => ({ id, title, kind, transport, args })),
    summary: rows.map((r) => {
      const out = { workload: r.workload, figure: r.figure, key: r.key, better: r.better };
      for (const s of mode.servers) out[s.id] = r[s.id];
      for (const q of mode.ratios) out[q.key] = r[q.key];
      return out;
    }),
    runs };
  fs.writeFileSync(path.join(RESULTS, `${mode.files}.json`), JSON.stringify(doc, null, 1) + '\n');
  const png = writePlot(mode, rows);
  const redisVersion = mode.broker ? `; redis-server ${machine.redis}` : '';
  const md = [
    `# ${mode.heading}`,
    '',
    `Started ${startedAt}, finished ${finishedAt}; ${opts.rounds} round(s)${opts.quick ? ' of the --quick workloads' : ''}; medians over rounds.`,
    '',
    `Machine: ${machine.nproc} cores, ${machine.cpu_model}, Linux ${machine.kernel}, ${machine.memory_gib} GiB.`,
    `Versions: ${machine.herald}; nginx ${machine.nginx} with libnginx-mod-nchan ${machine.nchan}; wrk ${machine.wrk}${redisVersion}.`,
    `Load average (1/5/15 min) before: ${loadBefore}; after: ${doc.load_average_after}.`,
    '',
    ...(mode.broker ? deploymentsMarkdown(machine) : []),
    tableMarkdown(mode, rows),
    '',
    `CPU split (medians; the load generator shares the ${machine.nproc} cores with the server${mode.broker ? 's and Redis' : ''}):`,
    '',
    cpuMarkdown(mode, list, runs),
    '',
    'Problems seen in individual runs:',
    '',
    problemsMarkdown(mode, list, runs),
    '',
    png ? `![deliveries per second and p99 latency](${mode.files}.png)` : '(no plot: gnuplot failed)',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(RESULTS, `${mode.files}.md`), md);
  return md;
}

// Rewrites the summary, markdown and plot of a saved results file (same workload definitions).
function render(file) {
  const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
  const mode = modeById(saved.mode);
  const ids = saved.workloads.map((w) => w.id);
  const list = mode.workloads(saved.quick).filter((w) => ids.includes(w.id));
  const rows = summarize(mode, list, saved.runs);
  const opts = { rounds: saved.rounds, quick: saved.quick };
  return writeResults(mode, opts, list, saved.runs, rows, saved.machine, saved.started_at,
    saved.load_average_before, saved);
}

module.exports = { RESULTS, summarize, fmtNum, writeResults, render };
