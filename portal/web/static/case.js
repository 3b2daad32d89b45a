// The case record in the call page: documents both ways (picked or dropped, sent in
// resumable 1 MiB chunks with a progress bar, checked by SHA-256 at the server), the list
// both sides see (a guest, such as an interpreter, sees what the clerk shares), the guided
// identity check, and for the clerk the checklist, keep/discard and the appointment's note. Everything
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
  refresh();
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

// The one line of a list that has nothing to list.
function emptyItem(words) {
  const li = document.createElement('li');
  li.textContent = words;
  return li;
}

async function refresh() {
  const r = await api('GET', '/documents').catch(() => null);
  if (!r || !r.ok) return;
  list.replaceChildren();
  const shown = r.json.filter((d) => d.state !== 'erased');
  // An upload of the other side on its way: show how far it is and look again soon.
  if (shown.some((d) => d.state === 'uploading')) setTimeout(refresh, 1000);
  if (shown.length === 0) list.append(emptyItem(text['docs-none']));
  for (const d of shown) {
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = `${d.name} (${text[`docs-from-${d.origin}${cfg.role === 'clerk' ? '-clerk' : ''}`]}, ${Math.ceil(d.size / 1000)} kB, ${text['docs-state-' + d.state]})`;
    li.append(name);
    if (d.state === 'uploading') {
      const bar = document.createElement('progress');
      bar.max = d.size;
      bar.value = d.received;
      bar.setAttribute('aria-label', `${d.name}: ${text['docs-state-uploading']}`);
      li.append(' ', bar);
    }
    if (d.state === 'received' || d.state === 'kept') {
      li.append(' ', button(text['docs-download'], () => download(d)));
      if (cfg.role === 'clerk' && d.state === 'received') {
        li.append(' ', button(text['docs-keep'], () => decide(d, 'keep')));
      }
      if (d.kind === 'pdf') li.append(' ', button(text['review-show'], () => review.open(d.id, 1, 1, true)));
      if (cfg.role === 'clerk' && d.kind === 'pdf') {
        li.append(' ', button(text['sign-ask'], () => askSignature(d)));
      }
      if (cfg.role === 'clerk' && d.origin === 'office' && d.state === 'kept') {
        li.append(' ', button(text['deliver-download'], () => deliver(d, 'download')));
        li.append(' ', button(text['deliver-post'], () => deliver(d, 'post')));
      }
      if (cfg.role === 'clerk') {
        const sharing = button(text['docs-share'], () => share(d, !d.shared_with_guests));
        sharing.setAttribute('aria-pressed', String(d.shared_with_guests));
        li.append(' ', sharing);
        li.append(' ', button(text['docs-discard'], () => decide(d, 'discard')));
      }
    }
    list.append(li);
  }
}

