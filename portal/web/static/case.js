// The case record in the call page: documents both ways (picked or dropped, sent in
// resumable 1 MiB chunks with a progress bar, checked by SHA-256 at the server), the list
// both sides see, and for the clerk the identity checklist and keep/discard. Everything
// goes over HTTPS with the call's room token; signalling only says `notice: case_changed`,
// on which the list is fetched again (call.js passes it on as a `vamt:notice` event).
const cfg = JSON.parse(document.getElementById('call-config').textContent);
const text = JSON.parse(document.getElementById('case-strings').textContent);
const base = `/api/v1/calls/${encodeURIComponent(cfg.booking)}`;
let token = cfg.token;
let expiresAt = cfg.expires_at;

const list = document.getElementById('docs-list');
const picker = document.getElementById('docs-file');
const drop = document.getElementById('docs-drop');
const progress = document.getElementById('docs-progress');
const note = document.getElementById('docs-note');
const identity = document.getElementById('identity-form');

async function api(method, path, body, type) {
  await fresh();
  const headers = { Authorization: `Bearer ${token}` };
  if (type) headers['Content-Type'] = type;
  const resp = await fetch(base + path, { method, headers, body });
  let json = null;
  if ((resp.headers.get('Content-Type') || '').startsWith('application/json')) json = await resp.json();
  return { ok: resp.ok, status: resp.status, json, resp };
}

// A token lives ten minutes; a call lasts longer. Refreshed a minute before it ends.
async function fresh() {
  if (Date.now() / 1000 < expiresAt - 60) return;
  const resp = await fetch(`${base}/token/refresh`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  if (!resp.ok) return;
  const v = await resp.json();
  token = v.token;
  expiresAt = v.expires_at;
}

function say(msg) {
  note.textContent = msg;
}

async function sha256(buf) {
  const d = await crypto.subtle.digest('SHA-256', buf);
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function send(file) {
  const buf = await file.arrayBuffer();
  const begun = await api('POST', '/documents', JSON.stringify({ name: file.name, size: buf.byteLength, sha256: await sha256(buf) }), 'application/json');
  if (!begun.ok) return say(begun.json ? begun.json.error.message : text['docs-failed']);
  const doc = begun.json;
  progress.hidden = false;
  progress.max = buf.byteLength;
  progress.value = 0;
  let at = doc.received;
  let tries = 0;
  while (at < buf.byteLength) {
    const end = Math.min(at + doc.chunk_max, buf.byteLength);
    let r;
    try {
      r = await api('PUT', `/documents/${doc.id}/content?start=${at}`, buf.slice(at, end), 'application/octet-stream');
    } catch (_) {
      r = null;
    }
    if (r && r.ok) {
      at = r.json.received;
      tries = 0;
    } else if (r && r.json && r.json.error.code === 'upload_offset') {
      at = r.json.error.received;
    } else if (tries < 5) {
      // A dropped link: wait, ask where the upload stands, go on from there.
      tries += 1;
      await new Promise((ok) => setTimeout(ok, 1000 * tries));
      const where = await api('GET', `/documents/${doc.id}`).catch(() => null);
      if (where && where.ok) at = where.json.received;
    } else {
      progress.hidden = true;
      return say(text['docs-failed']);
    }
    progress.value = at;
  }
  const done = await api('POST', `/documents/${doc.id}/complete`);
  progress.hidden = true;
  say(done.ok ? `${text['docs-received']}: ${done.json.name}` : done.json.error.message);
  const guest = document.getElementById('guest-form');
if (guest) {
  guest.addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = new FormData(guest);
    const r = await api('POST', '/invites', JSON.stringify({ role: form.get('role'), name: form.get('name') }), 'application/json');
    const link = document.getElementById('guest-link');
    if (r.ok) {
      link.value = r.json.url;
      link.hidden = false;
      link.select();
      document.getElementById('guest-note').textContent = text['guest-made'];
    } else {
      document.getElementById('guest-note').textContent = r.json ? r.json.error.message : text['docs-failed'];
    }
  });
}

refresh();
refreshSignatures();
}

