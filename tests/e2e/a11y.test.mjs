// Every page a citizen, clerk or administrator sees passes axe-core's WCAG 2.1 A/AA rules and fits a
// 360-px-wide phone without sideways scrolling; the booking itself works there.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { smtpSink, startVamt, browser, waitFor, screenshot, confirmByMail, enterCall, audit } from './harness.mjs';

const cleanup = [];
after(async () => { for (const f of cleanup.reverse()) await f().catch(() => {}); });

/// The one event of the mail's calendar attachment, parsed with a full iCalendar parser.
function event(message) {
  const ics = message.mail.attachments.find((a) => a.contentType === 'text/calendar');
  assert.ok(ics, `calendar attachment: ${message.mail.attachments.map((a) => a.contentType)}`);
  const calendar = new ICAL.Component(ICAL.parse(ics.content.toString('utf8')));
  assert.equal(calendar.name, 'vcalendar');
  assert.equal(calendar.getFirstPropertyValue('version'), '2.0');
  const events = calendar.getAllSubcomponents('vevent');
  assert.equal(events.length, 1);
  return new ICAL.Event(events[0]);
}

test('booking, call and console pages meet WCAG 2.1 AA on a phone', { timeout: 180000 }, async () => {
  const smtp = await smtpSink();
  cleanup.push(smtp.close);
  const vamt = await startVamt({ smtpPort: smtp.port, extraConfig: '[call]\njoin_window_minutes = 1440' });
  cleanup.push(() => vamt.stop());
  // axe-core is injected as an inline script, which the pages' CSP rightly refuses.
  const phone = await browser('phone', { width: 360, height: 740 }, { bypassCSP: true });
  cleanup.push(() => phone.context.close());
  const page = phone.page;

  for (const lang of ['de', 'en']) {
    await page.goto(`${vamt.base}/?lang=${lang}`);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    await audit(page, `start page (${lang})`);
  }

  await page.goto(`${vamt.base}/book/meldebescheinigung?lang=en`);
  await audit(page, 'booking form');
  // Submitting an empty form shows the error summary.
  await page.getByRole('button', { name: 'Book now' }).click();
  await page.waitForSelector('.errors[role=alert]');
  await audit(page, 'booking form with errors');

  await page.locator('input[name=slot]').first().check();
  await page.getByLabel('First and last name').fill('Jamal Phone');
  await page.getByLabel('E-mail address').fill('jamal@example.org');
  await Promise.all([page.waitForURL(/\/booked\//), page.getByRole('button', { name: 'Book now' }).click()]);
  await audit(page, 'booked page (waiting for confirmation)');
  await screenshot(page, 'phone-booked');

  const optIn = await waitFor('opt-in mail', () => smtp.messages.find((m) => m.envelope.rcptTo[0].address === 'jamal@example.org'), 15000);
  await page.goto(optIn.mail.text.match(/https?:\/\/\S+\/booking\/BK_\S+\/confirm\S*/)[0]);
  await audit(page, 'confirm page');
  await page.goBack();
  const mail = await confirmByMail(page, smtp, 'jamal@example.org');
  await audit(page, 'booked page (confirmed)');
  const link = mail.mail.text.match(/https?:\/\/\S+\/call\/BK_\S+/)[0];
  await page.goto(link);
  await waitFor('the device check found its devices', async () => page.locator('#prejoin-join').isEnabled(), 10000);
  await audit(page, 'call page (device check)');
  await enterCall(page);
  await waitFor('in the waiting room', async () => (await page.evaluate(() => window.vamtCall.state)) === 'lobby', 10000);
  await audit(page, 'call page (waiting room)');
  await screenshot(page, 'phone-call');

  await page.goto(`${vamt.base}/clerk/login?lang=en`);
  await audit(page, 'clerk sign-in');
  await page.getByLabel('User name').fill('clerk');
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForSelector('.errors[role=alert]');
  await audit(page, 'clerk sign-in failed');
  await page.getByLabel('Password').fill(vamt.clerkPassword);
  await Promise.all([page.waitForURL(/\/clerk$/), page.getByRole('button', { name: 'Sign in' }).click()]);
  await audit(page, 'clerk console');

  // The administration: the demo clerk is an administrator.
  await page.goto(`${vamt.base}/admin?lang=en`);
  await audit(page, 'admin overview');
  await page.getByRole('link', { name: 'Virtuelles Bürgeramt' }).click();
  await page.waitForSelector('#hours-0');
  await audit(page, 'admin location');
  await page.getByLabel('Monday', { exact: true }).fill('12:00-08:00');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.waitForSelector('.errors[role=alert]');
  assert.match(await page.locator('.errors').innerText(), /must end after it begins/);
  await audit(page, 'admin location, refused hours');
  await page.goto(`${vamt.base}/admin?lang=en`);
  await page.getByRole('link', { name: 'Stefanie Wolf' }).click();
  await page.waitForSelector('#display_name');
  await audit(page, 'admin clerk');
  await page.goto(`${vamt.base}/admin/clerks/new?lang=en`);
  await audit(page, 'admin new clerk');
  await page.goto(`${vamt.base}/admin?lang=en`);
  await page.getByRole('link', { name: 'Certificate of registration' }).click();
  await page.waitForSelector('#duration');
  await audit(page, 'admin service');

  // The confirmation came over SMTP with its calendar file; its cancel link works.
  const booked = event(mail);
  assert.equal(booked.summary.length > 0, true);
  assert.ok(booked.endDate.toJSDate() > booked.startDate.toJSDate());
  const cancel = mail.mail.text.match(/https?:\/\/\S+\/booking\/BK_\S+\/cancel\S*/)[0];
  await page.goto(cancel);
  await audit(page, 'cancel page');

  // Moving it from the same link: the new time comes by mail with a calendar file for it.
  await page.getByRole('link', { name: 'Choose another time' }).click();
  await page.waitForSelector('input[name=slot]');
  await audit(page, 'rebook page');
  const to = page.locator('input[name=slot]').nth(2);
  const chosen = await to.getAttribute('value');
  await to.check();
  await page.getByRole('button', { name: 'Move to this time' }).click();
  await page.waitForSelector('p.saved[role=status]');
  await audit(page, 'rebooked page');
  const toJamal = () => smtp.messages.filter((m) => m.envelope.rcptTo[0].address === 'jamal@example.org');
  const moved = await waitFor('moved mail', () => toJamal().length >= 3 && toJamal()[2], 15000);
  const movedEvent = event(moved);
  assert.equal(movedEvent.startDate.toJSDate().toISOString(), new Date(chosen).toISOString());
  assert.equal(movedEvent.uid, booked.uid, 'the same calendar entry, moved');
  assert.ok(movedEvent.sequence > booked.sequence, `SEQUENCE grows: ${booked.sequence} → ${movedEvent.sequence}`);
  assert.ok(movedEvent.startDate.toJSDate().getTime() !== booked.startDate.toJSDate().getTime());
  await page.goto(cancel);
  await page.getByRole('button', { name: 'Cancel appointment' }).click();
  await page.waitForSelector('p[role=status]');
  assert.match(await page.locator('main').innerText(), /is cancelled/);
  await audit(page, 'cancelled page');

  await page.goto(`${vamt.base}/no-such-page`);
  await audit(page, 'not found page');
});
