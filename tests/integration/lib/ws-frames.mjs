// Raw RFC 6455 over node:net, for protocol-level tests: a handshake, a frame builder that can produce any
// (also invalid) client frame, and a reader that parses the server's frames and its close code.
//   const c = await rawWsConnect(port);              // 101 checked, Sec-WebSocket-Accept checked
//   c.send(frame({ opcode: 1, payload: '{"op":"ping"}' }));
//   const close = await c.waitClose();               // {code, reason, reasonBytes, payload}
//   await c.waitEnd();                               // the server ended the TCP connection
import net from 'node:net';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { withTimeout } from './util.mjs';

export const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export const OP = { CONT: 0x0, TEXT: 0x1, BINARY: 0x2, CLOSE: 0x8, PING: 0x9, PONG: 0xa };

/** Sec-WebSocket-Accept for a key. */
export function acceptFor(key) {
  return createHash('sha1').update(key + WS_GUID).digest('base64');
}

function toBuffer(payload) {
  if (payload === undefined || payload === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(payload)) return payload;
  if (payload instanceof Uint8Array) return Buffer.from(payload);
  return Buffer.from(String(payload), 'utf8');
}

/**
 * One client frame, as bytes.
 * @param {object} o
 * @param {number} [o.opcode=1]
 * @param {Buffer|string} [o.payload]
 * @param {boolean} [o.fin=true]
 * @param {boolean} [o.rsv1] @param {boolean} [o.rsv2] @param {boolean} [o.rsv3]
 * @param {boolean} [o.mask=true]  a client must mask; false produces an (invalid) unmasked frame
 * @param {Buffer} [o.maskKey]     4 bytes (default random)
 */
export function frame({ opcode = OP.TEXT, payload, fin = true, rsv1 = false, rsv2 = false, rsv3 = false, mask = true, maskKey } = {}) {
  const data = toBuffer(payload);
  const len = data.length;
  let header;
  if (len < 126) {
    header = Buffer.alloc(2);
    header[1] = len;
  } else if (len < 65536) {
    header = Buffer.alloc(4);
    header[1] = 126;
    header.writeUInt16BE(len, 2);
  } else {
    header = Buffer.alloc(10);
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  header[0] = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | (rsv2 ? 0x20 : 0) | (rsv3 ? 0x10 : 0) | (opcode & 0x0f);
  if (!mask) return Buffer.concat([header, data]);
  header[1] |= 0x80;
  const key = maskKey ?? randomBytes(4);
  const masked = Buffer.alloc(len);
  for (let i = 0; i < len; i += 1) masked[i] = data[i] ^ key[i & 3];
  return Buffer.concat([header, key, masked]);
}

/** Close frame payload: 2-byte code + reason (string or Buffer). `code` undefined → empty payload. */
export function closePayload(code, reason = '') {
  if (code === undefined) return Buffer.alloc(0);
  const b = Buffer.alloc(2);
  b.writeUInt16BE(code, 0);
  return Buffer.concat([b, toBuffer(reason)]);
}

/** A masked client close frame. */
export function closeFrame(code, reason) {
  return frame({ opcode: OP.CLOSE, payload: closePayload(code, reason) });
}

/** A masked text frame with a JSON command. */
export function textFrame(obj, extra = {}) {
  return frame({ opcode: OP.TEXT, payload: typeof obj === 'string' ? obj : JSON.stringify(obj), ...extra });
}

/**
 * Incremental parser of server frames. Each parsed frame:
 * {fin, rsv1, rsv2, rsv3, opcode, masked, payload (Buffer), text (utf8), code/reason (close frames)}.
 */
export class FrameReader {
  constructor() {
    this.buf = Buffer.alloc(0);
    this.frames = [];
    this.errors = [];
  }

  push(chunk) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out = [];
    for (;;) {
      const f = this.parseOne();
      if (!f) break;
      this.frames.push(f);
      out.push(f);
    }
    return out;
  }

  parseOne() {
    const b = this.buf;
    if (b.length < 2) return null;
    const fin = (b[0] & 0x80) !== 0;
    const rsv1 = (b[0] & 0x40) !== 0;
    const rsv2 = (b[0] & 0x20) !== 0;
    const rsv3 = (b[0] & 0x10) !== 0;
    const opcode = b[0] & 0x0f;
    const masked = (b[1] & 0x80) !== 0;
    let len = b[1] & 0x7f;
    let pos = 2;
    if (len === 126) {
      if (b.length < 4) return null;
      len = b.readUInt16BE(2);
      pos = 4;
    } else if (len === 127) {
      if (b.length < 10) return null;
      const big = b.readBigUInt64BE(2);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
        this.errors.push(`absurd frame length ${big}`);
        len = Number.MAX_SAFE_INTEGER;
      } else len = Number(big);
      pos = 10;
    }
    let key;
    if (masked) {
      if (b.length < pos + 4) return null;
      key = b.subarray(pos, pos + 4);
      pos += 4;
    }
    if (b.length < pos + len) return null;
    let payload = Buffer.from(b.subarray(pos, pos + len));
    if (masked) for (let i = 0; i < payload.length; i += 1) payload[i] ^= key[i & 3];
    this.buf = b.subarray(pos + len);
    const f = { fin, rsv1, rsv2, rsv3, opcode, masked, payload };
    f.text = payload.toString('utf8');
    if (opcode === OP.CLOSE) {
      f.code = payload.length >= 2 ? payload.readUInt16BE(0) : undefined;
      f.reasonBytes = payload.subarray(2);
      f.reason = f.reasonBytes.toString('utf8');
    }
    return f;
  }
}

