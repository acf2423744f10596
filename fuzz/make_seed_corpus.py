#!/usr/bin/env python3
# Writes the seed corpus of every fuzz target (fuzz/corpus/<target>/) from inputs of the unit and
# integration tests: valid and tricky requests, frames, commands, tokens and TOML. Run it again after
# changing it; findings added by hand (scripts/fuzz.sh --help) live in the same directories as
# regression-*, and this script leaves them alone.
import base64, hashlib, hmac, json, os, struct, zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus')


def write(target, name, data):
    directory = os.path.join(ROOT, target)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# --- http_request: raw requests as a client sends them
requests = {
    'publish-json': 'POST /api/publish HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n'
                    'Content-Length: {n}\r\n\r\n{"channel":"chat.1","data":{"t":"hi"},"x":1}',
    'publish-batch': 'POST /api/publish HTTP/1.1\r\nHost: h\r\nContent-Length: {n}\r\n\r\n'
                     '{"messages":[{"channel":"a","data":1},{"channel":"b","data":2,"event":"e","idempotency_key":"k"}]}',
    'publish-raw': 'POST /api/publish/room%3A1?event=said HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\n'
                   'Idempotency-Key: k-1\r\nContent-Length: 5\r\n\r\nhello',
    'publish-raw-json': 'POST /api/publish/c HTTP/1.1\r\nHost: h\r\nContent-Type: application/json; charset=utf-8\r\n'
                        'Content-Length: {n}\r\n\r\n[1,2.5,1e400,"\\u00e9"]',
    'publish-chunked': 'POST /api/publish/c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n'
                       '3\r\nabc\r\n0\r\n\r\n',
    'history': 'GET /api/history?channel=chat.1&since=k3j9x0aa:42&limit=10 HTTP/1.1\r\nHost: h\r\n\r\n',
    'history-head': 'HEAD /api/history?channel=c&limit=99999999999999999999999 HTTP/1.1\r\nHost: h\r\n\r\n',
    'longpoll': 'GET /api/lp?channel=c&timeout=0.5&since=e:0 HTTP/1.1\r\nHost: h\r\n\r\n',
    'longpoll-bad': 'GET /api/lp?channel=c&timeout=nan&limit=-1 HTTP/1.1\r\nHost: h\r\n\r\n',
    'sse': 'GET /api/sse?channel=a&channel=b&format=json HTTP/1.1\r\nHost: h\r\n'
           'Last-Event-ID: e1:5,e2:7\r\nOrigin: https://app.example\r\n\r\n',
    'sse-raw': 'GET /api/sse?channel=a&format=raw&since=x%3A1 HTTP/1.1\r\nHost: h\r\n\r\n',
    'sse-presence': 'GET /api/sse?channel=room%3A1&presence=true&info=%7B%22name%22%3A%22A%22%7D HTTP/1.1\r\nHost: h\r\n\r\n',
    'presence': 'GET /api/presence?channel=room%3A1 HTTP/1.1\r\nHost: h\r\n\r\n',
    'absolute-form': 'GET http://other.example:8080/api/history?channel=c HTTP/1.1\r\nHost: h\r\n\r\n',
    'ws-upgrade': 'GET /api/ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
                  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n'
                  'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n',
    'options': 'OPTIONS /api/publish HTTP/1.1\r\nHost: h\r\nOrigin: https://app.example\r\n'
               'Access-Control-Request-Method: POST\r\n\r\n',
    'two-lengths': 'POST /api/publish HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
    'te-and-cl': 'POST /api/publish HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: gzip, chunked\r\n\r\n',
    'no-host': 'GET /healthz HTTP/1.1\r\n\r\n',
    'http10': 'GET /metrics HTTP/1.0\r\n\r\n',
    'encoded-nul': 'GET /a%00b HTTP/1.1\r\nHost: h\r\n\r\n',
    'web-page': 'GET /index.html?x=%zz&&=&a HTTP/1.1\r\nHost: h\r\nAccept-Encoding: gzip\r\nAccept-Encoding: br\r\n\r\n',
}
for name, text in requests.items():
    # Content-Length: {n} stands for the length of the body
    write('http_request', name, text.replace('{n}', str(len(text.partition('\r\n\r\n')[2]))))

# --- cursor_and_resume_token: one byte of channel count, then the text
for i, text in enumerate(['k3j9x0aa:42', 'e:0', 'e:007', 'a:18446744073709551615', 'a:9999999999999999999',
                          'x' * 32 + ':1', 'x' * 33 + ':1', ':5', 'e:', 'e:-1', 'e:+1', 'garbage',
                          'e1:5,e2:7', 'e1:5,,e2:7', 'a:1,b:2,c:3']):
    write('cursor_and_resume_token', 'seed-%02d' % i, bytes([text.count(',')]) + text.encode())


