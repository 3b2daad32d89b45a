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
const flipBtn = document.getElementById('flip');
const prejoin = document.getElementById('prejoin');
const inCall = document.getElementById('in-call');
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
  // The front/back camera switch (phones), also offered during the guided ID check.
  switchCamera: () => switchCamera(),
};

// One tile per participant's stream (its camera, and its voice through the same element);
// a second video track of the same participant (a shared screen) gets a tile of its own.
function remoteVideoFor(stream, track) {
  const main = document.getElementById('remote-' + stream.id);
  const extraVideo = track && track.kind === 'video' && main && main.dataset.video && main.dataset.video !== track.id;
  const id = extraVideo ? `remote-${stream.id}-${track.id}` : 'remote-' + stream.id;
  let v = document.getElementById(id);
  if (!v) {
    // A tile is the video with the participant's name under it (and, for the clerk, the
    // controls to look at an ID card closely).
    const tile = document.createElement('figure');
    tile.className = 'tile';
    tile.dataset.participant = stream.id;
    v = document.createElement('video');
    v.id = id;
    v.autoplay = true;
    v.playsInline = true;
    v.dataset.participant = stream.id;
    const caption = document.createElement('figcaption');
    caption.append(document.createElement('bdi'));
    tile.append(v, caption);
    if (isClerk && !extraVideo) tile.append(inspectControls(v, tile));
    remotes.appendChild(tile);
    nameTile(tile, extraVideo);
    if (extraVideo) watchScreen(stream, track, v);
  }
  if (!stream.vamtWatched) {
    // A shared screen shared again comes back on the same transceiver: Chromium may say so
    // by putting its track back into the stream rather than by `track`.
    stream.vamtWatched = true;
    stream.addEventListener('addtrack', (ev) => {
      if (ev.track.kind === 'video') remoteVideoFor(stream, ev.track);
    });
  }
  if (extraVideo) {
    v.classList.add('screen');
    v.closest('figure').classList.add('screen');
    v.muted = true;
    if (!v.srcObject) v.srcObject = new MediaStream([track]);
  } else {
    if (track && track.kind === 'video') v.dataset.video = track.id;
    if (v.srcObject !== stream) v.srcObject = stream;
  }
  v.play().catch(() => {});
  return v;
}

// A shared screen's tile goes when the sharer stops: its track ends, or leaves the stream at
// the next negotiation. Chromium may take a track out of its stream and put it back within
// one negotiation (the same transceiver, shared again), so the tile goes only if the track
// is still out a moment later; a tile taken away by mistake would not come back.
function watchScreen(stream, track, v) {
  const gone = () => {
    if (track.readyState !== 'ended' && stream.getTracks().includes(track)) return;
    sizeObserver.unobserve(v);
    clearTimeout(v.sizeTimer);
    const tile = v.closest('figure');
    if (tile) tile.remove();
  };
  track.addEventListener('ended', gone);
  stream.addEventListener('removetrack', (ev) => {
    if (ev.track === track) setTimeout(gone, 0);
  });
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

// The name under a tile: the participant's, known from `joined`/`participant_joined`
// before their tracks arrive; a shared screen says whose it is.
function nameTile(tile, screenTile) {
  const p = peers.get(tile.dataset.participant);
  const name = p ? p.name : text['call-remote'];
  tile.querySelector('figcaption bdi').textContent = screenTile ? `${text['call-remote-screen']}: ${name}` : name;
  const v = tile.querySelector('video');
  v.setAttribute('aria-label', screenTile ? `${text['call-remote-screen']}: ${isolate(name)}` : isolate(name));
}

function nameTiles() {
  for (const tile of remotes.querySelectorAll('figure.tile')) nameTile(tile, tile.classList.contains('screen'));
}

// The clerk looks at an ID card closely, on this screen only: "enlarge" gives the tile the
// whole stage (its size report makes the SFU send the sharpest layer), "freeze" copies the
// current frame into a canvas to zoom into. Nothing of it is uploaded or stored.
function inspectControls(v, tile) {
  const bar = document.createElement('div');
  bar.className = 'tile-tools';
  const enlarge = button(text['inspect-enlarge'], () => {
    const on = !tile.classList.contains('zoomed');
    for (const t of remotes.querySelectorAll('figure.zoomed')) {
      t.classList.remove('zoomed');
      t.querySelector('.tile-tools button').setAttribute('aria-pressed', 'false');
    }
    tile.classList.toggle('zoomed', on);
    remotes.classList.toggle('has-zoom', on);
    enlarge.setAttribute('aria-pressed', String(on));
  });
  enlarge.setAttribute('aria-pressed', 'false');
  const freeze = button(text['inspect-freeze'], () => inspect.freeze(v));
  bar.append(enlarge, freeze);
  return bar;
}

const inspect = (() => {
  const box = document.getElementById('inspect');
  if (!box) return { freeze() {}, clear() {} };
  const canvas = document.getElementById('inspect-canvas');
  const label = document.getElementById('inspect-zoom');
  let zoom = 1;
  const show = () => {
    canvas.style.width = `${zoom * 100}%`;
    label.textContent = `${Math.round(zoom * 100)} %`;
  };
  const clear = () => {
    canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height);
    canvas.width = canvas.height = 0;
    box.hidden = true;
  };
  document.getElementById('inspect-in').addEventListener('click', () => { zoom = Math.min(4, zoom + 0.5); show(); });
  document.getElementById('inspect-out').addEventListener('click', () => { zoom = Math.max(1, zoom - 0.5); show(); });
  document.getElementById('inspect-close').addEventListener('click', clear);
  return {
    freeze(v) {
      if (!v.videoWidth) return;
      // The frame at the resolution it arrived in, not the tile's size.
      canvas.width = v.videoWidth;
      canvas.height = v.videoHeight;
      canvas.getContext('2d').drawImage(v, 0, 0);
      zoom = 2;
      show();
      box.hidden = false;
      box.scrollIntoView({ block: 'nearest' });
    },
    clear,
  };
})();
window.vamtInspect = inspect;

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
  nameTiles();
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

