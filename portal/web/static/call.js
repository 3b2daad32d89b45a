// The call page client: camera/microphone, one RTCPeerConnection to the SFU, signalling
// over WebSocket (protocol v1, docs/protocol.md). No build step, no dependencies.

const cfg = JSON.parse(document.getElementById('call-config').textContent);
const text = cfg.strings;
const statusEl = document.getElementById('status');
const remotes = document.getElementById('remotes');
const localVideo = document.getElementById('local');
const micBtn = document.getElementById('mic');
const camBtn = document.getElementById('cam');
const shareBtn = document.getElementById('share');
const leaveBtn = document.getElementById('leave');
const chatLog = document.getElementById('chat-log');
const chatForm = document.getElementById('chat-form');
const chatInput = document.getElementById('chat-input');
const chatSend = document.getElementById('chat-send');
const positionEl = document.getElementById('position');
const lobbyList = document.getElementById('lobby-list');
const peopleList = document.getElementById('people');
const endAllBtn = document.getElementById('end-all');
const isClerk = cfg.role === 'clerk';
let myId = null;
let lobby = [];
let position = null;
// Muted by the clerk: the SFU drops our audio until we send `unmute`.
let mutedByClerk = false;
const mutedPeers = new Set();
// Published tracks in the room, by ID: { participant, track, kind }.
const tracks = new Map();
let chatSeq = 0;

let pc = null;
let ws = null;
let localStream = null;
let peers = new Map();
let finished = false;
// The transceiver that carries our shared screen, once shared; kept (inactive) when sharing
// stops, so sharing again reuses its m-line instead of adding one each time.
let screen = null;
let speakers = 0;
// Messages are handled one after another: SDP steps must not interleave.
let queue = Promise.resolve();

function setStatus(key) {
  statusEl.textContent = text['call-status-' + key] || key;
  statusEl.dataset.state = key;
}

function send(msg) {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
}

// Exposed for operators' debugging and the end-to-end tests.
window.vamtCall = {
  get pc() { return pc; },
  get state() { return statusEl.dataset.state; },
  get participants() { return [...peers.values()]; },
  get speakerChanges() { return speakers; },
  get lobby() { return lobby; },
  get tracks() { return [...tracks.values()]; },
  get position() { return position; },
  get mutedByClerk() { return mutedByClerk; },
  get sharing() { return !!(screen && screen.sender.track); },
  // Test seam: drop the signalling socket as a network change would (media is untouched).
  dropSignalling() { if (ws) ws.close(4100, 'test: network change'); },
};

// One tile per participant's stream (its camera, and its voice through the same element);
// a second video track of the same participant (a shared screen) gets a tile of its own.
function remoteVideoFor(stream, track) {
  const main = document.getElementById('remote-' + stream.id);
  const extraVideo = track && track.kind === 'video' && main && main.dataset.video && main.dataset.video !== track.id;
  const id = extraVideo ? `remote-${stream.id}-${track.id}` : 'remote-' + stream.id;
  let v = document.getElementById(id);
  if (!v) {
    v = document.createElement('video');
    v.id = id;
    v.autoplay = true;
    v.playsInline = true;
    v.dataset.participant = stream.id;
    remotes.appendChild(v);
  }
  if (extraVideo) {
    v.classList.add('screen');
    v.muted = true;
    v.setAttribute('aria-label', text['call-remote-screen']);
    if (!v.srcObject) v.srcObject = new MediaStream([track]);
    // The tile goes when the sharer stops (its track ends at the next negotiation).
    const gone = () => { sizeObserver.unobserve(v); clearTimeout(v.sizeTimer); v.remove(); };
    track.addEventListener('ended', gone);
    stream.addEventListener('removetrack', (ev) => { if (ev.track === track) gone(); });
  } else {
    v.setAttribute('aria-label', text['call-remote']);
    if (track && track.kind === 'video') v.dataset.video = track.id;
    if (v.srcObject !== stream) v.srcObject = stream;
  }
  v.play().catch(() => {});
  return v;
}

