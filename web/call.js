// The video call demo's script: joins a herald room with herald-client, then keeps one
// RTCPeerConnection per peer. The peer that joins later makes the offers; offers, answers and ICE
// candidates travel as herald signals. ICE servers (herald's STUN/TURN with fresh credentials) come from
// /api/ice-servers.
import { Herald } from "/herald.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const roomInput = $("room");
roomInput.value = params.get("room") || `call:${Math.random().toString(36).slice(2, 8)}`;

let herald = null;
let room = null;
let localStream = null;
let iceServers = [];
const peers = new Map(); // peer id -> { pc, figure, pending: [] }

function log(text) {
  const item = document.createElement("li");
  item.textContent = `${new Date().toLocaleTimeString()} ${text}`;
  $("log").prepend(item);
}

function setStatus(kind, text, detail = "") {
  $("status").className = `status ${kind}`;
  $("status").dataset.state = kind;
  $("status").textContent = text;
  $("detail").textContent = detail;
}

function showInvite() {
  const url = new URL(location.href);
  url.searchParams.set("room", roomInput.value);
  $("invite").textContent = url.toString();
}
roomInput.addEventListener("input", showInvite);
showInvite();

async function loadIceServers() {
  try {
    const response = await fetch("/api/ice-servers");
    if (!response.ok) return [];
    return (await response.json()).iceServers ?? [];
  } catch {
    return [];
  }
}

function peerName(peer) {
  return (peer.info && typeof peer.info.name === "string" && peer.info.name) || `peer ${peer.id.slice(0, 6)}`;
}

function addPeer(peer) {
  if (peers.has(peer.id)) return peers.get(peer.id);
  const pc = new RTCPeerConnection({ iceServers });
  const figure = document.createElement("figure");
  const video = document.createElement("video");
  video.className = "remote";
  video.autoplay = true;
  video.playsInline = true;
  const caption = document.createElement("figcaption");
  caption.textContent = peerName(peer);
  figure.append(video, caption);
  $("videos").append(figure);
  const entry = { pc, figure, pending: [] };
  peers.set(peer.id, entry);
  for (const track of localStream.getTracks()) pc.addTrack(track, localStream);
  pc.ontrack = (event) => {
    if (video.srcObject !== event.streams[0]) video.srcObject = event.streams[0];
  };
  pc.onicecandidate = (event) => {
    if (event.candidate) room.signal(peer.id, { candidate: event.candidate.toJSON() }).catch((err) => log(`signal failed: ${err.message}`));
  };
  pc.onconnectionstatechange = () => log(`${peerName(peer)}: ${pc.connectionState}`);
  return entry;
}

function removePeer(id) {
  const entry = peers.get(id);
  if (!entry) return;
  entry.pc.close();
  entry.figure.remove();
  peers.delete(id);
}

async function call(peer) {
  const { pc } = addPeer(peer);
  await pc.setLocalDescription(await pc.createOffer());
  await room.signal(peer.id, { description: pc.localDescription.toJSON() });
}

async function onSignal({ from, data }) {
  const entry = peers.get(from) ?? addPeer({ id: from, info: null });
  const { pc } = entry;
  try {
    if (data.description) {
      await pc.setRemoteDescription(data.description);
      for (const candidate of entry.pending.splice(0)) await pc.addIceCandidate(candidate);
      if (data.description.type === "offer") {
        await pc.setLocalDescription(await pc.createAnswer());
        await room.signal(from, { description: pc.localDescription.toJSON() });
      }
    } else if (data.candidate) {
      if (pc.remoteDescription) await pc.addIceCandidate(data.candidate);
      else entry.pending.push(data.candidate);
    }
  } catch (err) {
    log(`negotiation with ${from.slice(0, 6)} failed: ${err.message}`);
  }
}

function showPeers(count) {
  setStatus("connected", "in the call", `${count} other peer${count === 1 ? "" : "s"}`);
}

async function join(event) {
  event.preventDefault();
  $("join").disabled = true;
  setStatus("connecting", "starting camera");
  try {
    localStream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
  } catch (err) {
    setStatus("disconnected", "no camera", err.message);
    $("join").disabled = false;
    return;
  }
  $("local").srcObject = localStream;
  iceServers = await loadIceServers();
  herald = new Herald(location.origin, { transports: ["websocket"] });
  herald.on("state", (s) => s.state !== "connected" && setStatus(s.state, s.state, s.reason));
  const name = $("name").value.trim();
  room = herald.join(roomInput.value, {
    info: name ? { name } : undefined,
    onJoined: ({ peers: present }) => showPeers(present.length),
    onPeerJoined: (peer) => {
      log(`${peerName(peer)} joined`);
      showPeers(room.peers.length);
    },
    onPeerLeft: (peer) => {
      log(`${peerName(peer)} left`);
      removePeer(peer.id);
      showPeers(room.peers.length);
    },
    onSignal,
  });
  try {
    const joined = await room.ready;
    log(`joined ${roomInput.value} as ${joined.you.slice(0, 6)} (${iceServers.length} ICE server entries)`);
    for (const peer of joined.peers) call(peer).catch((err) => log(`call failed: ${err.message}`));
    $("leave").disabled = false;
  } catch (err) {
    leave();
    setStatus("disconnected", "could not join", err.message);
  }
}

function leave() {
  for (const id of [...peers.keys()]) removePeer(id);
  room?.leave();
  herald?.close();
  localStream?.getTracks().forEach((t) => t.stop());
  room = herald = localStream = null;
  $("local").srcObject = null;
  $("join").disabled = false;
  $("leave").disabled = true;
  setStatus("ready", "not in a call");
}

$("join-form").addEventListener("submit", join);
$("leave").addEventListener("click", leave);

// For tests and curious developers: how much video has arrived from the peers.
window.heraldCall = {
  async inboundVideoBytes() {
    let total = 0;
    for (const { pc } of peers.values()) {
      const stats = await pc.getStats();
      stats.forEach((s) => {
        if (s.type === "inbound-rtp" && s.kind === "video") total += s.bytesReceived;
      });
    }
    return total;
  },
};
