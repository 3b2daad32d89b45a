// Fees paid in the call, as the issue shows it: in two Chromiums the clerk asks for the
// certificate's fee with an extra copy; the citizen's call page shows the amount and the
// ways at once; the citizen pays through the XBezahldienste simulator's pay page in a new
// tab; the clerk's view shows "paid" without a reload; the receipt mail arrives at the real
// SMTP sink with the link to the receipt PDF. Then the same with PayPal's simulator, whose
// webhook arrives signed after the capture and changes nothing more.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { smtpSink, startVamt, browser, waitFor, joinDemoCall, root } from './harness.mjs';

const cleanup = [];
after(async () => { for (const f of cleanup.reverse()) await f().catch(() => {}); });

/// The providers' simulators (`vamt-paysim`, test-only): resolves with their base URLs.
async function paysim(args) {
  const bin = resolve(root, 'target', 'debug', 'vamt-paysim');
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  cleanup.push(async () => proc.kill('SIGTERM'));
  const line = await waitFor('the simulators start', () => {
    if (proc.exitCode !== null) throw new Error(`vamt-paysim exited:\n${out}`);
    const l = out.split('\n').find((x) => x.startsWith('{'));
    return l ? JSON.parse(l) : null;
  }, 20000);
  return line;
}

test('a fee requested in the call, paid online, seen paid by the clerk, receipt mailed', { timeout: 240000 }, async () => {
  const smtp = await smtpSink();
  cleanup.push(smtp.close);
  // The webhook URL needs vamt's port: the simulator starts first and is told it after.
  const sims = await paysim(['--xbezahldienste', '--paypal', '--paypal-webhook-id', 'WH-E2E']);
  const vamt = await startVamt({
    smtpPort: smtp.port,
    extraConfig: `
[payments.xbezahldienste]
enabled = true
base_url = "${sims.xbezahldienste}"
token_url = "${sims.xbezahldienste}/auth/token"
originator_id = "vamt-test"
endpoint_id = "09162000"
client_id = "vamt-test-client"
client_secret = "vamt-test-secret"
allow_http = true

[payments.paypal]
enabled = true
base_url = "${sims.paypal}"
client_id = "vamt-test-paypal-client"
client_secret = "vamt-test-paypal-secret"
webhook_id = "WH-E2E"
cert_hosts = ["127.0.0.1"]
allow_http = true
`,
  });
  cleanup.push(() => vamt.stop());
  const hook = await fetch(`${sims.paypal}/_sim/webhook_url`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ url: `${vamt.base}/pay/webhook/paypal` }),
  });
  assert.ok(hook.ok, 'the simulator takes the webhook URL');

  const citizen = await browser('citizen', { width: 390, height: 844 });
  cleanup.push(() => citizen.context.close());
  const cpage = citizen.page;
  const clerk = await browser('clerk');
  cleanup.push(() => clerk.context.close());
  const kpage = clerk.page;
  await joinDemoCall(vamt, cpage, kpage);

  for (const way of ['xbezahldienste', 'paypal']) {
    // The clerk asks for the certificate's fee and one extra copy.
    await waitFor('the fee list', async () => (await kpage.locator('#pay-fees input[data-option="extra-copy"]').count()) > 0, 20000);
    await kpage.locator('#pay-fees input[data-option="extra-copy"]').fill('1');
    await kpage.locator('#pay-request').click();
    await waitFor('requested on the clerk\'s side', async () => (await kpage.locator('#pay-state').getAttribute('data-state')) === 'requested', 15000);

    // The citizen's page shows it at once: amount, lines, the choices.
    await waitFor('the citizen sees the payment', async () => cpage.locator('#pay').isVisible(), 15000);
    assert.match(await cpage.locator('#pay-amount').innerText(), /€20\.00/);
    assert.equal(await cpage.locator('#pay-lines li').count(), 2);
    const button = cpage.locator(`#pay-way-${way}`);
    await waitFor(`the ${way} button`, async () => button.isVisible(), 10000);

    // Paying opens a new tab; the call goes on in this one.
    const [tab] = await Promise.all([citizen.context.waitForEvent('page'), button.click()]);
    await tab.waitForURL((u) => u.toString().startsWith(way === 'paypal' ? sims.paypal : sims.xbezahldienste), { timeout: 20000 });
    await tab.locator('#pay').click();
    await tab.locator('[data-outcome]').waitFor({ timeout: 20000 });
    assert.equal(await tab.locator('[data-outcome]').getAttribute('data-outcome'), 'paid', await tab.content());
    await tab.close();

    // The clerk sees "paid" without reloading (the page never navigates).
    const url = kpage.url();
    await waitFor('paid on the clerk\'s side', async () => (await kpage.locator('#pay-state').getAttribute('data-state')) === 'paid', 20000);
    assert.equal(kpage.url(), url);
    assert.equal(await cpage.locator('#pay-state').getAttribute('data-state'), 'paid');
  }

  // Two receipts at the real SMTP sink, each with its download link.
  const receipts = await waitFor('two receipt mails', () => {
    const r = smtp.messages.filter((m) => /Quittung|receipt/i.test(m.mail.subject || ''));
    return r.length >= 2 ? r : null;
  }, 20000);
  for (const r of receipts) {
    assert.ok(r.envelope.rcptTo.some((x) => x.address === 'erika@example.org'));
    const link = r.mail.text.match(/https?:\/\/\S+\/documents\/DC_\S+\/download\?key=\S+/);
    assert.ok(link, r.mail.text);
    const pdf = await fetch(link[0].replace(/^https?:\/\/[^/]+/, vamt.base));
    assert.equal(pdf.status, 200);
    assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
  }

  // PayPal's webhook for the capture arrived signed and changed nothing: still one change.
  const metrics = await (await fetch(`${vamt.metricsBase}/metrics`)).text();
  assert.match(metrics, /vamt_portal_payments_transitions_total\{provider="paypal",to="paid"\} 1/);
  assert.doesNotMatch(metrics, /vamt_portal_payments_signature_failures_total\{provider="paypal"/);
});
