// The online hearing in a real Chromium on a phone: the letter's QR link signs in, the
// evidence photo is shown, a driver is named, a document is sent, and the receipt PDF is
// downloaded and read back with poppler. The same flow in Arabic is mirrored (checked by the
// computed direction; screenshots are kept) and its receipt is read back too. axe-core finds no WCAG 2.1 AA violation on the
// hearing's and the booking's pages in German, English and Arabic.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smtpSink, startVamt, browser, waitFor, screenshot, audit } from './harness.mjs';

const cleanup = [];
after(async () => { for (const f of cleanup.reverse()) await f().catch(() => {}); });

test('a hearing answered on a phone: QR link, evidence, driver named, document, receipt; Arabic mirrored', { timeout: 180000 }, async () => {
  const smtp = await smtpSink();
  cleanup.push(smtp.close);
  const vamt = await startVamt({ smtpPort: smtp.port });
  cleanup.push(() => vamt.stop());
  assert.ok(vamt.demoHearing, 'the first start names the demo hearing');
  const { caseNumber, code } = vamt.demoHearing;
  assert.ok(!vamt.log().includes(code), 'the access code is not in the log');

  const phone = await browser('hearing', { width: 360, height: 740 }, { bypassCSP: true });
  cleanup.push(() => phone.context.close());
  const page = phone.page;

  // The sign-in page and the booking pages, in three languages, one of them right to left.
  for (const lang of ['de', 'en', 'ar']) {
    await page.goto(`${vamt.base}/hearing?lang=${lang}`);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    await audit(page, `hearing sign-in (${lang})`);
    await page.goto(`${vamt.base}/book/meldebescheinigung?lang=${lang}`);
    await audit(page, `booking form (${lang})`);
  }
  await page.goto(`${vamt.base}/?lang=ar`);
  await audit(page, 'start page (ar)');

  // The letter's QR code: case number and code in the link sign in at once.
  const qr = `${vamt.base}/hearing/qr?c=${encodeURIComponent(caseNumber)}&k=${code.replaceAll('-', '')}&lang=en`;
  await page.goto(qr);
  await page.waitForURL(/\/hearing\/case/);
  await page.goto(`${vamt.base}/hearing/case?lang=en`);
  await waitFor('the evidence photo is shown', () => page.evaluate(() => {
    const img = document.querySelector('.evidence img');
    return img && img.complete && img.naturalWidth === 640;
  }), 10000);
  assert.ok(await page.getByText('section 55').isVisible(), 'the right to remain silent');
  await audit(page, 'hearing case (en)');

  // A driver named; every field as a person types it.
  await page.getByLabel('I did not drive, and I name the person who drove.').check();
  await page.getByLabel('First and last name').fill('Max Beispiel');
  await page.locator('#driver_street').fill('Bahnhofstraße 1');
  await page.locator('#driver_postcode').fill('12345');
  await page.locator('#driver_city').fill('Musterstadt');
  await page.locator('#driver_born_on').fill('1990-05-17');
  await page.getByLabel('Your statement').fill('Mein Bruder ist an dem Tag gefahren.');
  await page.getByRole('button', { name: 'Send response' }).click();
  await page.waitForSelector('text=Your response arrived');
  assert.ok(await page.getByText('Driver named').isVisible());

  // A document: a real PDF by content.
  const dir = await mkdtemp(join(tmpdir(), 'vamt-hearing-'));
  const doc = join(dir, 'Fahrtenbuch.pdf');
  await writeFile(doc, '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
  await page.locator('#file').setInputFiles(doc);
  await page.getByRole('button', { name: 'Send document' }).click();
  await page.waitForSelector('text=“Fahrtenbuch.pdf” has arrived.');

  // The receipt, downloaded as the citizen does and read back by poppler.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download the confirmation of receipt (PDF)' }).click(),
  ]);
  const saved = join(dir, 'receipt.pdf');
  await download.saveAs(saved);
  const text = execFileSync('pdftotext', ['-layout', saved, '-'], { encoding: 'utf8' });
  for (const expected of [caseNumber, 'Confirmation of receipt', 'Driver named', 'Max Beispiel', 'Fahrtenbuch.pdf', 'Mein Bruder']) {
    assert.ok(text.includes(expected), `receipt names ${expected}:\n${text}`);
  }

  // The same flow in Arabic, on a phone that reads Arabic: signed out, the QR link again,
  // the page mirrored with the case number and plate kept left to right, the answer changed,
  // a document sent and the receipt read back.
  await page.goto(`${vamt.base}/hearing/case?lang=en`);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.goto(qr.replace('&lang=en', '&lang=ar'));
  await page.waitForURL(/\/hearing\/case/);
  await page.goto(`${vamt.base}/hearing/case?lang=ar`);
  await waitFor('the evidence photo is shown in Arabic', () => page.evaluate(() => {
    const img = document.querySelector('.evidence img');
    return img && img.complete && img.naturalWidth === 640;
  }), 10000);
  const dirs = await page.evaluate(() => ({
    page: getComputedStyle(document.documentElement).direction,
    body: getComputedStyle(document.body).direction,
    plate: getComputedStyle(document.querySelector('.facts bdi.ltr')).direction,
    rights: getComputedStyle(document.querySelector('#rights-original')).direction,
  }));
  assert.deepEqual(dirs, { page: 'rtl', body: 'rtl', plate: 'ltr', rights: 'ltr' });
  // Mirrored: the heading starts at the right edge.
  const heading = await page.locator('h1').boundingBox();
  const width = await page.evaluate(() => document.documentElement.clientWidth);
  assert.ok(heading.x + heading.width > width - 40, `heading at the right: ${JSON.stringify(heading)}`);
  await screenshot(page, 'hearing-case-ar');
  await audit(page, 'hearing case (ar)');
  await page.locator('input[name=kind][value=driver]').check();
  await page.locator('#statement').fill('أخي كان يقود السيارة في ذلك اليوم.');
  await page.locator('form.answer button[type=submit]').click();
  await page.waitForSelector('p.saved[role=status]');
  await screenshot(page, 'hearing-answered-ar');
  const doc2 = join(dir, 'شهادة.pdf');
  await writeFile(doc2, '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
  await page.locator('#file').setInputFiles(doc2);
  await page.locator('#documents ~ form button[type=submit]').click();
  await waitFor('the second document is listed', async () => (await page.locator('#documents ~ ul li').count()) === 2, 10000);
  const [downloadAr] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('a[href^="/hearing/receipt.pdf"]').click(),
  ]);
  const savedAr = join(dir, 'receipt-ar.pdf');
  await downloadAr.saveAs(savedAr);
  const textAr = execFileSync('pdftotext', ['-layout', savedAr, '-'], { encoding: 'utf8' });
  for (const expected of [caseNumber, 'Max Beispiel', 'Fahrtenbuch.pdf', 'السيارة']) {
    assert.ok(textAr.includes(expected), `the Arabic receipt names ${expected}:\n${textAr}`);
  }
  await page.goto(`${vamt.base}/hearing/case?lang=de`);
  await audit(page, 'hearing case (de)');

  await page.getByRole('button', { name: 'Abmelden' }).click();
  await page.waitForSelector('text=Sie sind abgemeldet.');
  const after = await page.goto(`${vamt.base}/hearing/case?lang=en`);
  assert.equal(new URL(after.url()).pathname, '/hearing', 'signed out: back to the sign-in page');
});