// Tell the SFU how large each received video is shown, so a small tile gets a small
// simulcast layer (less data on a phone, less decoding). Debounced: a window being resized
// sends one message when it settles, not one per frame.
const sizeObserver = new ResizeObserver((entries) => {
  for (const e of entries) {
    const v = e.target;
    clearTimeout(v.sizeTimer);
    v.sizeTimer = setTimeout(() => reportSize(v), 300);
  }
});

function reportSize(v) {
  // A tile taken away (its track ended, its participant left) while its report waited out
  // the debounce has nothing left to report: the SFU no longer knows its MID.
  if (!v.isConnected || !v.dataset.mid) return;
  const dpr = window.devicePixelRatio || 1;
  const width = Math.round(v.clientWidth * dpr);
  const height = Math.round(v.clientHeight * dpr);
  if (v.dataset.sent === width + 'x' + height) return;
  v.dataset.sent = width + 'x' + height;
  send({ type: 'video_size', mid: v.dataset.mid, width, height });
}

function updateInCall() {
  if (finished) return;
  const others = peers.size > 0;
  if (pc && (pc.connectionState === 'connected')) {
    setStatus(others ? 'connected' : 'waiting');
  }
}

// Weak connections, own and others', shown as text (not colour alone) in a polite live
// region; cleared when the SFU reports the link recovered.
const qualities = new Map();
function renderQuality() {
  const list = document.getElementById('quality');
  list.replaceChildren();
  for (const [id, q] of qualities) {
    if (q !== 'poor') continue;
    const li = document.createElement('li');
    li.textContent = id === myId
      ? text['call-quality-own-poor']
      : `${isolate((peers.get(id) || {}).name || text['call-remote'])}: ${text['call-quality-other-poor']}`;
    list.appendChild(li);
  }
  list.hidden = list.childElementCount === 0;
}

function button(label, onClick, danger) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = danger ? 'button danger' : 'button';
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

// The clerk's waiting-room list: who waits for this room, with admit and decline.
function renderLobby() {
  if (!lobbyList) return;
  lobbyList.replaceChildren();
  if (lobby.length === 0) {
    const li = document.createElement('li');
    li.textContent = text['lobby-empty'];
    lobbyList.append(li);
    return;
  }
  for (const w of lobby) {
    const li = document.createElement('li');
    // <bdi>: a name in another script (or with direction marks) cannot reorder the
    // buttons and labels around it.
    const who = document.createElement('bdi');
    who.textContent = w.name;
    li.append(who,
      button(text['lobby-admit'], () => send({ type: 'admit', participant: w.participant })),
      button(text['lobby-decline'], () => send({ type: 'decline', participant: w.participant }), true));
    lobbyList.append(li);
  }
}

// A name in an attribute (no <bdi> there): first-strong isolates, so its direction stays
// its own.
function isolate(s) {
  return `\u2068${s}\u2069`;
}

// Everyone else in the call; the clerk can mute or remove them.
function renderPeople() {
  peopleList.replaceChildren();
  for (const p of peers.values()) {
    const li = document.createElement('li');
    li.dataset.participant = p.participant;
    const who = document.createElement('bdi');
    who.textContent = p.name;
    li.append(who);
    if (mutedPeers.has(p.participant)) li.append(` (${text['call-muted-other']})`);
    if (isClerk) {
      li.append(
        button(`${text['call-mute-other']}`, () => send({ type: 'mute', participant: p.participant })),
        button(`${text['call-remove']}`, () => send({ type: 'remove', participant: p.participant }), true));
      li.lastChild.setAttribute('aria-label', `${text['call-remove']}: ${isolate(p.name)}`);
      li.lastChild.previousSibling.setAttribute('aria-label', `${text['call-mute-other']}: ${isolate(p.name)}`);
    }
    peopleList.append(li);
  }
}