// Guests (an interpreter) see a document only while the clerk shares it.
async function share(d, shared) {
  const r = await api('POST', `/documents/${d.id}/share`, JSON.stringify({ shared }), 'application/json');
  if (!r.ok) say(r.json ? r.json.error.message : text['docs-failed']);
  refresh();
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

// Review: one side opens a PDF for both; both see the same page at the same zoom, and each
// other's pointer. pdf.js (served by the portal) renders it; the page, zoom and pointer go
// over the call's `docs` data channel, which the SFU relays unchanged; the bytes come from
// the case over HTTPS, as for a download.
const review = (() => {
  const box = document.getElementById('review');
  if (!box) return { open() {} };
  const canvas = document.getElementById('review-canvas');
  const dot = document.getElementById('review-pointer');
  const label = document.getElementById('review-page');
  let channel = window.vamtDocsChannel || null;
  let pdfjs = null;
  let doc = null;
  let docId = null;
  let page = 1;
  let zoom = 1;
  let lastPointer = 0;

  function tell(msg) {
    if (channel && channel.readyState === 'open') channel.send(JSON.stringify(msg));
  }

  async function render() {
    const p = await doc.getPage(page);
    const viewport = p.getViewport({ scale: zoom * 1.5 });
    canvas.width = viewport.width;
    canvas.height = viewport.height;
    await p.render({ canvasContext: canvas.getContext('2d'), viewport }).promise;
    label.textContent = `${text['review-page']} ${page} / ${doc.numPages}`;
  }

  async function open(id, atPage, atZoom, announce) {
    if (!pdfjs) {
      pdfjs = await import('/static/pdf.min.mjs');
      pdfjs.GlobalWorkerOptions.workerSrc = '/static/pdf.worker.min.mjs';
    }
    if (id !== docId) {
      const r = await api('GET', `/documents/${id}/content`);
      // A guest follows only the documents the clerk shares: another one stays closed.
      if (!r.ok) return cfg.role === 'citizen' || cfg.role === 'clerk' ? say(text['docs-failed']) : undefined;
      doc = await pdfjs.getDocument({ data: new Uint8Array(await r.resp.arrayBuffer()), isEvalSupported: false }).promise;
      docId = id;
    }
    page = Math.min(Math.max(1, atPage), doc.numPages);
    zoom = atZoom;
    const opening = box.hidden;
    box.hidden = false;
    await render();
    // Opened by the other side: bring it into view (on a phone it lies below the video).
    if (opening && !announce) box.scrollIntoView({ block: 'start' });
    if (announce) tell({ t: 'open', doc: docId, page, zoom });
  }

  function go(to, z) {
    if (!doc) return;
    page = Math.min(Math.max(1, to), doc.numPages);
    zoom = Math.min(Math.max(0.5, z), 3);
    render();
    tell({ t: 'view', doc: docId, page, zoom });
  }

  function listen(ch) {
    channel = ch;
    ch.addEventListener('message', (e) => {
      let m;
      try {
        m = JSON.parse(e.data);
      } catch (_) {
        return;
      }
      if ((m.t === 'open' || m.t === 'view') && typeof m.doc === 'string') {
        open(m.doc, Number(m.page) || 1, Number(m.zoom) || 1, false);
      } else if (m.t === 'pointer' && m.doc === docId) {
        dot.hidden = false;
        dot.style.left = `${Math.min(1, Math.max(0, m.x)) * 100}%`;
        dot.style.top = `${Math.min(1, Math.max(0, m.y)) * 100}%`;
      } else if (m.t === 'close') {
        box.hidden = true;
      }
    });
  }
  if (channel) listen(channel);
  document.addEventListener('vamt:docs-channel', (e) => listen(e.detail));

  document.getElementById('review-prev').addEventListener('click', () => go(page - 1, zoom));
  document.getElementById('review-next').addEventListener('click', () => go(page + 1, zoom));
  document.getElementById('review-in').addEventListener('click', () => go(page, zoom + 0.25));
  document.getElementById('review-out').addEventListener('click', () => go(page, zoom - 0.25));
  document.getElementById('review-close').addEventListener('click', () => {
    box.hidden = true;
    tell({ t: 'close' });
  });
  canvas.addEventListener('pointermove', (e) => {
    // At most 20 pointer messages a second: enough to follow, little on a bad link.
    const now = Date.now();
    if (now - lastPointer < 50) return;
    lastPointer = now;
    const r = canvas.getBoundingClientRect();
    tell({ t: 'pointer', doc: docId, x: (e.clientX - r.left) / r.width, y: (e.clientY - r.top) / r.height });
  });
  return { open, current: () => ({ doc: docId, page, zoom }) };
})();
window.vamtReview = review;

async function decide(d, how) {
  const r = await api('POST', `/documents/${d.id}/${how}`);
  if (!r.ok) say(r.json ? r.json.error.message : text['docs-failed']);
  refresh();
}

// Guests hand nothing over: their page has no picker.
if (picker) {
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
}
// The clerk's timeline of the case: every step of its audit log, newest last.
const timeline = document.getElementById('timeline');
async function refreshTimeline() {
  if (!timeline) return;
  const r = await api('GET', '/case').catch(() => null);
  if (!r || !r.ok) return;
  timeline.replaceChildren();
  for (const e of r.json.timeline) {
    const li = document.createElement('li');
    const who = e.actor.startsWith('clerk') ? 'clerk' : e.actor.startsWith('guest') ? 'guest' : e.actor;
    const at = new Date(e.at).toLocaleTimeString(document.documentElement.lang, { hour: '2-digit', minute: '2-digit' });
    li.textContent = `${at} ${text['timeline-' + e.event] || e.event} (${text['timeline-by-' + who] || who})`;
    timeline.append(li);
  }
}

// Fees: the clerk asks for the appointment's fees (with options such as an extra copy), the
// citizen pays in a second tab on the provider's page (a form with a target, so pop-up
// blockers let it through, and the call goes on here). Both pages fetch the payment again
// on `notice: payment_changed`, so the clerk sees "paid" without reloading.
const pay = (() => {
  const box = document.getElementById('pay');
  if (!box) return { refresh() {} };
  const form = document.getElementById('pay-form');
  const fees = document.getElementById('pay-fees');
  const stateEl = document.getElementById('pay-state');
  const lines = document.getElementById('pay-lines');
  const amount = document.getElementById('pay-amount');
  const waysBox = document.getElementById('pay-ways');
  const buttons = document.getElementById('pay-buttons');
  const withdraw = document.getElementById('pay-withdraw');
  const noteEl = document.getElementById('pay-note');
  // The clerk may send the invoice for a citizen who cannot pay online.
  const clerkWays = document.getElementById('pay-clerk-ways');
  let feesShown = false;

  function showFees(list) {
    if (feesShown || !fees) return;
    feesShown = true;
    for (const f of list) {
      const li = document.createElement('li');
      li.textContent = `${f.name}: ${f.base}`;
      for (const o of f.options) {
        const label = document.createElement('label');
        const input = document.createElement('input');
        input.type = 'number';
        input.min = '0';
        input.max = String(o.max);
        input.value = '0';
        input.dataset.service = String(f.service);
        input.dataset.option = o.id;
        input.id = `pay-opt-${f.service}-${o.id}`;
        label.htmlFor = input.id;
        label.textContent = `${o.name} (${o.unit} ${text['pay-each']}), ${text['pay-quantity']} `;
        const p = document.createElement('p');
        p.append(label, input);
        li.append(p);
      }
      fees.append(li);
    }
  }

  function wayForm(p, w) {
    const f = document.createElement('form');
    f.method = 'post';
    f.action = p.start;
    f.target = '_blank';
    for (const [name, value] of [['way', w.way], ['lang', document.documentElement.lang], ['token', '']]) {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = value;
      f.append(input);
    }
    // The room token as it is at the click: a form cannot send the bearer header.
    f.addEventListener('submit', () => {
      f.elements.token.value = token;
    });
    const b = document.createElement('button');
    b.type = 'submit';
    b.className = 'button primary';
    b.id = `pay-way-${w.way}`;
    b.textContent = w.name;
    f.append(b);
    return f;
  }

  function show(p) {
    lines.replaceChildren();
    if (!p) {
      stateEl.textContent = '';
      delete stateEl.dataset.state;
      amount.textContent = '';
      if (waysBox) waysBox.hidden = true;
      if (withdraw) withdraw.hidden = true;
      return;
    }
    box.hidden = false;
    stateEl.textContent = p.state_text;
    stateEl.dataset.state = p.state;
    for (const l of p.lines) {
      const li = document.createElement('li');
      li.textContent = l.quantity > 1 ? `${l.quantity} × ${l.name}: ${l.total}` : `${l.name}: ${l.total}`;
      lines.append(li);
    }
    amount.textContent = `${text['pay-total']}: ${p.amount}`;
    const open = p.state === 'requested' || p.state === 'started';
    if (withdraw) withdraw.hidden = !open;
    if (form) form.hidden = open;
    if (waysBox) {
      waysBox.hidden = p.ways.length === 0;
      buttons.replaceChildren(...p.ways.map((w) => wayForm(p, w)));
    }
    if (clerkWays) {
      const invoice = p.ways.filter((w) => w.way === 'invoice').map((w) => wayForm(p, { way: w.way, name: text['pay-send-invoice'] }));
      clerkWays.replaceChildren(...invoice);
    }
  }

  async function refresh() {
    const r = await api('GET', '/payment').catch(() => null);
    if (!r || !r.ok) return;
    if (form) {
      document.getElementById('pay-none').hidden = r.json.offered;
      showFees(r.json.fees);
      form.hidden = !r.json.offered;
    }
    show(r.json.payment);
  }

  if (form) {
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const options = [];
      for (const input of form.querySelectorAll('input[data-option]')) {
        const quantity = Number(input.value);
        if (quantity > 0) options.push({ service: Number(input.dataset.service), option: input.dataset.option, quantity });
      }
      const r = await api('POST', '/payment', JSON.stringify({ options }), 'application/json');
      noteEl.textContent = r.ok ? text['pay-requested'] : r.json ? r.json.error.message : text['docs-failed'];
      if (r.ok) show(r.json.payment);
    });
    withdraw.addEventListener('click', async () => {
      const r = await api('POST', '/payment/withdraw');
      noteEl.textContent = r.ok ? text['pay-withdrawn'] : r.json ? r.json.error.message : text['docs-failed'];
      if (r.ok) show(r.json.payment);
    });
  }
  // The form posts the token as it is; keep it fresh while the citizen may click.
  setInterval(() => {
    if (waysBox && !waysBox.hidden) fresh();
  }, 30000);
  return { refresh };
})();

