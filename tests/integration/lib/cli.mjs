// Running the herald binary's client subcommands (publish, subscribe, version, --help).
import { spawn } from 'node:child_process';
import { HERALD_BIN, childEnv, trackChild } from './server.mjs';
import { waitFor, withTimeout } from './util.mjs';

/** Runs `herald ...args` to completion (bounded). Resolves {code, signal, stdout, stderr}. */
export function runHerald(args, { timeout = 15_000, env = {} } = {}) {
  return withTimeout(
    new Promise((resolve, reject) => {
      const child = trackChild(spawn(HERALD_BIN, args, { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] }));
      let stdout = '';
      let stderr = '';
      const killer = setTimeout(() => child.kill('SIGKILL'), timeout);
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', (err) => {
        clearTimeout(killer);
        reject(err);
      });
      child.on('close', (code, signal) => {
        clearTimeout(killer);
        resolve({ code, signal, stdout, stderr });
      });
    }),
    timeout + 5000,
    `herald ${args.join(' ')}`,
  );
}

/**
 * Starts a long-running `herald ...args` (e.g. subscribe) collecting stdout lines.
 * Returns {child, lines, json(), stderr(), waitLines(n), stop()}.
 */
export function spawnHerald(args, { env = {} } = {}) {
  const child = trackChild(spawn(HERALD_BIN, args, { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] }));
  const lines = [];
  let partial = '';
  let stderr = '';
  let exit = null;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    partial += d;
    const parts = partial.split('\n');
    partial = parts.pop();
    for (const l of parts) if (l.trim() !== '') lines.push(l.replace(/\r$/, ''));
  });
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
    child.on('error', (err) => {
      exit = { error: err.message };
      resolve(exit);
    });
  });
  const handle = {
    child,
    lines,
    exited,
    stderr: () => stderr,
    /** Every stdout line parsed as JSON (throws with the line on a non-JSON line). */
    json() {
      return lines.map((l) => {
        try {
          return JSON.parse(l);
        } catch {
          throw new Error(`herald ${args[0]} printed a non-JSON line: ${l}`);
        }
      });
    },
    waitLines(n, { timeout = 15_000, label } = {}) {
      return waitFor(() => lines.length >= n, {
        timeout,
        interval: 20,
        label: label ?? `${n} lines from herald ${args.join(' ')}`,
        describe: () => `lines=${lines.length} exit=${JSON.stringify(exit)} last=${JSON.stringify(lines.slice(-3))} stderr=${JSON.stringify(stderr.slice(-500))}`,
      });
    },
    async stop() {
      if (exit) return exit;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      const info = await exited;
      clearTimeout(timer);
      return info;
    },
  };
  return handle;
}