function setMicEnabled(enabled) {
  const track = localStream && localStream.getAudioTracks()[0];
  if (!track) return;
  track.enabled = enabled;
  micBtn.setAttribute('aria-pressed', String(!enabled));
  micBtn.textContent = enabled ? text['call-mute'] : text['call-unmute'];
}

function finish(state) {
  finished = true;
  setStatus(state);
  if (pc) pc.close();
  if (localStream) localStream.getTracks().forEach((t) => t.stop());
  micBtn.disabled = camBtn.disabled = leaveBtn.disabled = true;
  if (endAllBtn) endAllBtn.disabled = true;
  chatInput.disabled = chatSend.disabled = true;
}

async function handle(m) {
  switch (m.type) {
    case 'waiting':
      myId = m.participant;
      position = m.position;
      setStatus('lobby');
      positionEl.textContent = `${text['call-lobby-position']} ${m.position}`;
      positionEl.hidden = false;
      break;
    case 'track_published':
      tracks.set(m.track, m);
      break;
    case 'track_unpublished':
      tracks.delete(m.track);
      break;
    case 'lobby':
      // The whole list: after our `joined` or `resumed`. Changes follow one by one.
      lobby = m.waiting;
      renderLobby();
      break;
    case 'lobby_add': {
      const { type, position, ...entry } = m;
      lobby = lobby.filter((w) => w.participant !== entry.participant);
      lobby.splice(Math.max(0, Math.min(position - 1, lobby.length)), 0, entry);
      renderLobby();
      break;
    }
    case 'lobby_remove':
      lobby = lobby.filter((w) => w.participant !== m.participant);
      renderLobby();
      break;
    case 'muted':
      if (m.muted) mutedPeers.add(m.participant); else mutedPeers.delete(m.participant);
      if (m.participant === myId) {
        mutedByClerk = m.muted;
        if (m.muted) {
          setMicEnabled(false);
          positionEl.textContent = text['call-muted-by-clerk'];
          positionEl.hidden = false;
        } else {
          positionEl.hidden = true;
        }
      }
      renderPeople();
      break;
    case 'connection_quality':
      qualities.set(m.participant, m.quality);
      renderQuality();
      break;
    case 'resumed':
      reconnectTries = 0;
      // The token we resumed with is spent; the next resume needs this one.
      resumeToken = m.resume_token;
      peers.clear();
      for (const p of m.participants) peers.set(p.participant, p);
      renderPeople();
      setStatus(peers.size ? 'connected' : 'waiting');
      break;
    case 'participant_reconnecting':
      if (!finished) setStatus('other-reconnecting');
      break;
    case 'participant_resumed':
      updateInCall();
      break;
    case 'joined': {
      myId = m.participant;
      position = null;
      positionEl.hidden = true;
      setStatus('connecting');
      resumeToken = m.resume_token;
      if (endAllBtn) endAllBtn.disabled = false;
      chatInput.disabled = chatSend.disabled = false;
      for (const p of m.participants) peers.set(p.participant, p);
      renderPeople();
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      send({ type: 'offer', sdp: pc.localDescription.sdp });
      break;
    }
    case 'answer':
      await pc.setRemoteDescription({ type: 'answer', sdp: m.sdp });
      break;
    case 'offer': {
      await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      send({ type: 'answer', sdp: pc.localDescription.sdp });
      break;
    }
    case 'media_connected':
      updateInCall();
      break;
    case 'participant_joined':
      peers.set(m.participant, m);
      renderPeople();
      updateInCall();
      break;
    case 'participant_left': {
      peers.delete(m.participant);
      mutedPeers.delete(m.participant);
      renderPeople();
      qualities.delete(m.participant);
      renderQuality();
      for (const v of remotes.querySelectorAll('video')) {
        if (v.dataset.participant === m.participant) v.remove();
      }
      if (!finished) setStatus(peers.size ? 'connected' : 'other-left');
      break;
    }
    case 'chat': {
      // Text only: a message is never interpreted as HTML.
      const li = document.createElement('li');
      const who = document.createElement('strong');
      const name = document.createElement('bdi');
      name.textContent = m.from === myId ? text['chat-you'] : m.name;
      who.append(name);
      const said = document.createElement('bdi');
      said.textContent = m.text;
      li.append(who, ': ', said);
      if (m.from === myId) li.dataset.id = m.id;
      chatLog.append(li);
      chatLog.scrollTop = chatLog.scrollHeight;
      break;
    }
    case 'chat_delivered': {
      const li = chatLog.querySelector(`li[data-id="${CSS.escape(m.id)}"]`);
      if (li) {
        const note = document.createElement('span');
        note.className = 'receipt';
        note.textContent = m.recipients > 0 ? text['chat-delivered'] : text['chat-alone'];
        li.append(' ', note);
      }
      break;
    }
    case 'active_speaker':
      // Visual only: announcing every change would drown screen-reader users in noise.
      for (const v of remotes.querySelectorAll('video')) {
        v.classList.toggle('speaking', v.id === 'remote-' + m.participant);
      }
      speakers += 1;
      break;
    case 'pong':
      break;
    case 'notice':
      // What changed is fetched over HTTPS by whoever cares (case.js).
      document.dispatchEvent(new CustomEvent('vamt:notice', { detail: m.topic }));
      break;
    case 'bye':
      if (m.reason === 'declined') finish('declined');
      else if (m.reason === 'removed') finish('removed');
      else if (m.reason === 'call_ended') finish('ended');
      // The same person waits in another tab or device now: this page stays quiet.
      else if (m.reason === 'replaced') finish('replaced');
      else {
        // The server restarts: once it answers again, load the page anew (a fresh token).
        finished = true;
        setStatus('server-closed');
        const wait = 1000 * (m.reconnect_after_seconds || 3);
        const retry = () => fetch('/readyz', { cache: 'no-store' })
          .then((r) => { if (r.ok) location.reload(); else throw new Error(); })
          .catch(() => setTimeout(retry, 5000));
        setTimeout(retry, wait);
      }
      break;
    case 'error':
      console.warn('signalling error', m.code, m.message);
      if (m.code === 'call_ended') finish('ended');
      else if (m.code === 'forbidden' && !myId) finish('removed');
      else if (['token_expired', 'token_invalid', 'wrong_room', 'media_lost', 'negotiation_failed', 'resume_failed', 'too_early'].includes(m.code)) {
        setStatus('error');
      }
      break;
    default:
      console.warn('unknown signalling message', m.type);
  }
}

