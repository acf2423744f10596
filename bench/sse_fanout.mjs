// Rough SSE fan-out measurement: N subscribers on one channel, M messages published in batches,
// reports deliveries per second and the server's CPU time per delivery. A first figure, not the
// careful comparison (see docs/benchmarks.md once herald-bench lands).
// Usage: node bench/sse_fanout.mjs --url http://127.0.0.1:8080 --pid SERVER_PID [--subscribers 1000] [--messages 1000]
import http from "node:http";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:8080" },
    pid: { type: "string" },
    subscribers: { type: "string", default: "1000" },
    messages: { type: "string", default: "1000" },
    timeout: { type: "string", default: "120" },
  },
});
const base = new URL(values.url);
const subscribers = Number(values.subscribers);
const messages = Number(values.messages);
const channel = `bench-${process.pid}-${Date.now()}`;
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

function cpuSeconds(pid) {
  if (!pid) return NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;  // utime + stime, in clock ticks
}

function subscribe() {
  return new Promise((resolve, reject) => {
    const state = { count: 0, lastOffset: 0, errors: 0 };
    const request = http.get(
      { host: base.hostname, port: base.port, path: `/api/sse?channel=${channel}`, agent },
      (response) => {
        response.setEncoding("utf8");
        let pending = "";
        response.on("data", (chunk) => {
          pending += chunk;
          let end;
          while ((end = pending.indexOf("\n\n")) >= 0) {
            const block = pending.slice(0, end);
            pending = pending.slice(end + 2);
            const match = /^id: [a-z0-9]+:(\d+)\nevent: message\n/m.exec(block);
            if (!match) continue;
            const offset = Number(match[1]);
            if (offset !== state.lastOffset + 1) state.errors += 1;
            state.lastOffset = offset;
            state.count += 1;
          }
        });
        resolve({ state, close: () => request.destroy() });
      },
    );
    request.on("error", reject);
  });
}

async function publish(batch) {
  const body = JSON.stringify({ messages: batch.map((i) => ({ channel, data: { i, pad: "x".repeat(40) } })) });
  const response = await fetch(new URL("/api/publish", base), { method: "POST", body });
  if (!response.ok) throw new Error(`publish failed: ${response.status} ${await response.text()}`);
}

const subs = [];
for (let i = 0; i < subscribers; i += 100) {
  subs.push(...(await Promise.all(Array.from({ length: Math.min(100, subscribers - i) }, subscribe))));
}
await new Promise((r) => setTimeout(r, 500));
const cpuBefore = cpuSeconds(values.pid);
const started = performance.now();
for (let i = 1; i <= messages; i += 100) await publish(Array.from({ length: Math.min(100, messages - i + 1) }, (_, k) => i + k));
const expected = subscribers * messages;
const deadline = started + Number(values.timeout) * 1000;
let delivered = 0;
while (performance.now() < deadline) {
  delivered = subs.reduce((sum, s) => sum + s.state.count, 0);
  if (delivered >= expected) break;
  await new Promise((r) => setTimeout(r, 5));
}
const seconds = (performance.now() - started) / 1000;
const cpu = cpuSeconds(values.pid) - cpuBefore;
const errors = subs.reduce((sum, s) => sum + s.state.errors, 0);
subs.forEach((s) => s.close());
console.log(JSON.stringify({
  subscribers, messages, delivered, expected, order_errors: errors, seconds: +seconds.toFixed(3),
  deliveries_per_second: Math.round(delivered / seconds),
  server_cpu_us_per_delivery: +((cpu * 1e6) / delivered).toFixed(3),
}));
process.exit(delivered === expected && errors === 0 ? 0 : 1);