// The end of the call, for whatever reason: nothing of it is left on the page (no tiles,
// no live notices, no enabled controls), and the finished page says what happens next.
// While the call is still open (we left, or the link broke) a button takes us back in.
function finish(state) {
  finished = true;
  setStatus(state);
  if (pc) pc.close();
  if (localStream) localStream.getTracks().forEach((t) => t.stop());
  stopMeter();
  micBtn.disabled = camBtn.disabled = leaveBtn.disabled = shareBtn.disabled = flipBtn.disabled = true;
  if (endAllBtn) endAllBtn.disabled = true;
  chatInput.disabled = chatSend.disabled = true;
  for (const v of document.querySelectorAll('video')) v.srcObject = null;
  remotes.replaceChildren();
  inspect.clear();
  for (const id of ['position', 'device-note', 'sharing', 'quality']) {
    const el = document.getElementById(id);
    if (el) el.hidden = true;
  }
  inCall.hidden = true;
  prejoin.hidden = true;
  const done = document.getElementById('finished');
  document.getElementById('finished-status').textContent = statusEl.textContent;
  statusEl.hidden = true;
  const open = ['left', 'error', 'replaced'].includes(state);
  document.getElementById('finished-rejoin').hidden = !open;
  done.hidden = false;
  done.focus();
  document.dispatchEvent(new CustomEvent('vamt:finished', { detail: state }));
}

document.getElementById('finished-rejoin').addEventListener('click', () => location.reload());

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
      for (const tile of remotes.querySelectorAll('figure.tile')) {
        if (tile.dataset.participant === m.participant) tile.remove();
      }
      if (!remotes.querySelector('figure.zoomed')) remotes.classList.remove('has-zoom');
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
/// The devices chosen in the device check (or last time on this browser), else the default.
function audioWant() {
  const id = localStorage.getItem('vamt.mic');
  return { echoCancellation: true, noiseSuppression: true, ...(id ? { deviceId: { ideal: id } } : {}) };
}
function videoWant() {
  const id = localStorage.getItem('vamt.camera');
  return { width: { ideal: 1280 }, height: { ideal: 720 }, ...(id ? { deviceId: { ideal: id } } : {}) };
}

// Why a device could not be had, as the help the device check shows.
function whyNot(e) {
  if (e.name === 'NotAllowedError' || e.name === 'SecurityError') return 'denied';
  if (e.name === 'NotFoundError' || e.name === 'OverconstrainedError') return 'missing';
  return 'busy';
}