let iceTimer = null;
let iceRestarts = 0;
function restartIce() {
  if (finished || !myId || !pc) return;
  if (iceRestarts >= 5) {
    setStatus('error');
    return;
  }
  iceRestarts += 1;
  setStatus('reconnecting');
  queue = queue.then(async () => {
    // Mid-negotiation (the SFU's offer is being answered): that exchange finishes first.
    if (pc.signalingState !== 'stable') return;
    const offer = await pc.createOffer({ iceRestart: true });
    await pc.setLocalDescription(offer);
    send({ type: 'offer', sdp: pc.localDescription.sdp });
  }).catch((e) => console.warn('ICE restart failed', e));
}

// Signalling over one WebSocket. If it drops without us leaving (network change, a sleeping
// tab), the media keeps flowing and the server holds our place: reconnect and `resume` with
// the token from `joined`, backing off, within the server's grace period.
let resumeToken = null;
let reconnectTries = 0;
function connect(greet) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  ws = new WebSocket(`${scheme}//${location.host}/ws`);
  ws.onopen = greet;
  ws.onmessage = (ev) => {
    let m;
    try { m = JSON.parse(ev.data); } catch { return; }
    queue = queue.then(() => handle(m)).catch((e) => {
      console.error('signalling step failed', e);
      setStatus('error');
    });
  };
  ws.onclose = (ev) => {
    if (finished || statusEl.dataset.state === 'server-closed') return;
    // 1008: the server refused us (abuse, or no join in time); 4000: this place was resumed
    // or joined elsewhere.
    if (!resumeToken || ev.code === 1008 || ev.code === 4000 || reconnectTries >= 6) {
      setStatus('error');
      return;
    }
    setStatus('reconnecting');
    const delay = Math.min(1000 * 2 ** reconnectTries, 8000);
    reconnectTries += 1;
    setTimeout(() => connect(() => send({ type: 'resume', protocol: 1, room: cfg.room, resume_token: resumeToken })), delay);
  };
}