# --- ws_frames: one byte of options (bit 0 deflate, bit 1 small limit, the rest a piece size), then frames
def frame(first, payload, mask=b'\x11\x22\x33\x44'):
    n = len(payload)
    if n < 126:
        head = bytes([first, 0x80 | n])
    elif n < 65536:
        head = bytes([first, 0x80 | 126]) + struct.pack('>H', n)
    else:
        head = bytes([first, 0x80 | 127]) + struct.pack('>Q', n)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def deflate(payload):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = c.compress(payload) + c.flush(zlib.Z_SYNC_FLUSH)
    return data[:-4] if data.endswith(b'\x00\x00\xff\xff') else data


FIN, RSV1, TEXT, BINARY, CONT, CLOSE, PING, PONG = 0x80, 0x40, 1, 2, 0, 8, 9, 10
frames = {
    'text': (0, frame(FIN | TEXT, b'{"id":1,"op":"ping"}')),
    'binary-126': (4, frame(FIN | BINARY, bytes(range(256)) * 2)),
    'fragments': (8, frame(TEXT, b'hel') + frame(PING, b'p') + frame(CONT, b'l') + frame(FIN | CONT, b'o')),
    'utf8-split': (12, frame(TEXT, 'é'.encode()[:1]) + frame(FIN | CONT, 'é'.encode()[1:])),
    'bad-utf8': (0, frame(FIN | TEXT, b'\xc3\x28')),
    'close': (0, frame(FIN | CLOSE, struct.pack('>H', 1000) + b'bye')),
    'close-bad-code': (0, frame(FIN | CLOSE, struct.pack('>H', 1005))),
    'pong-unmasked': (0, bytes([FIN | PONG, 2]) + b'ok'),
    'deflate': (1, frame(FIN | RSV1 | TEXT, deflate(b'compressed compressed compressed'))),
    'deflate-fragments': (5, (lambda d: frame(RSV1 | TEXT, d[:5]) + frame(FIN | CONT, d[5:]))(deflate(b'x' * 300))),
    'deflate-bomb': (3, frame(FIN | RSV1 | BINARY, deflate(b'\0' * 100000))),
    'deflate-corrupt': (1, frame(FIN | RSV1 | TEXT, b'\xff\xff\xff')),
    'rsv1-without-deflate': (0, frame(FIN | RSV1 | TEXT, deflate(b'x'))),
    'long-control': (0, frame(FIN | PING, b'x' * 126)),
    'length-64': (0, bytes([FIN | BINARY, 0x80 | 127]) + struct.pack('>Q', 1 << 63) + b'mask'),
    'too-big': (2, frame(FIN | TEXT, b'y' * 100)),
}
for name, (options, data) in frames.items():
    write('ws_frames', name, bytes([options]) + data)

# --- ws_commands: herald.v1 command texts (tests/unit/protocol/ws_commands_test.cpp)
commands = [
    '{"id":5,"op":"ping"}', '{"id":1,"op":"subscribe","channel":"room"}',
    '{"id":1,"op":"subscribe","channel":"a:b","since":"k3j9x0aa:42"}',
    '{"op":"subscribe","channel":"c","since":"garbage"}', '{"op":"subscribe","channel":"c","since":5}',
    '{"id":2,"op":"unsubscribe","channel":"room"}',
    '{"id":3,"op":"publish","channel":"chat.1","data":{"text":"hi","n":[1,2]},"event":"said","idempotency_key":"k-1"}',
    '{"op":"publish","channel":"c","data":1,"event":"gap"}', '{"op":"publish","channel":"c","data":1e999}',
    '{"op":"publish","channel":"c","data":123456789012345678901234567890}',
    '{"id":4,"op":"history","channel":"c","since":"abc:3","limit":10}',
    '{"op":"history","channel":"c","limit":18446744073709551615}', '{"op":"history","channel":"c","limit":-1}',
    '{"id":{"nested":[1,2]},"op":"ping"}', '{"id":"abc","op":"refresh","token":"a.b.c"}', '{"op":"fly"}',
    '[1,2]', '{"id":1,"op":"subscribe","channel":"c",', '{"id":1.5e300,"op":"ping"}',
    '{"id":6,"op":"subscribe","channel":"room:1","presence":true,"info":{"name":"Ann"}}',
    '{"id":7,"op":"presence","channel":"room:1"}',
    '{"id":8,"op":"join","room":"call:42","info":{"name":"Ann","n":[1,2]}}', '{"id":9,"op":"leave","room":"call:42"}',
    '{"id":10,"op":"signal","room":"call:42","to":"5f0c","data":{"type":"offer","sdp":"v=0\\r\\n"}}',
    '{"op":"signal","room":"call:42","to":"","data":null}', '{"op":"join","room":5}',
]
for i, text in enumerate(commands):
    write('ws_commands', 'seed-%02d' % i, text)