async function download(doc) {
  const r = await api('GET', `/documents/${doc.id}/content`);
  if (!r.ok) return say(text['docs-failed']);
  const blob = await r.resp.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = doc.name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

function button(label, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'button';
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

async function refresh() {
  const r = await api('GET', '/documents').catch(() => null);
  if (!r || !r.ok) return;
  list.replaceChildren();
  const shown = r.json.filter((d) => d.state !== 'uploading' && d.state !== 'erased');
  if (shown.length === 0) {
    const li = document.createElement('li');
    li.textContent = text['docs-none'];
    list.append(li);
  }
  for (const d of shown) {
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = `${d.name} (${text['docs-from-' + d.origin]}, ${Math.ceil(d.size / 1000)} kB, ${text['docs-state-' + d.state]})`;
    li.append(name);
    if (d.state === 'received' || d.state === 'kept') {
      li.append(' ', button(text['docs-download'], () => download(d)));
      if (cfg.role === 'clerk' && d.state === 'received') {
        li.append(' ', button(text['docs-keep'], () => decide(d, 'keep')));
      }
      if (cfg.role === 'clerk' && d.kind === 'pdf') {
        li.append(' ', button(text['sign-ask'], () => askSignature(d)));
      }
      if (cfg.role === 'clerk' && d.origin === 'office' && d.state === 'kept') {
        li.append(' ', button(text['deliver-download'], () => deliver(d, 'download')));
        li.append(' ', button(text['deliver-post'], () => deliver(d, 'post')));
      }
      if (cfg.role === 'clerk') li.append(' ', button(text['docs-discard'], () => decide(d, 'discard')));
    }
    list.append(li);
  }
}

async function askSignature(d) {
  const r = await api('POST', `/documents/${d.id}/signature`);
  say(r.ok ? text['sign-asked'] : r.json.error.message);
}

async function deliver(d, method) {
  const r = await api('POST', `/documents/${d.id}/deliver`, JSON.stringify({ method }), 'application/json');
  say(r.ok ? text['deliver-done'] : r.json.error.message);
}

// The citizen's side of a signature: read, confirm, then sign on the pad or by TAN.
const signBox = document.getElementById('sign');
const pad = document.getElementById('sign-pad');
let strokes = [];
let pending = null;

async function refreshSignatures() {
  if (!signBox) return;
  const r = await api('GET', '/signatures').catch(() => null);
  if (!r || !r.ok) return;
  pending = r.json.find((s) => s.state === 'requested') || null;
  signBox.hidden = !pending;
  if (!pending) return;
  document.getElementById('sign-read').disabled = !!pending.read_at;
  for (const id of ['sign-submit', 'sign-tan-send', 'sign-tan-submit', 'sign-clear']) {
    document.getElementById(id).disabled = !pending.read_at;
  }
}

if (signBox) {
  const ctx = pad.getContext('2d');
  let drawing = null;
  const point = (e) => {
    const box = pad.getBoundingClientRect();
    return [Math.min(1, Math.max(0, (e.clientX - box.left) / box.width)), Math.min(1, Math.max(0, (e.clientY - box.top) / box.height))];
  };
  pad.addEventListener('pointerdown', (e) => {
    if (!pending || !pending.read_at) return;
    pad.setPointerCapture(e.pointerId);
    drawing = [point(e)];
    strokes.push(drawing);
  });
  pad.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    const [x, y] = point(e);
    const [px, py] = drawing[drawing.length - 1];
    drawing.push([x, y]);
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(px * pad.width, py * pad.height);
    ctx.lineTo(x * pad.width, y * pad.height);
    ctx.stroke();
  });
  const end = () => {
    drawing = null;
  };
  pad.addEventListener('pointerup', end);
  pad.addEventListener('pointercancel', end);
  document.getElementById('sign-clear').addEventListener('click', () => {
    strokes = [];
    ctx.clearRect(0, 0, pad.width, pad.height);
  });
  document.getElementById('sign-open').addEventListener('click', () => pending && download({ id: pending.document_id, name: `${pending.document_id}.pdf` }));
  document.getElementById('sign-read').addEventListener('click', async () => {
    const r = await api('POST', `/signatures/${pending.id}/read`);
    if (r.ok) refreshSignatures();
  });
  const signed = (r) => {
    document.getElementById('sign-note').textContent = r.ok ? text['sign-done'] : r.json.error.message;
    if (r.ok) {
      strokes = [];
      ctx.clearRect(0, 0, pad.width, pad.height);
      refresh();
      refreshSignatures();
    }
  };
  document.getElementById('sign-submit').addEventListener('click', async () => {
    signed(await api('POST', `/signatures/${pending.id}/sign`, JSON.stringify({ method: 'drawn', strokes }), 'application/json'));
  });
  document.getElementById('sign-tan-send').addEventListener('click', async () => {
    const r = await api('POST', `/signatures/${pending.id}/tan`);
    document.getElementById('sign-note').textContent = r.ok ? text['sign-tan-sent'] : r.json.error.message;
  });
  document.getElementById('sign-tan-submit').addEventListener('click', async () => {
    const tan = document.getElementById('sign-tan').value;
    signed(await api('POST', `/signatures/${pending.id}/sign`, JSON.stringify({ method: 'tan', tan }), 'application/json'));
  });
}