/// Camera and microphone if allowed and present; else the microphone alone; else nothing
/// to send: a refused or missing camera leaves an audio-only call, not a dead end, and even
/// without a microphone one still sees and hears the others (and can chat and sign).
async function localMedia() {
  const audio = { echoCancellation: true, noiseSuppression: true };
  try {
    return { stream: await navigator.mediaDevices.getUserMedia({ audio, video: { width: { ideal: 1280 }, height: { ideal: 720 } } }), note: null };
  } catch (e) {
    console.warn('camera and microphone not available', e.name);
  }
  try {
    return { stream: await navigator.mediaDevices.getUserMedia({ audio }), note: 'call-audio-only' };
  } catch (e) {
    console.warn('microphone not available', e.name);
  }
  return { stream: new MediaStream(), note: 'call-no-devices' };
}

async function start() {
  setStatus('starting');
  const media = await localMedia();
  localStream = media.stream;
  const deviceNote = document.getElementById('device-note');
  if (media.note && deviceNote) {
    deviceNote.textContent = text[media.note];
    deviceNote.hidden = false;
  }
  localVideo.srcObject = localStream;
  micBtn.disabled = localStream.getAudioTracks().length === 0;
  camBtn.disabled = localStream.getVideoTracks().length === 0;
  leaveBtn.disabled = false;
  // Phones have no screen to share: the button stays hidden there.
  if (navigator.mediaDevices.getDisplayMedia) shareBtn.hidden = false;
  setStatus('connecting');

  pc = new RTCPeerConnection({ iceServers: cfg.iceServers, bundlePolicy: 'max-bundle' });
  // The document channel: the SFU relays it by label to everyone else in the room (the
  // open page, the pointer, the zoom of a document both sides review); case.js speaks on it.
  window.vamtDocsChannel = pc.createDataChannel('docs');
  document.dispatchEvent(new CustomEvent('vamt:docs-channel', { detail: window.vamtDocsChannel }));
  for (const track of localStream.getTracks()) {
    const init = { direction: 'sendonly', streams: [localStream] };
    if (track.kind === 'video') {
      // Three layers; the SFU gives each other participant the one their link carries.
      // Bitrates match the SFU's layer table (sfu/src/layer.rs).
      init.sendEncodings = [
        { rid: 'l', scaleResolutionDownBy: 4, maxBitrate: 150000 },
        { rid: 'm', scaleResolutionDownBy: 2, maxBitrate: 500000 },
        { rid: 'h', maxBitrate: 1500000 },
      ];
    }
    pc.addTransceiver(track, init);
  }
  pc.ontrack = (ev) => {
    const stream = ev.streams[0] || new MediaStream([ev.track]);
    const v = remoteVideoFor(stream, ev.track);
    if (ev.track.kind === 'video' && ev.transceiver && ev.transceiver.mid) {
      v.dataset.mid = ev.transceiver.mid;
      delete v.dataset.sent;
      sizeObserver.observe(v);
      reportSize(v);
    }
  };
  pc.onicecandidate = (ev) => {
    send({ type: 'candidate', candidate: ev.candidate ? ev.candidate.candidate : '' });
  };
  pc.onconnectionstatechange = () => {
    if (pc.connectionState === 'connected') {
      iceRestarts = 0;
      updateInCall();
    }
    if (pc.connectionState === 'failed' && !finished) restartIce();
  };
  // A network change (Wi-Fi to mobile data) breaks the media path: after 2 s without it,
  // restart ICE over the same signalling session instead of joining anew.
  pc.oniceconnectionstatechange = () => {
    if (pc.iceConnectionState === 'disconnected' && !iceTimer) {
      iceTimer = setTimeout(() => {
        iceTimer = null;
        if (pc.iceConnectionState === 'disconnected') restartIce();
      }, 2000);
    }
  };
  window.addEventListener('online', () => { if (pc.iceConnectionState !== 'connected') restartIce(); });

  connect(() => send({ type: 'join', protocol: 1, room: cfg.room, token: cfg.token }));
  setInterval(() => send({ type: 'ping' }), 20000);
}