# --- sse_parser: one byte of piece size, then a stream
streams = [
    'id: e:1\nevent: said\ndata: {"a":1}\n\n', 'data: one\ndata: two\r\n\r\n', '\ufeffdata: bom\n\n',
    ': comment\nretry: 1500\nretry: x\ndata\n\n', 'id: a\0b\ndata: x\r\rdata: y\n\n',
    'event: gap\ndata: {"requested":"e:1"}\n\nevent:\ndata:no space\n\n', 'data: unterminated',
]
for i, text in enumerate(streams):
    write('sse_parser', 'seed-%02d' % i, bytes([i]) + text.encode())

# --- config: TOML (tests/unit/server/config_loader_test.cpp)
tomls = [
    '[server]\nlisten = "0.0.0.0:9000"\nworkers = 3\nmax_connections = 20000\nshutdown_timeout = 2.5\ncork_ms = 0.5\n'
    '[history]\nttl = 30\n[ws]\ndeflate = true\npublish_prefixes = ["chat.", "room:"]\nallowed_origins = []\n',
    '[server]\nworkers = 2\nlisten = "127.0.0.1:80\n', '[log]\nlevel = "loud"\n', '[server]\nlistn = "x"\n',
    '[sever]\n', '[server.tls]\ncert = "x"\n', 'history_size = 5\n',
    '[[namespace]]\nprefix = "public:"\nanonymous_subscribe = true\n[[namespace]]\nprefix = "room:"\n'
    'client_publish = true\n[auth]\nhmac_secret = "s"\nissuer = "i"\naudience = "a"\nleeway = 5\ncookie = "t"\n',
    '[namespace]\nprefix = "a"\n', '[[namespace]]\nprefix = 5\n',
    '[engine]\ntype = "redis"\nurl = "redis://127.0.0.1:6379/0"\nprefix = "h"\ncommand_timeout = 0.0001\n',
    '[engine]\ntype = "redis"\ncluster = ["a:1", "b"]\n', '[history]\nttl = 0.001\n[sse]\nmax_lifetime = 0\nheartbeat = 1e3\n',
    '[server]\nworkers = -1\n[http]\nmax_body_bytes = 18446744073709551616\n',
    '[log]\nformat = "json"\n[limits]\nqueue_bytes = 1_000_000\n[http]\ncors_origins = ["*"]\nheader_timeout = inf\n',
]
for i, text in enumerate(tomls):
    write('config', 'seed-%02d' % i, text)


# --- jwt: mode byte (0 token, 1-3 header\npayload signed by the target, 4 base64url), then the text
def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=')


def hs256(header, claims, secret=b'fuzz-secret-fuzz-secret-fuzz-sec'):
    signing_input = b64(json.dumps(header).encode()) + b'.' + b64(json.dumps(claims).encode())
    return signing_input + b'.' + b64(hmac.new(secret, signing_input, hashlib.sha256).digest())


claims = {'sub': 'u1', 'iss': 'https://issuer.example', 'aud': 'herald', 'exp': 1767229200, 'iat': 1767225600,
          'channels': ['room:*', 'chat.1'], 'publish': ['room:'], 'info': {'name': 'Ann'}}
write('jwt', 'token-valid', b'\0' + hs256({'alg': 'HS256', 'typ': 'JWT', 'kid': 'h1'}, claims))
write('jwt', 'token-no-kid', b'\0' + hs256({'alg': 'HS256'}, dict(claims, aud=['x', 'herald'])))
write('jwt', 'token-none', b'\0' + b64(b'{"alg":"none"}') + b'.' + b64(json.dumps(claims).encode()) + b'.')
write('jwt', 'token-garbage', b'\0a.b.c.d')
write('jwt', 'signed-claims', b'\1{"alg":"HS256","kid":"h1"}\n' + json.dumps(claims).encode())
write('jwt', 'signed-crit', b'\1{"alg":"HS256","crit":["exp"]}\n{"exp":1767225000,"nbf":1767229999}')
write('jwt', 'signed-types', b'\1{"alg":"HS256"}\n{"channels":"room","publish":[1],"exp":"soon","info":null}')
write('jwt', 'signed-es256', b'\2{"alg":"ES256","kid":"e1"}\n{"sub":"x","aud":"herald","iss":"https://issuer.example"}')
write('jwt', 'signed-rs256-confused', b'\3{"alg":"HS256","kid":"r1"}\n{"sub":"x"}')
write('jwt', 'base64url', b'\4' + b'AQID-_8')

