// The visit to the office in the call, as the issue shows it: in two Chromiums the citizen
// sends a 5 MB PDF and a photo and the clerk receives them byte-identical; the clerk shows
// the PDF and the citizen's page follows to page 3; the citizen signs with pointer strokes
// on the pad, and once more with a TAN that arrives at the real SMTP sink; the signed PDF
// holds the signature page and verifies sealed (poppler); the views pass axe-core at phone
// size.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smtpSink, startVamt, browser, waitFor, screenshot, joinDemoCall, audit } from './harness.mjs';

const cleanup = [];
after(async () => { for (const f of cleanup.reverse()) await f().catch(() => {}); });

/// A well-formed PDF of `pages` pages ("Seite n" on each), padded to about `size` bytes by
/// an unused stream of incompressible bytes.
function pdf(pages, size) {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>'];
  const kids = [];
  const pageObjs = [];
  for (let i = 0; i < pages; i += 1) {
    const pageId = 3 + i * 2;
    kids.push(`${pageId} 0 R`);
    const content = `BT /F1 36 Tf 72 720 Td (Seite ${i + 1}) Tj ET`;
    pageObjs.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents ${pageId + 1} 0 R /Resources << /Font << /F1 ${3 + pages * 2} 0 R >> >> >>`);
    pageObjs.push(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  }
  objects.push(`<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${pages} >>`);
  objects.push(...pageObjs);
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const padLen = Math.max(0, size - 2000);
  const chunks = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let at = chunks[0].length;
  const offsets = [];
  const push = (b) => { chunks.push(b); at += b.length; };
  objects.forEach((o, i) => { offsets.push(at); push(Buffer.from(`${i + 1} 0 obj\n${o}\nendobj\n`, 'latin1')); });
  const padId = objects.length + 1;
  offsets.push(at);
  push(Buffer.from(`${padId} 0 obj\n<< /Length ${padLen} >>\nstream\n`, 'latin1'));
  let x = 0x2545f491;
  const pad = Buffer.alloc(padLen);
  for (let i = 0; i < padLen; i += 1) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; pad[i] = x & 0xff; }
  push(pad);
  push(Buffer.from('\nendstream\nendobj\n', 'latin1'));
  const xref = at;
  let table = `xref\n0 ${padId + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) table += `${String(off).padStart(10, '0')} 00000 n \n`;
  push(Buffer.from(`${table}trailer\n<< /Size ${padId + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(chunks);
}

/// A 1×1 PNG.
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082', 'hex');

const sha256 = (b) => createHash('sha256').update(b).digest('hex');

/// SHA-256 of a document of the case, fetched by the page with its own room token.
function fetchedHash(page, booking, doc) {
  return page.evaluate(async ([b, d]) => {
    const cfg = JSON.parse(document.getElementById('call-config').textContent);
    const r = await fetch(`/api/v1/calls/${b}/documents/${d}/content`, { headers: { Authorization: `Bearer ${cfg.token}` } });
    const bytes = await r.arrayBuffer();
    const h = await crypto.subtle.digest('SHA-256', bytes);
    return Array.from(new Uint8Array(h), (x) => x.toString(16).padStart(2, '0')).join('');
  }, [booking, doc]);
}

function documents(page, booking) {
  return page.evaluate(async (b) => {
    const cfg = JSON.parse(document.getElementById('call-config').textContent);
    const r = await fetch(`/api/v1/calls/${b}/documents`, { headers: { Authorization: `Bearer ${cfg.token}` } });
    return r.json();
  }, booking);
}

test('documents both ways, review, signature by pad and by TAN, sealed result', { timeout: 240000 }, async () => {
  const smtp = await smtpSink();
  cleanup.push(smtp.close);
  const vamt = await startVamt({ smtpPort: smtp.port });
  cleanup.push(() => vamt.stop());
  assert.ok(vamt.demoJoinUrl, 'the first start names the demo booking');
  const dir = await mkdtemp(join(tmpdir(), 'vamt-case-'));
  const big = pdf(4, 5_000_000);
  const bigPath = join(dir, 'Meldebescheinigung.pdf');
  const photoPath = join(dir, 'ausweis.png');
  await writeFile(bigPath, big);
  await writeFile(photoPath, PNG);

  // The citizen (on a phone) waits; the clerk signs in and lets them in.
  const citizen = await browser('citizen', { width: 390, height: 844 }, { bypassCSP: true });
  cleanup.push(() => citizen.context.close());
  const cpage = citizen.page;
  const clerk = await browser('clerk', undefined, { bypassCSP: true });
  cleanup.push(() => clerk.context.close());
  const kpage = clerk.page;
  const booking = await joinDemoCall(vamt, cpage, kpage);
  await waitFor('both in the call', async () =>
    (await cpage.evaluate(() => window.vamtCall.state)) === 'connected' &&
    (await kpage.evaluate(() => window.vamtCall.state)) === 'connected', 45000).catch((e) => { console.log(vamt.log()); throw e; });

  // Each tile says whose it is.
  await waitFor('the citizen\'s name on the clerk\'s tile', async () =>
    (await kpage.locator('#remotes figure.tile figcaption').allInnerTexts()).some((t) => t.includes('Erika Mustermann')), 15000);
  await waitFor('a name on the citizen\'s tile', async () =>
    (await cpage.locator('#remotes figure.tile figcaption').allInnerTexts()).some((t) => t.trim().length > 0), 15000);

  // The guided identity check: the clerk asks; the citizen's page walks through front, back
  // and tilt, and the clerk's page follows each step (the document channel); the clerk
  // enlarges the tile and freezes a frame (on the clerk's screen only), ticks the checklist
  // and records the outcome; the citizen's steps close.
  await kpage.getByRole('button', { name: 'Ask the citizen to show the document' }).click();
  await waitFor('the citizen is walked through', async () => cpage.locator('#idcheck').isVisible(), 15000);
  await audit(cpage, 'call page, identity check (phone)');
  for (const step of ['front', 'back', 'tilt']) {
    assert.equal(await cpage.locator('#idcheck-now').getAttribute('data-step'), step);
    await waitFor(`the clerk sees: ${step}`, async () => (await kpage.locator('#identity-progress').getAttribute('data-step')) === step, 10000);
    await cpage.getByRole('button', { name: 'Done, next step' }).click();
  }
  await waitFor('the clerk sees every side shown', async () => (await kpage.locator('#identity-progress').getAttribute('data-step')) === 'done', 10000);
  const tile = kpage.locator('#remotes figure.tile').first();
  await tile.getByRole('button', { name: 'Enlarge' }).click();
  await tile.getByRole('button', { name: 'Freeze picture' }).click();
  await waitFor('the still picture', async () => kpage.locator('#inspect').isVisible(), 5000);
  const still = await kpage.evaluate(() => [document.getElementById('inspect-canvas').width, document.getElementById('inspect-canvas').height]);
  assert.ok(still[0] > 0 && still[1] > 0, `a frame at its received size: ${still}`);
  await kpage.getByRole('button', { name: 'Discard picture' }).click();
  assert.equal(await kpage.evaluate(() => document.getElementById('inspect-canvas').width), 0);
  await tile.getByRole('button', { name: 'Enlarge' }).click();
  for (const label of ['The photo matches the person', 'Hologram or kinegram visible when tilted', 'The document is valid', 'The name matches the booking']) {
    await kpage.getByLabel(label).check();
  }
  await kpage.getByRole('button', { name: 'Identity confirmed' }).click();
  await waitFor('the citizen\'s steps close', async () => !(await cpage.locator('#idcheck').isVisible()), 10000);

  // The clerk's note on the appointment, saved without leaving the call.
  await kpage.getByLabel('Note (only for the office)').fill('Ausweis geprüft, Kopie nicht nötig');
  await kpage.getByRole('button', { name: 'Save note' }).click();
  await waitFor('the note saved', async () => (await kpage.locator('#note-status').innerText()) === 'Saved.', 10000);

  // The citizen sends the 5 MB PDF and the photo; the clerk receives them byte-identical.
  await cpage.setInputFiles('#docs-file', [bigPath, photoPath]);
  const arrived = await waitFor('both files at the clerk', async () => {
    const list = await documents(kpage, booking);
    const done = list.filter((d) => d.state === 'received');
    return done.length === 2 ? done : null;
  }, 60000).catch(async (e) => {
    console.log('citizen note:', await cpage.locator('#docs-note').innerText());
    console.log('citizen list:', JSON.stringify(await documents(cpage, booking)));
    console.log('clerk list:', JSON.stringify(await documents(kpage, booking)));
    throw e;
  });
  const pdfDoc = arrived.find((d) => d.kind === 'pdf');
  const pngDoc = arrived.find((d) => d.kind === 'png');
  assert.equal(pdfDoc.name, 'Meldebescheinigung.pdf');
  assert.equal(await fetchedHash(kpage, booking, pdfDoc.id), sha256(big));
  assert.equal(await fetchedHash(kpage, booking, pngDoc.id), sha256(PNG));
  await waitFor('the clerk\'s list shows them', async () => (await kpage.locator('#docs-list').innerText()).includes('Meldebescheinigung.pdf'), 10000);

  // The clerk shows the PDF; the citizen's page follows to page 3.
  await kpage.locator('#docs-list li', { hasText: 'Meldebescheinigung.pdf' }).getByRole('button', { name: 'Review together' }).click();
  await waitFor('the clerk sees page 1', async () => /Page 1 \/ 4/.test(await kpage.locator('#review-page').innerText()), 20000);
  await waitFor('the citizen follows to page 1', async () => /Page 1 \/ 4/.test(await cpage.locator('#review-page').innerText()), 20000);
  await kpage.getByRole('button', { name: 'Next page' }).click();
  await kpage.getByRole('button', { name: 'Next page' }).click();
  await waitFor('the citizen follows to page 3', async () => /Page 3 \/ 4/.test(await cpage.locator('#review-page').innerText()), 20000);
  await screenshot(cpage, 'citizen-review');

  // The clerk keeps it and asks for a signature; the citizen reads, confirms and signs on
  // the pad with the pointer.
  await kpage.locator('#docs-list li', { hasText: 'Meldebescheinigung.pdf' }).getByRole('button', { name: 'Keep' }).click();
  await waitFor('kept', async () => (await kpage.locator('#docs-list').innerText()).includes('kept on file'), 10000);
  await kpage.locator('#docs-list li', { hasText: 'Meldebescheinigung.pdf' }).getByRole('button', { name: 'Ask for a signature' }).click();
  await waitFor('the citizen is asked to sign', async () => cpage.locator('#sign').isVisible(), 15000);
  await audit(cpage, 'call page, signature asked (phone)');
  await cpage.getByRole('button', { name: 'I have read the document' }).click();
  await waitFor('the pad opens', async () => cpage.locator('#sign-submit').isEnabled(), 10000);
  const padBox = await cpage.locator('#sign-pad').boundingBox();
  await cpage.mouse.move(padBox.x + padBox.width * 0.1, padBox.y + padBox.height * 0.6);
  await cpage.mouse.down();
  for (let i = 1; i <= 20; i += 1) {
    await cpage.mouse.move(padBox.x + padBox.width * (0.1 + i * 0.035), padBox.y + padBox.height * (0.6 - 0.3 * Math.sin(i / 3)));
  }
  await cpage.mouse.up();
  await cpage.getByRole('button', { name: 'Sign', exact: true }).click();
  await waitFor('signed', async () => /Signed\./.test(await cpage.locator('#sign-note').innerText()), 20000);

  // The clerk's timeline of the case shows the steps as they happen.
  await waitFor('the signature in the clerk\'s timeline', async () => (await kpage.locator('#timeline').innerText()).includes('Document signed'), 10000);
  const timeline = await kpage.locator('#timeline').innerText();
  assert.match(timeline, /Document confirmed as read/);
  assert.match(timeline, /joined the call/);
  assert.match(timeline, /identity document requested/);

  // The signed PDF: the original's pages and the signature page, sealed.
  const signedDoc = await waitFor('the signed document', async () => (await documents(cpage, booking)).find((d) => d.name.endsWith('-signed.pdf')), 10000);
  // Fetched here with the citizen's token, as the page does: 5 MB passed out of the page as
  // a JSON array of numbers took 87 s.
  const citizenToken = JSON.parse(await cpage.locator('#call-config').textContent()).token;
  const signedResp = await fetch(`${vamt.base}/api/v1/calls/${booking}/documents/${signedDoc.id}/content`, { headers: { Authorization: `Bearer ${citizenToken}` } });
  assert.equal(signedResp.status, 200);
  const signedBytes = Buffer.from(await signedResp.arrayBuffer());
  const signedPath = join(dir, 'signed.pdf');
  await writeFile(signedPath, signedBytes);
  const text = execFileSync('pdftotext', [signedPath, '-']).toString();
  assert.match(text, /Seite 3/);
  assert.match(text, /Erika Mustermann/);
  assert.ok(text.includes(sha256(big)), 'the hash before signing is on the signature page');
  const sig = execFileSync('pdfsig', [signedPath]).toString();
  assert.match(sig, /Signature is Valid/);

  // Once more by TAN: asked again, the TAN arrives at the SMTP sink, the citizen types it.
  await kpage.locator('#docs-list li', { hasText: 'Meldebescheinigung.pdf' }).first().getByRole('button', { name: 'Ask for a signature' }).click();
  await waitFor('asked again', async () => cpage.locator('#sign-read').isEnabled(), 15000);
  await cpage.getByRole('button', { name: 'I have read the document' }).click();
  await waitFor('the TAN can be asked for', async () => cpage.locator('#sign-tan-send').isEnabled(), 10000);
  await cpage.getByRole('button', { name: 'Send TAN' }).click();
  const tanMail = await waitFor('the TAN mail', () => smtp.messages.find((m) => /TAN/.test(m.mail.subject || '')), 15000);
  const tan = tanMail.mail.text.match(/\b(\d{6})\b/)[1];
  await cpage.getByLabel('TAN', { exact: true }).fill(tan);
  await cpage.getByRole('button', { name: 'Sign with TAN' }).click();
  await waitFor('signed by TAN', async () => /Signed\./.test(await cpage.locator('#sign-note').innerText()), 20000);
  const signedTwice = (await documents(cpage, booking)).filter((d) => d.name.endsWith('-signed.pdf'));
  assert.equal(signedTwice.length, 2);
  await screenshot(cpage, 'citizen-signed');

  // The clerk's call view passes axe at phone size too.
  await kpage.setViewportSize({ width: 390, height: 844 });
  await audit(kpage, 'clerk call view (phone)');

  // The clerk ends the call for everyone: the citizen's page is a finished page with the
  // documents to take home and nothing left of the call (no tiles, no live controls, no
  // way back into an ended call).
  await kpage.getByRole('button', { name: 'End call for everyone' }).click();
  await waitFor('the citizen\'s finished page', async () => cpage.locator('#finished').isVisible(), 15000);
  await waitFor('the documents to take home', async () => (await cpage.locator('#finished-docs').innerText()).includes('-signed.pdf'), 10000);
  const leftovers = await cpage.evaluate(() => ({
    tiles: document.querySelectorAll('#remotes figure').length,
    live: [...document.querySelectorAll('video')].filter((v) => v.srcObject).length,
    enabled: [...document.querySelectorAll('#in-call button')].filter((b) => !b.disabled && b.offsetParent).length,
    rejoin: !document.getElementById('finished-rejoin').hidden,
  }));
  assert.deepEqual(leftovers, { tiles: 0, live: 0, enabled: 0, rejoin: false });
  await audit(cpage, 'finished page (phone)');
  await screenshot(cpage, 'citizen-finished');
});
