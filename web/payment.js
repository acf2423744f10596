// The payment demo's script (payment.html). Each payment has a status channel demo.pay.<id>: the page
// long-polls it from its first message on, then publishes {"kind":"pay","amount":…,"card":…,"reply":…}
// to demo.requests; `herald demo-backend` publishes {"status":"processing"} at once and
// {"status":"succeeded"|"declined",…} when the payment settles.
import { Herald } from '/herald.js';
import { $, randomId, showConnection, subscribeFromStart } from '/demo-common.js';

const NO_ANSWER_MS = 6000;

const herald = new Herald('', { transports: ['longpoll'] });
let current = null; // { sub, timer }
window.payment = { statuses: [] }; // for the browser tests
showConnection(herald, $('status'));

$('pay-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const amount = Number($('amount').value);
  if (!(amount > 0)) return;
  finish();
  const channel = `demo.pay.${randomId()}`;
  const request = { sub: null, timer: null };
  current = request;
  window.payment = { statuses: [] };
  $('channel').textContent = channel;
  $('pay').disabled = true;
  step('sent', 'active');
  step('processing', '');
  step('settled', '');
  result('pending', 'Sending the payment…');
  try {
    request.sub = await subscribeFromStart(herald, channel, { onMessage: (m) => statusArrived(request, m) });
    await herald.publish('demo.requests', { kind: 'pay', amount, card: $('card').value, reply: channel });
    step('sent', 'done');
    step('processing', 'active');
    result('pending', 'Waiting for the bank…');
    request.timer = setTimeout(() => current === request && window.payment.statuses.length === 0 && result('pending',
      'No answer yet: payments are settled by herald demo-backend, which scripts/run.sh starts beside the server.'), NO_ANSWER_MS);
  } catch (err) {
    result('failed', `The payment could not be sent: ${err.message}`);
    finish();
  }
});

function statusArrived(request, message) {
  if (current !== request) return;
  if (message.event === 'error') {
    result('failed', `Refused: ${message.data?.message ?? 'error'}`);
    return finish();
  }
  const status = message.data?.status;
  if (typeof status !== 'string') return;
  window.payment.statuses.push(status);
  const amount = `€${((message.data.amount_cents ?? 0) / 100).toFixed(2)}`;
  if (status === 'processing') {
    step('processing', 'active');
    result('pending', `Processing ${amount}…`);
  } else if (status === 'succeeded' || status === 'declined') {
    step('processing', 'done');
    step('settled', 'done');
    result(status, status === 'succeeded'
      ? `✓ Payment of ${amount} succeeded · reference ${message.data.reference}`
      : `✗ Payment of ${amount} declined: ${message.data.reason ?? 'declined by the bank'}`);
    finish();
  }
}

function step(name, className) {
  $(`step-${name}`).className = className;
}

function result(kind, text) {
  $('result').className = kind;
  $('result').dataset.status = kind;
  $('result').textContent = text;
}

function finish() {
  if (!current) return;
  clearTimeout(current.timer);
  current.sub?.unsubscribe();
  current = null;
  $('pay').disabled = false;
}