# --- exact_json: documents with numbers of every kind
docs = ['{"a":[1,-1,0,-0,1.5,-0.0,1e308,1e-320]}', '18446744073709551615', '18446744073709551616',
        '-9223372036854775808', '-9223372036854775809', '1e400', '[0.1,2.2250738585072014e-308,4.9e-324]',
        '{"s":"\\ud83d\\ude00","t":"\\u0000"}', '[[[[[[[[[[]]]]]]]]]]', '{"a":1,"a":2}', '123456789012345678901234567890.5']
for i, text in enumerate(docs):
    write('exact_json', 'seed-%02d' % i, text)


# --- stun: mode byte (0 STUN datagram, 1 ChannelData datagram, 2 TCP stream, 3 REST username / base64)
# RFC 5769 section 2 sample messages (tests/unit/protocol/stun_rfc5769_test.cpp)
rfc5769 = {
    'rfc5769-request': '00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae 80 22 00 10 53 54 55 4e'
                       '20 74 65 73 74 20 63 6c 69 65 6e 74 00 24 00 04 6e 00 01 ff 80 29 00 08 93 2f f9 b1'
                       '51 26 3b 36 00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20 00 08 00 14 9a ea a7 0c'
                       'bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2 80 28 00 04 e5 7a 3b cf',
    'rfc5769-ipv4-response': '01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae 80 22 00 0b 74 65 73 74'
                             '20 76 65 63 74 6f 72 20 00 20 00 08 00 01 a1 47 e1 12 a6 43 00 08 00 14 2b 91 f5 99'
                             'fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7 80 28 00 04 c0 7d 4c 96',
    'rfc5769-ipv6-response': '01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae 80 22 00 0b 74 65 73 74'
                             '20 76 65 63 74 6f 72 20 00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5'
                             'be d2 b9 d9 00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41'
                             '80 28 00 04 c8 fb 0b 4c',
    'rfc5769-long-term': '00 01 00 60 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e 00 06 00 12 e3 83 9e e3'
                         '83 88 e3 83 aa e3 83 83 e3 82 af e3 82 b9 00 00 00 15 00 1c 66 2f 2f 34 39 39 6b 39'
                         '35 34 64 36 4f 4c 33 34 6f 4c 39 46 53 54 76 79 36 34 73 41 00 14 00 0b 65 78 61 6d'
                         '70 6c 65 2e 6f 72 67 00 00 08 00 14 f6 70 24 65 6d d6 4a 3e 02 b8 e0 71 2e 85 c9 a2'
                         '8c a8 96 66',
}
for name, text in rfc5769.items():
    write('stun', name, b'\0' + bytes.fromhex(text.replace(' ', '')))


def stun_attribute(kind, value):
    return struct.pack('>HH', kind, len(value)) + value + b'\0' * (-len(value) % 4)


def stun_message(kind, attributes, transaction=bytes(range(12)), fingerprint=False):
    body = b''.join(attributes)
    if fingerprint:
        head = struct.pack('>HHI', kind, len(body) + 8, 0x2112A442) + transaction
        crc = zlib.crc32(head + body) ^ 0x5354554e
        body += stun_attribute(0x8028, struct.pack('>I', crc))
    return struct.pack('>HHI', kind, len(body), 0x2112A442) + transaction + body


def xor_address(kind, ip4, port):
    x = struct.pack('>I', struct.unpack('>I', bytes(ip4))[0] ^ 0x2112A442)
    return stun_attribute(kind, b'\0\1' + struct.pack('>H', port ^ 0x2112) + x)


allocate = stun_message(0x0003, [stun_attribute(0x0019, b'\x11\0\0\0'), stun_attribute(0x001A, b''),
                                 stun_attribute(0x0018, b'\x80'), stun_attribute(0x0017, b'\x02\0\0\0'),
                                 stun_attribute(0x0006, b'1767225600:alice'), stun_attribute(0x0014, b'herald')],
                        fingerprint=True)
allocate_ok = stun_message(0x0103, [xor_address(0x0016, [203, 0, 113, 5], 49152), xor_address(0x0020, [198, 51, 100, 7], 5000),
                                    stun_attribute(0x000D, struct.pack('>I', 600)),
                                    stun_attribute(0x0022, bytes(range(8)))])