/** Describes frames briefly, for assertion messages. */
export function describeFrames(frames, max = 12) {
  const names = { 0: 'cont', 1: 'text', 2: 'binary', 8: 'close', 9: 'ping', 10: 'pong' };
  const items = frames.slice(-max).map((f) => {
    const n = names[f.opcode] ?? `op${f.opcode}`;
    if (f.opcode === OP.CLOSE) return `close(${f.code}${f.reason ? ` "${f.reason}"` : ''})`;
    const t = f.text.length > 80 ? `${f.text.slice(0, 80)}…` : f.text;
    return `${n}${f.fin ? '' : '[fin=0]'}${f.rsv1 ? '[rsv1]' : ''} ${JSON.stringify(t)}`;
  });
  return `${frames.length} frame(s)${frames.length > max ? `, last ${max}` : ''}: ${items.join(' | ')}`;
}

/**
 * Opens a TCP connection and performs the upgrade handshake. Resolves a RawWs once a 101 was read; rejects
 * (with {status, head, body}) on any other answer. `headers` adds/overrides request headers (null removes).
 * `early` (a Buffer) is written right after the request, in the same write, before the answer arrives.
 */
export function rawWsConnect(port, { path = '/api/ws', headers = {}, host = '127.0.0.1', timeout = 5000, protocol = 'herald.v1', early } = {}) {
  const key = randomBytes(16).toString('base64');
  const base = {
    Host: `${host}:${port}`,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': key,
    'Sec-WebSocket-Version': '13',
  };
  if (protocol) base['Sec-WebSocket-Protocol'] = protocol;
  const all = { ...base, ...headers };
  const lines = [`GET ${path} HTTP/1.1`];
  for (const [k, v] of Object.entries(all)) if (v !== null && v !== undefined) lines.push(`${k}: ${v}`);
  const requestText = `${lines.join('\r\n')}\r\n\r\n`;

  return withTimeout(
    new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.setNoDelay(true);
      let head = Buffer.alloc(0);
      let done = false;
      const fail = (err) => {
        if (done) return;
        done = true;
        socket.destroy();
        reject(err);
      };
      const onData = (chunk) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        const headText = head.subarray(0, end).toString('latin1');
        const rest = head.subarray(end + 4);
        const m = /^HTTP\/1\.1 (\d{3})/.exec(headText);
        const status = m ? Number(m[1]) : undefined;
        const resHeaders = {};
        for (const line of headText.split('\r\n').slice(1)) {
          const i = line.indexOf(':');
          if (i > 0) resHeaders[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
        }
        if (status !== 101) {
          // Collect the body a little longer (the server may send it in another segment).
          socket.off('data', onData);
          const chunks = [rest];
          socket.on('data', (c) => chunks.push(c));
          const finish = () => {
            const err = new Error(`handshake refused: ${headText.split('\r\n')[0]}`);
            err.status = status;
            err.head = headText;
            err.headers = resHeaders;
            err.body = Buffer.concat(chunks).toString('utf8');
            fail(err);
          };
          socket.on('end', finish);
          socket.on('close', finish);
          setTimeout(finish, 500);
          return;
        }
        done = true;
        socket.off('data', onData);
        socket.off('error', fail);
        const ws = new RawWs(socket, { status, headers: resHeaders, head: headText, key });
        try {
          assert.equal(resHeaders['sec-websocket-accept'], acceptFor(key), `Sec-WebSocket-Accept in ${headText}`);
        } catch (err) {
          socket.destroy();
          reject(err);
          return;
        }
        if (rest.length) ws.onData(rest);
        resolve(ws);
      };
      socket.on('data', onData);
      socket.on('error', fail);
      socket.on('close', () => fail(new Error(`connection closed before the handshake answer: ${head.toString('latin1')}`)));
      socket.on('connect', () => socket.write(early ? Buffer.concat([Buffer.from(requestText, 'latin1'), early]) : requestText));
    }),
    timeout,
    `raw handshake to :${port}${path}`,
  );
}

