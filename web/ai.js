// The AI streaming demo's script (ai.html). Each prompt gets a reply channel demo.ai.<id>: the page
// subscribes to it over SSE from its first message on, then publishes the request
// {"kind":"ai","prompt":…,"reply":"demo.ai.<id>"} to demo.requests; `herald demo-backend` publishes the
// tokens (event "token", {"i","text"}) and a final "done" ({"tokens"}) to the reply channel.
import { Herald } from '/herald.js';
import { $, element, randomId, showConnection, subscribeFromStart } from '/demo-common.js';

const NO_ANSWER_MS = 5000;

const herald = new Herald('', { transports: ['sse'] });
let current = null; // { sub, channel, next, startedAt, timer }
window.ai = { tokens: [], done: null, errors: [] }; // for the browser tests
showConnection(herald, $('status'));

$('ask').addEventListener('submit', (event) => {
  event.preventDefault();
  const prompt = $('prompt').value.trim();
  if (prompt) ask(prompt);
});
$('prompt').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    $('ask').requestSubmit();
  }
});

async function ask(prompt) {
  stop();
  window.ai = { tokens: [], done: null, errors: [] };
  const channel = `demo.ai.${randomId()}`;
  $('reply').replaceChildren();
  $('reply').dataset.state = 'waiting';
  $('count').textContent = '0';
  $('rate').textContent = '';
  $('channel').textContent = channel;
  setOutcome('sending the prompt…');
  $('send').disabled = true;
  const request = { channel, next: 0, startedAt: performance.now(), sub: null, timer: null };
  current = request;
  try {
    request.sub = await subscribeFromStart(herald, channel, { onMessage: (m) => received(request, m), onGap: () => failed(request, 'part of the reply is gone (gap)') });
    await herald.publish('demo.requests', { kind: 'ai', prompt, reply: channel });
    setOutcome('waiting for the first token…');
    request.timer = setTimeout(() => request.next === 0 && current === request && setOutcome(
      'No answer yet: the replies come from herald demo-backend, which scripts/run.sh starts beside the server.'), NO_ANSWER_MS);
  } catch (err) {
    failed(request, `the prompt could not be sent: ${err.message}`);
  }
}

function received(request, message) {
  if (current !== request) return;
  if (message.event === 'error') return failed(request, message.data?.message ?? 'refused');
  if (message.event === 'done') return finished(request, message.data?.tokens);
  if (message.event !== 'token') return;
  const { i, text } = message.data ?? {};
  if (i !== request.next) return failed(request, `token ${i} arrived where ${request.next} was expected`);
  request.next += 1;
  window.ai.tokens.push(text);
  $('reply').dataset.state = 'streaming';
  $('reply').append(element('span', 'token', text));
  $('count').textContent = String(request.next);
  const seconds = (performance.now() - request.startedAt) / 1000;
  $('rate').textContent = `${(request.next / seconds).toFixed(1)} tokens/s`;
  if (request.next === 1) setOutcome('streaming…');
}

function finished(request, total) {
  window.ai.done = { tokens: total, received: request.next };
  $('reply').dataset.state = total === request.next ? 'done' : 'incomplete';
  setOutcome(total === request.next
    ? `complete: ${total} tokens in ${((performance.now() - request.startedAt) / 1000).toFixed(1)} s, each once and in order`
    : `incomplete: ${request.next} of ${total} tokens`);
  stop();
}

function failed(request, why) {
  if (current !== request) return;
  window.ai.errors.push(why);
  $('reply').dataset.state = 'failed';
  setOutcome(why);
  stop();
}

function stop() {
  if (!current) return;
  clearTimeout(current.timer);
  current.sub?.unsubscribe();
  current = null;
  $('send').disabled = false;
}

function setOutcome(text) {
  $('outcome').textContent = text;
}