/// Camera and microphone if allowed and present; else the microphone alone; else nothing
/// to send: a refused or missing camera leaves an audio-only call, not a dead end, and even
/// without a microphone one still sees and hears the others (and can chat and sign).
async function localMedia() {
  let why = null;
  try {
    return { stream: await navigator.mediaDevices.getUserMedia({ audio: audioWant(), video: videoWant() }), note: null, why };
  } catch (e) {
    console.warn('camera and microphone not available', e.name);
    why = whyNot(e);
  }
  try {
    return { stream: await navigator.mediaDevices.getUserMedia({ audio: audioWant() }), note: 'call-audio-only', why };
  } catch (e) {
    console.warn('microphone not available', e.name);
    why = why || whyNot(e);
  }
  return { stream: new MediaStream(), note: 'call-no-devices', why };
}

// The device check before joining: see oneself, watch the microphone move the meter, hear
// a test tone, pick camera and microphone, a hint on the connection, and help when a
// device is refused or missing. Joining takes what works: a missing camera is no dead end.
let audioCtx = null;
let meterTimer = null;
let cameraCount = 0;
function audio() {
  if (!audioCtx) audioCtx = new AudioContext();
  // Browsers start an audio context suspended until the user does something on the page.
  if (audioCtx.state === 'suspended') audioCtx.resume().catch(() => {});
  return audioCtx;
}

function stopMeter() {
  clearInterval(meterTimer);
  meterTimer = null;
}

function startMeter() {
  stopMeter();
  const track = localStream && localStream.getAudioTracks()[0];
  const meter = document.getElementById('prejoin-level');
  meter.value = 0;
  if (!track) return;
  const ctx = audio();
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 512;
  ctx.createMediaStreamSource(new MediaStream([track])).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  meterTimer = setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const x of samples) sum += x * x;
    // Speech at arm's length has an RMS of about 0.02 to 0.1: scaled so talking fills it.
    meter.value = Math.min(1, Math.sqrt(sum / samples.length) * 8);
    window.vamtCall.level = Math.max(window.vamtCall.level || 0, meter.value);
  }, 100);
}

function testTone() {
  const ctx = audio();
  const gain = ctx.createGain();
  gain.gain.value = 0.2;
  gain.connect(ctx.destination);
  // Two short beeps, low then high: heard as a test, not as a ringing call.
  [[440, 0], [660, 0.45]].forEach(([hz, at]) => {
    const o = ctx.createOscillator();
    o.frequency.value = hz;
    o.connect(gain);
    o.start(ctx.currentTime + at);
    o.stop(ctx.currentTime + at + 0.35);
  });
  window.vamtCall.tones = (window.vamtCall.tones || 0) + 1;
}

async function fillDevices() {
  let devices = [];
  try {
    devices = await navigator.mediaDevices.enumerateDevices();
  } catch (_) {
    return;
  }
  const cameras = devices.filter((d) => d.kind === 'videoinput' && d.deviceId);
  const mics = devices.filter((d) => d.kind === 'audioinput' && d.deviceId);
  const fill = (select, list, kind, current) => {
    select.replaceChildren();
    list.forEach((d, i) => {
      const o = document.createElement('option');
      o.value = d.deviceId;
      o.textContent = d.label || `${text[kind]} ${i + 1}`;
      o.selected = d.deviceId === current;
      select.append(o);
    });
    select.disabled = list.length === 0;
  };
  const setting = (k) => {
    const t = localStream && localStream.getTracks().find((x) => x.kind === k);
    return t ? t.getSettings().deviceId : null;
  };
  fill(document.getElementById('prejoin-camera'), cameras, 'prejoin-camera', setting('video'));
  fill(document.getElementById('prejoin-mic'), mics, 'prejoin-mic', setting('audio'));
  // Phones have a front and a back camera: the card is easier to show with the back one.
  cameraCount = cameras.length;
  flipBtn.hidden = cameraCount < 2;
}

// Swaps one of our tracks for another device's: in the preview, and in the call without
// renegotiating (the sender keeps its simulcast layers).
async function useDevice(kind, deviceId) {
  let fresh;
  try {
    const s = await navigator.mediaDevices.getUserMedia(kind === 'video'
      ? { video: { ...videoWant(), deviceId: { exact: deviceId } } }
      : { audio: { ...audioWant(), deviceId: { exact: deviceId } } });
    fresh = s.getTracks()[0];
  } catch (e) {
    console.warn('device not available', e.name);
    return false;
  }
  const old = localStream.getTracks().find((t) => t.kind === kind);
  if (old) {
    fresh.enabled = old.enabled;
    localStream.removeTrack(old);
    old.stop();
  }
  localStream.addTrack(fresh);
  if (pc && old) {
    const sender = pc.getSenders().find((x) => x.track === old);
    if (sender) await sender.replaceTrack(fresh);
  }
  localStorage.setItem(kind === 'video' ? 'vamt.camera' : 'vamt.mic', deviceId);
  mirror();
  if (kind === 'audio' && !prejoin.hidden) startMeter();
  return true;
}

