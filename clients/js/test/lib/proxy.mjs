// A small HTTP/WebSocket forwarding proxy on 127.0.0.1 for the tests: it passes everything to herald
// and can misbehave on demand: hold SSE response bodies (a buffering proxy), refuse WebSocket
// upgrades, drop every connection, refuse new connections for a while, freeze the open WebSockets
// (a half-open connection: nothing passes, and herald is not told when the client gives up).
import http from 'node:http';
import net from 'node:net';

export async function startProxy(target) {
  const upstream = new URL(target);
  const sockets = new Set();
  const tunnels = new Set(); // open WebSocket tunnels: { socket, up, frozen }
  const mode = { holdSse: false, refuseWebSocket: false, refusing: false };
  const counts = { sse: 0, heldSse: 0, ws: 0, refusedWs: 0, lp: 0 };
  const track = (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    return socket;
  };

  const server = http.createServer((req, res) => {
    if (req.url.startsWith('/api/sse')) counts.sse += 1;
    if (req.url.startsWith('/api/lp')) counts.lp += 1;
    const up = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent: false },
      (upRes) => {
        res.writeHead(upRes.statusCode, upRes.headers);
        if (mode.holdSse && /text\/event-stream/.test(upRes.headers['content-type'] ?? '')) {
          counts.heldSse += 1;
          res.flushHeaders(); // the headers get through, the body never does
          upRes.resume();
          return;
        }
        upRes.pipe(res);
      },
    );
    up.on('socket', track);
    up.on('error', () => res.destroy());
    res.on('close', () => up.destroy());
    req.pipe(up);
  });
  server.on('connection', (socket) => {
    if (mode.refusing) socket.destroy();
    else track(socket);
  });
  server.on('upgrade', (req, socket, head) => {
    counts.ws += 1;
    if (mode.refuseWebSocket) {
      counts.refusedWs += 1;
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const up = track(net.connect(Number(upstream.port), upstream.hostname));
    up.on('connect', () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      up.write(head);
      socket.pipe(up).pipe(socket);
    });
    const tunnel = { socket, up, frozen: false };
    tunnels.add(tunnel);
    const end = () => {
      tunnels.delete(tunnel);
      socket.destroy();
      if (!tunnel.frozen) up.destroy(); // a frozen tunnel's herald side stays open until herald closes it
    };
    up.on('error', end);
    socket.on('error', end);
    up.on('close', end);
    socket.on('close', end);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    base: `http://127.0.0.1:${server.address().port}`,
    mode,
    counts,
    /** Stops every open WebSocket in both directions without closing it; new ones pass as usual. */
    freezeWebSockets() {
      for (const tunnel of tunnels) {
        tunnel.frozen = true;
        tunnel.socket.unpipe(tunnel.up);
        tunnel.up.unpipe(tunnel.socket);
        tunnel.socket.pause();
        tunnel.up.pause();
      }
    },
    /** Cuts every open connection, both sides. */
    dropAll() {
      for (const socket of sockets) socket.destroy();
    },
    async close() {
      this.dropAll();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