document.addEventListener('vamt:notice', (e) => {
  if (e.detail === 'payment_changed') {
    pay.refresh();
    refreshTimeline();
  }
  if (e.detail === 'case_changed') {
    refresh();
    refreshSignatures();
    refreshTimeline();
    idcheck.refresh();
  }
});

// The guided identity check. The clerk asks (over HTTPS, recorded in the case); the
// citizen's page walks through showing the document: front, back, tilted (so the
// hologram shows), with the back camera on a phone. Each step goes to the clerk over the
// document channel, so the clerk knows what is in the picture. Frames never leave the
// clerk's browser (call.js: enlarge and freeze).
const STEPS = { id_card: ['front', 'back', 'tilt'], passport: ['photo', 'tilt'] };
const idcheck = (() => {
  const box = document.getElementById('idcheck');
  const progressEl = document.getElementById('identity-progress');
  let channel = window.vamtDocsChannel || null;
  let method = null;
  let at = 0;
  const tell = (msg) => {
    if (channel && channel.readyState === 'open') channel.send(JSON.stringify(msg));
  };
  const listen = (ch) => {
    channel = ch;
    ch.addEventListener('message', (e) => {
      let m;
      try {
        m = JSON.parse(e.data);
      } catch (_) {
        return;
      }
      if (m.t === 'id_step' && progressEl && typeof m.step === 'string' && text['identity-progress-' + m.step]) {
        progressEl.textContent = text['identity-progress-' + m.step];
        progressEl.dataset.step = m.step;
      }
    });
  };
  if (channel) listen(channel);
  document.addEventListener('vamt:docs-channel', (e) => listen(e.detail));

  function show() {
    const steps = STEPS[method];
    const list = document.getElementById('idcheck-steps');
    list.replaceChildren();
    steps.forEach((step, i) => {
      const li = document.createElement('li');
      li.textContent = text[`idcheck-step-${step}`];
      if (i === at) li.setAttribute('aria-current', 'step');
      if (i < at) li.className = 'done';
      list.append(li);
    });
    const now = document.getElementById('idcheck-now');
    const next = document.getElementById('idcheck-next');
    if (at < steps.length) {
      now.textContent = `${text['idcheck-now']} ${text[`idcheck-step-${steps[at]}`]}`;
      next.hidden = false;
      tell({ t: 'id_step', step: steps[at] });
    } else {
      now.textContent = text['idcheck-done'];
      next.hidden = true;
      tell({ t: 'id_step', step: 'done' });
    }
    now.dataset.step = at < steps.length ? steps[at] : 'done';
    // The card is easier to show with a phone's back camera.
    document.getElementById('idcheck-flip').hidden = document.getElementById('flip').hidden;
  }

  async function refresh() {
    if (!box && !progressEl) return;
    const r = await api('GET', '/identity').catch(() => null);
    if (!r || !r.ok) return;
    if (progressEl) {
      if (r.json.requested && !progressEl.dataset.step) progressEl.textContent = text['identity-asked'];
      if (!r.json.requested) {
        progressEl.textContent = '';
        delete progressEl.dataset.step;
      }
      return;
    }
    const asked = STEPS[r.json.requested] ? r.json.requested : null;
    if (asked && asked !== method) {
      method = asked;
      at = 0;
      box.hidden = false;
      document.querySelector('.call').classList.add('showing-id');
      show();
      box.scrollIntoView({ block: 'start' });
      box.focus();
    } else if (!asked && method) {
      method = null;
      box.hidden = true;
      document.querySelector('.call').classList.remove('showing-id');
    }
  }

  if (box) {
    document.getElementById('idcheck-next').addEventListener('click', () => {
      at += 1;
      show();
    });
    document.getElementById('idcheck-flip').addEventListener('click', () => window.vamtCall.switchCamera());
  }
  const ask = document.getElementById('identity-ask');
  if (ask) {
    ask.addEventListener('click', async () => {
      const chosen = new FormData(identity).get('method');
      const r = await api('POST', '/identity/request', JSON.stringify({ method: chosen }), 'application/json');
      progressEl.textContent = r.ok ? text['identity-asked'] : r.json.error.message;
    });
  }
  return { refresh };
})();

// The clerk's note on the appointment, the same as in the console; saved without leaving
// the call.
const noteForm = document.getElementById('note-form');
if (noteForm) {
  noteForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = await api('PUT', '/note', JSON.stringify({ note: document.getElementById('note-text').value }), 'application/json');
    document.getElementById('note-status').textContent = r.ok ? text['appointment-note-saved'] : (r.json ? r.json.error.message : text['docs-failed']);
  });
}

// After the call: what the citizen can take home now (the office's documents), with the
// same download as during the call; the mail with the link follows for later.
document.addEventListener('vamt:finished', async () => {
  const out = document.getElementById('finished-docs');
  if (!out) return;
  const r = await api('GET', '/documents').catch(() => null);
  const docs = r && r.ok ? r.json.filter((d) => d.origin === 'office' && (d.state === 'kept' || d.state === 'received')) : [];
  out.replaceChildren();
  if (docs.length === 0) out.append(emptyItem(text['finished-no-docs']));
  for (const d of docs) {
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = d.name;
    li.append(name, ' ', button(text['docs-download'], () => download(d)));
    out.append(li);
  }
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
refreshTimeline();
idcheck.refresh();
pay.refresh();
