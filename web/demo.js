// The demo page's script: follows a channel over SSE (EventSource) and publishes to it.
const params = new URLSearchParams(location.search);
const channel = params.get("channel") || "demo";
const $ = (id) => document.getElementById(id);
$("channel-name").textContent = channel;
$("cli-example").textContent =
  `build/herald publish --url ${location.origin} ${channel} '{"text":"hello from the terminal"}'`;

let received = 0;

function show(kind, label, text) {
  const item = document.createElement("li");
  item.className = kind;
  const head = document.createElement("span");
  head.className = "muted";
  head.textContent = label;
  const body = document.createElement("span");
  body.textContent = text;
  item.append(head, body);
  $("messages").prepend(item);
}

function describe(data) {
  if (data && typeof data === "object" && typeof data.text === "string") return data.text;
  return JSON.stringify(data);
}

function onMessage(event) {
  const envelope = JSON.parse(event.data);
  received += 1;
  $("count").textContent = received;
  $("cursor").textContent = envelope.cursor;
  const time = new Date(envelope.time).toLocaleTimeString();
  show("message", `#${envelope.offset} ${time}`, describe(envelope.data));
}

// The browser reconnects by itself and sends Last-Event-ID, so nothing is missed while away.
const source = new EventSource(`/api/sse?channel=${encodeURIComponent(channel)}`);
source.onopen = () => { $("status").className = "status open"; $("status").textContent = "live"; };
source.onerror = () => {
  const closed = source.readyState === EventSource.CLOSED;
  $("status").className = closed ? "status closed" : "status connecting";
  $("status").textContent = closed ? "closed" : "reconnecting";
};
source.onmessage = onMessage;  // messages published without an event name
source.addEventListener("gap", (event) => {
  const gap = JSON.parse(event.data);
  show("gap", "gap", `some messages are no longer available; continuing after ${gap.continue_from}`);
});

$("publish").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("text").value;
  const response = await fetch("/api/publish", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ channel, data: { text } }),
  });
  const body = await response.json();
  $("publish-result").textContent = response.ok
    ? `published as ${body.cursor}`
    : `not published: ${body.error.message}`;
  if (response.ok) $("text").value = "";
});