async function decide(d, how) {
  const r = await api('POST', `/documents/${d.id}/${how}`);
  if (!r.ok) say(r.json ? r.json.error.message : text['docs-failed']);
  const guest = document.getElementById('guest-form');
if (guest) {
  guest.addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = new FormData(guest);
    const r = await api('POST', '/invites', JSON.stringify({ role: form.get('role'), name: form.get('name') }), 'application/json');
    const link = document.getElementById('guest-link');
    if (r.ok) {
      link.value = r.json.url;
      link.hidden = false;
      link.select();
      document.getElementById('guest-note').textContent = text['guest-made'];
    } else {
      document.getElementById('guest-note').textContent = r.json ? r.json.error.message : text['docs-failed'];
    }
  });
}

refresh();
refreshSignatures();
}

picker.addEventListener('change', () => {
  for (const f of picker.files) send(f);
  picker.value = '';
});
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  for (const f of e.dataTransfer.files) send(f);
});
document.addEventListener('vamt:notice', (e) => {
  if (e.detail === 'case_changed') const guest = document.getElementById('guest-form');
if (guest) {
  guest.addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = new FormData(guest);
    const r = await api('POST', '/invites', JSON.stringify({ role: form.get('role'), name: form.get('name') }), 'application/json');
    const link = document.getElementById('guest-link');
    if (r.ok) {
      link.value = r.json.url;
      link.hidden = false;
      link.select();
      document.getElementById('guest-note').textContent = text['guest-made'];
    } else {
      document.getElementById('guest-note').textContent = r.json ? r.json.error.message : text['docs-failed'];
    }
  });
}

refresh();
refreshSignatures();
});

if (identity) {
  identity.addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = new FormData(identity);
    const body = {
      method: form.get('method'),
      checks: form.getAll('checks'),
      outcome: e.submitter && e.submitter.value === 'failed' ? 'failed' : 'confirmed',
    };
    const r = await api('POST', '/identity', JSON.stringify(body), 'application/json');
    document.getElementById('identity-note').textContent = r.ok ? text['identity-saved-' + body.outcome] : r.json.error.message;
  });
}

const guest = document.getElementById('guest-form');
if (guest) {
  guest.addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = new FormData(guest);
    const r = await api('POST', '/invites', JSON.stringify({ role: form.get('role'), name: form.get('name') }), 'application/json');
    const link = document.getElementById('guest-link');
    if (r.ok) {
      link.value = r.json.url;
      link.hidden = false;
      link.select();
      document.getElementById('guest-note').textContent = text['guest-made'];
    } else {
      document.getElementById('guest-note').textContent = r.json ? r.json.error.message : text['docs-failed'];
    }
  });
}

refresh();
refreshSignatures();