// Our own picture is mirrored, as in a mirror; a camera facing away (a phone's back
// camera, showing the ID card) is not, so the card reads the right way round.
function mirror() {
  const t = localStream && localStream.getVideoTracks()[0];
  const away = !!t && t.getSettings().facingMode === 'environment';
  for (const v of [localVideo, document.getElementById('prejoin-video')]) v.classList.toggle('unmirrored', away);
}

async function switchCamera() {
  let cameras = [];
  try {
    cameras = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput' && d.deviceId);
  } catch (_) {
    return false;
  }
  if (cameras.length < 2 || !localStream) return false;
  const now = localStream.getVideoTracks()[0];
  const at = cameras.findIndex((d) => now && d.deviceId === now.getSettings().deviceId);
  return useDevice('video', cameras[(at + 1) % cameras.length].deviceId);
}

// A hint, not a measurement: the browser's own estimate where it has one (Chromium,
// Android), else how long three tiny requests take.
async function bandwidthHint() {
  const el = document.getElementById('prejoin-bandwidth');
  const c = navigator.connection;
  let level = null;
  if (c && (c.downlink || c.effectiveType)) {
    if (c.saveData || ['slow-2g', '2g'].includes(c.effectiveType) || (c.downlink && c.downlink < 0.5)) level = 'poor';
    else if (c.effectiveType === '3g' || (c.downlink && c.downlink < 1.5)) level = 'fair';
    else level = 'good';
  } else {
    const times = [];
    for (let i = 0; i < 3 && !level; i += 1) {
      const t0 = performance.now();
      try {
        await fetch('/readyz', { cache: 'no-store' });
        times.push(performance.now() - t0);
      } catch (_) {
        level = 'poor';
      }
    }
    if (!level) {
      times.sort((a, b) => a - b);
      // Half a second for a tiny answer: a link on which video will struggle.
      level = times[1] > 500 ? 'poor' : times[1] > 200 ? 'fair' : 'good';
    }
  }
  el.textContent = text['prejoin-net-' + level];
  el.dataset.level = level;
}

async function prepare() {
  setStatus('check');
  const help = document.getElementById('prejoin-help');
  help.hidden = true;
  if (localStream) localStream.getTracks().forEach((t) => t.stop());
  const media = await localMedia();
  localStream = media.stream;
  document.getElementById('prejoin-video').srcObject = localStream;
  document.getElementById('prejoin-camera-state').textContent = media.note ? text[media.note] : '';
  if (media.why) {
    document.getElementById('prejoin-help-text').textContent = text['prejoin-help-' + media.why];
    help.hidden = false;
  }
  mirror();
  await fillDevices();
  startMeter();
  bandwidthHint();
  document.getElementById('prejoin-join').disabled = false;
}

document.getElementById('prejoin-retry').addEventListener('click', prepare);
document.getElementById('prejoin-speaker').addEventListener('click', testTone);
document.getElementById('prejoin-camera').addEventListener('change', (e) => useDevice('video', e.target.value));
document.getElementById('prejoin-mic').addEventListener('change', (e) => useDevice('audio', e.target.value));
document.getElementById('prejoin-join').addEventListener('click', () => {
  stopMeter();
  document.getElementById('prejoin-video').srcObject = null;
  prejoin.hidden = true;
  inCall.hidden = false;
  start();
});
flipBtn.addEventListener('click', switchCamera);

async function start() {
  setStatus('starting');
  const deviceNote = document.getElementById('device-note');
  const note = localStream.getVideoTracks().length ? null
    : localStream.getAudioTracks().length ? 'call-audio-only' : 'call-no-devices';
  if (note && deviceNote) {
    deviceNote.textContent = text[note];
    deviceNote.hidden = false;
  }
  localVideo.srcObject = localStream;
  mirror();
  flipBtn.hidden = cameraCount < 2;
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

prepare();
