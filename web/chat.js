// The chat demo's script (chat.html). A room is two channels: chat.<room> (messages, with presence:
// who is subscribed) and typing.<room> (short-lived "is typing" notes). Both allow clients to publish
// (config/demo.toml), so the page publishes over its WebSocket.
import { Herald } from '/herald.js';
import { $, element, showConnection, transportName } from '/demo-common.js';

const HISTORY_ON_JOIN = 50;
const TYPING_EVERY_MS = 1500; // at most one typing note per this time while typing
const TYPING_SHOWN_MS = 3000; // a typing note is shown this long

const params = new URLSearchParams(location.search);
const herald = new Herald('');
const state = { room: null, subs: [], you: null, online: new Map(), typing: new Map(), lastTypingSent: 0 };
window.chat = state; // for the browser tests and the curious

showConnection(herald, $('status'), ({ state: s, transport }) => {
  if (s === 'connected' && transport !== 'websocket') {
    $('presence-note').textContent = `Presence needs the WebSocket; this page is on ${transportName(transport)}.`;
  }
});
herald.on('error', (err) => systemLine(`error: ${err.message}`));

$('nickname').value = params.get('name') || localStorage.getItem('herald-chat-name') || `guest-${Math.floor(Math.random() * 9000 + 1000)}`;
$('room').value = params.get('room') || 'lobby';

$('join').addEventListener('submit', (event) => {
  event.preventDefault();
  localStorage.setItem('herald-chat-name', nickname());
  join($('room').value.trim());
});

$('send').addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = $('text').value.trim();
  if (!text || !state.room) return;
  $('text').value = '';
  try {
    await herald.publish(`chat.${state.room}`, { name: nickname(), text }, { event: 'say' });
  } catch (err) {
    systemLine(`not sent: ${err.message}`);
    $('text').value = text;
  }
});

$('text').addEventListener('input', () => {
  const now = Date.now();
  if (!state.room || now - state.lastTypingSent < TYPING_EVERY_MS || !$('text').value) return;
  state.lastTypingSent = now;
  herald.publish(`typing.${state.room}`, { name: nickname(), id: state.you }, { event: 'typing' }).catch(() => {});
});

function nickname() {
  return $('nickname').value.trim() || 'guest';
}

/** A room name usable in a channel name. */
function roomName(text) {
  return text.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 32) || 'lobby';
}

async function join(text) {
  const room = roomName(text);
  $('room').value = room;
  for (const sub of state.subs.splice(0)) sub.unsubscribe();
  state.room = room;
  state.online.clear();
  state.typing.clear();
  renderOnline();
  renderTyping();
  $('messages').replaceChildren();
  $('channel-name').textContent = `chat.${room}`;
  $('room-state').textContent = `joining ${room}…`;
  history.replaceState(null, '', `?room=${encodeURIComponent(room)}`);
  const channel = `chat.${room}`;
  let since = null;
  try {
    const past = await herald.history(channel, { limit: HISTORY_ON_JOIN });
    for (const message of past.messages) showMessage(message);
    since = past.cursor;
    if (past.messages.length === 0) systemLine(`You are the first in ${room}: say hello.`);
  } catch (err) {
    systemLine(`history unavailable: ${err.message}`);
  }
  if (state.room !== room) return; // joined another room meanwhile
  state.subs.push(
    herald.subscribe(channel, {
      since,
      info: { name: nickname() },
      onMessage: (message) => message.event === 'say' && showMessage(message),
      onGap: () => systemLine('some messages of this room are no longer available'),
      onPresence: presenceChanged,
    }),
    herald.subscribe(`typing.${room}`, { onMessage: (message) => someoneTyping(message.data) }),
  );
  $('room-state').textContent = `in ${room} as ${nickname()}`;
  $('text').disabled = false;
  $('send-button').disabled = false;
  $('text').focus();
}

function presenceChanged(event) {
  if (event.type === 'sync') {
    state.you = event.you;
    state.online = new Map(event.clients.map((client) => [client.id, client]));
  } else if (event.type === 'join') {
    state.online.set(event.client.id, event.client);
  } else {
    state.online.delete(event.client.id);
  }
  renderOnline();
}

function renderOnline() {
  const items = [...state.online.values()].map((client) => {
    const name = typeof client.info?.name === 'string' ? client.info.name : client.user ?? 'anonymous';
    return element('li', client.id === state.you ? 'you' : '', client.id === state.you ? `${name} (you)` : name);
  });
  $('online').replaceChildren(...items);
  $('online-count').textContent = String(items.length);
}

function someoneTyping(data) {
  if (!data || typeof data.name !== 'string' || data.id === state.you || data.name === nickname()) return;
  clearTimeout(state.typing.get(data.name));
  state.typing.set(data.name, setTimeout(() => {
    state.typing.delete(data.name);
    renderTyping();
  }, TYPING_SHOWN_MS));
  renderTyping();
}

function renderTyping() {
  const names = [...state.typing.keys()];
  $('typing').textContent = names.length === 0 ? '' : `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} typing…`;
}

function showMessage(message) {
  const { name, text } = message.data ?? {};
  if (typeof text !== 'string') return;
  const who = typeof name === 'string' ? name : 'someone';
  state.typing.delete(who);
  renderTyping();
  const item = element('li', who === nickname() ? 'mine' : '');
  item.append(element('span', 'who', who), element('span', 'text', text),
    element('span', 'when', new Date(message.time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })));
  appendLine(item);
}

function systemLine(text) {
  appendLine(element('li', 'system', text));
}

function appendLine(item) {
  const list = $('messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.append(item);
  if (atBottom) list.scrollTop = list.scrollHeight;
}

join($('room').value.trim());