/** An upgraded raw connection. */
export class RawWs {
  constructor(socket, { status, headers, head, key }) {
    this.socket = socket;
    this.status = status;
    this.headers = headers;
    this.head = head;
    this.key = key;
    this.reader = new FrameReader();
    this.waiters = new Set();
    this.ended = false; // server ended/closed TCP
    this.socketError = null;
    this.endedAt = null;
    socket.on('data', (c) => this.onData(c));
    const onEnd = () => {
      if (!this.ended) {
        this.ended = true;
        this.endedAt = Date.now();
      }
      this.notify();
    };
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', (err) => {
      this.socketError = err;
      onEnd();
    });
  }

  get frames() {
    return this.reader.frames;
  }

  onData(chunk) {
    this.reader.push(chunk);
    this.notify();
  }

  notify() {
    for (const w of [...this.waiters]) w();
  }

  /** Writes raw bytes (one Buffer or several; written separately). */
  send(...buffers) {
    for (const b of buffers) if (!this.socket.destroyed) this.socket.write(b);
  }

  /** Waits until `pred(frames)` returns a truthy value; resolves it. */
  waitUntil(pred, { timeout = 5000, label = 'condition' } = {}) {
    return new Promise((resolve, reject) => {
      let timer;
      const check = () => {
        let v;
        try {
          v = pred(this.frames, this);
        } catch (err) {
          cleanup();
          reject(err);
          return;
        }
        if (v) {
          cleanup();
          resolve(v);
        }
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${label}: not seen within ${timeout} ms (tcp ended=${this.ended}); ${describeFrames(this.frames)}`));
      }, timeout);
      this.waiters.add(check);
      check();
    });
  }

  /** The first text frame (from index `from`) whose JSON matches `pred`. */
  waitJson(pred, { timeout = 5000, label = 'JSON frame', from = 0 } = {}) {
    return this.waitUntil(
      (frames) => {
        for (let i = from; i < frames.length; i += 1) {
          const f = frames[i];
          if (f.opcode !== OP.TEXT) continue;
          let obj;
          try {
            obj = JSON.parse(f.text);
          } catch {
            continue;
          }
          if (pred(obj)) return obj;
        }
        return null;
      },
      { timeout, label },
    );
  }

  /** The server's close frame (resolves {code, reason, reasonBytes, payload}). */
  waitClose({ timeout = 5000 } = {}) {
    return this.waitUntil((frames) => frames.find((f) => f.opcode === OP.CLOSE), { timeout, label: 'server close frame' });
  }

  /** Resolves when the server has ended the TCP connection. */
  waitEnd({ timeout = 5000 } = {}) {
    return this.waitUntil((_, self) => self.ended, { timeout, label: 'TCP connection end by the server' });
  }

  /** Stops reading from the socket (the kernel buffers fill up) / resumes. */
  pause() {
    this.socket.pause();
  }

  resume() {
    this.socket.resume();
  }

  destroy() {
    this.socket.destroy();
  }
}