micBtn.addEventListener('click', () => {
  const track = localStream && localStream.getAudioTracks()[0];
  if (!track) return;
  setMicEnabled(!track.enabled);
  // Only we can take back the clerk's mute.
  if (track.enabled && mutedByClerk) send({ type: 'unmute' });
});

if (endAllBtn) endAllBtn.addEventListener('click', () => send({ type: 'end_call' }));

camBtn.addEventListener('click', () => {
  const track = localStream && localStream.getVideoTracks()[0];
  if (!track) return;
  track.enabled = !track.enabled;
  camBtn.setAttribute('aria-pressed', String(!track.enabled));
  camBtn.textContent = track.enabled ? text['call-camera-off'] : text['call-camera-on'];
});

// Our own offer after a local change (a screen shared or no longer shared); the SFU answers.
function renegotiate() {
  queue = queue.then(async () => {
    if (!myId || finished) return;
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    // The SFU announces the screen's track as `screen`, not as a second camera (its mid is
    // known from setLocalDescription on).
    if (screen && screen.mid) send({ type: 'track_sources', sources: { [screen.mid]: 'screen' } });
    send({ type: 'offer', sdp: pc.localDescription.sdp });
  }).catch((e) => console.warn('renegotiation failed', e));
}

function showSharing(on) {
  shareBtn.setAttribute('aria-pressed', String(on));
  shareBtn.textContent = on ? text['call-stop-sharing'] : text['call-share-screen'];
  document.getElementById('sharing').hidden = !on;
}

async function startSharing() {
  let display;
  try {
    display = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15, max: 30 } }, audio: false });
  } catch (e) {
    // Cancelled in the browser's picker, or not allowed: the call goes on as it was.
    console.warn('getDisplayMedia failed', e);
    return;
  }
  const track = display.getVideoTracks()[0];
  if (!track) return;
  // Documents and forms on screen: sharp text matters more than smooth motion.
  track.contentHint = 'detail';
  // The browser's own "stop sharing" bar ends the track.
  track.addEventListener('ended', stopSharing);
  if (screen) {
    await screen.sender.replaceTrack(track);
    screen.direction = 'sendonly';
  } else {
    // One layer: a screen is read, not watched small; the SFU forwards it as it comes.
    screen = pc.addTransceiver(track, { direction: 'sendonly', streams: [localStream], sendEncodings: [{ maxBitrate: 1500000 }] });
  }
  showSharing(true);
  renegotiate();
}

function stopSharing() {
  if (!screen || !screen.sender.track) return;
  const track = screen.sender.track;
  track.removeEventListener('ended', stopSharing);
  track.stop();
  screen.sender.replaceTrack(null);
  screen.direction = 'inactive';
  showSharing(false);
  renegotiate();
}

shareBtn.addEventListener('click', () => {
  if (screen && screen.sender.track) stopSharing(); else startSharing();
});

chatForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const value = chatInput.value.trim();
  if (!value) return;
  chatSeq += 1;
  send({ type: 'chat', id: 'm' + chatSeq, text: value });
  chatInput.value = '';
});

leaveBtn.addEventListener('click', () => {
  send({ type: 'leave' });
  finish('left');
});

start();