error_420 = stun_message(0x0113, [stun_attribute(0x0009, b'\0\0\x04\x14Unknown Attribute'),
                                  stun_attribute(0x000A, struct.pack('>HH', 0x0030, 0x7fff))], fingerprint=True)
channel_bind = stun_message(0x0009, [stun_attribute(0x000C, b'\x40\x01\0\0'), xor_address(0x0012, [10, 0, 0, 1], 9)])
send = stun_message(0x0016, [xor_address(0x0012, [10, 0, 0, 1], 9), stun_attribute(0x0013, b'payload')])
after_integrity = stun_message(0x0001, [stun_attribute(0x0008, b'i' * 20), stun_attribute(0x8022, b'ignored'),
                                        stun_attribute(0x001C, b's' * 32)])
for name, data in {'allocate': allocate, 'allocate-success': allocate_ok, 'error-420': error_420,
                   'channel-bind': channel_bind, 'send-indication': send, 'after-integrity': after_integrity,
                   'overrun': allocate[:20] + struct.pack('>HH', 0x0006, 200) + b'x' * 8}.items():
    write('stun', name, b'\0' + data)


def channel_data(channel, data, padded):
    return struct.pack('>HH', channel, len(data)) + data + (b'\0' * (-len(data) % 4) if padded else b'')


write('stun', 'channel-data', b'\1' + channel_data(0x4001, b'hello', False))
write('stun', 'channel-data-padded', b'\1' + channel_data(0x4fff, b'hello', True))
write('stun', 'channel-data-empty', b'\1' + channel_data(0x4000, b'', False))
write('stun', 'channel-data-reserved', b'\1' + channel_data(0x5000, b'x', False))
write('stun', 'stream', b'\2' + allocate + channel_data(0x4001, b'hello', True) + send + channel_data(0x4002, b'', True))
write('stun', 'stream-cut', b'\2' + allocate + channel_data(0x4001, b'hello', True)[:6])
write('stun', 'rest-username', b'\3' + b'1767225600:alice')
write('stun', 'rest-expired', b'\3' + b'1767225599')
write('stun', 'base64', b'\3' + b'w2XZTBd9ZzVn1zdnGsqqJT/XpRo=')


# --- turn: packets of [control byte, 2-byte length, bytes] (fuzz/turn_fuzz.cpp): control 0x80 signs the
# packet with a valid credential, 0x08 makes it a datagram from a peer, 0x01 a TCP client, 0x06 picks the
# client, 0x20 ends the client's connection after it, 0x40 moves time on first.
def turn_packet(control, data):
    return struct.pack('>BH', control, len(data)) + data


peer = [127, 0, 0, 1]
turn_allocate = stun_message(0x0003, [stun_attribute(0x0019, b'\x11\0\0\0')])
turn_permission = stun_message(0x0008, [xor_address(0x0012, peer, 6000)])
turn_bind = stun_message(0x0009, [stun_attribute(0x000C, b'\x40\x00\0\0'), xor_address(0x0012, peer, 6000)])
turn_send = stun_message(0x0016, [xor_address(0x0012, peer, 6000), stun_attribute(0x0013, b'payload')])
turn_refresh_zero = stun_message(0x0004, [stun_attribute(0x000D, struct.pack('>I', 0))])
write('turn', 'binding', turn_packet(0x00, stun_message(0x0001, [], fingerprint=True)))
write('turn', 'unauthenticated', turn_packet(0x00, turn_allocate))
write('turn', 'permission-send-data',
      turn_packet(0x80, turn_allocate) + turn_packet(0x80, turn_permission) + turn_packet(0x00, turn_send) +
      turn_packet(0x08, b'from the peer'))
write('turn', 'channel', turn_packet(0x80, turn_allocate) + turn_packet(0x80, turn_bind) +
      turn_packet(0x00, channel_data(0x4000, b'hello', False)) + turn_packet(0x08, b'back'))
write('turn', 'tcp-channel', turn_packet(0x81, turn_allocate) + turn_packet(0x81, turn_bind) +
      turn_packet(0x09, b'back') + turn_packet(0x21, channel_data(0x4000, b'hello', True)))
write('turn', 'refresh-expire', turn_packet(0x80, turn_allocate) + turn_packet(0xC0, turn_refresh_zero) +
      turn_packet(0x82, turn_allocate) + turn_packet(0x40, b'') + turn_packet(0x40, b''))
write('turn', 'quotas', b''.join(turn_packet(0x90 | (i << 1), turn_allocate) for i in range(4)))
