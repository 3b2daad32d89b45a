// A call forced through the TURN relay: both browsers use only relayed candidates
// (iceTransportPolicy "relay"), with the per-call credentials the call page hands them, and
// still see and hear each other through vamt's SFU.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { smtpSink, startVamt, browser, waitFor, inboundMedia, confirmByMail, enterCall } from './harness.mjs';

const cleanup = [];
after(async () => { for (const f of cleanup.reverse()) await f().catch(() => {}); });

// Runs before the page's scripts: every peer connection the page makes is relay-only.
const forceRelay = () => {
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = function (config) {
    return new Native({ ...(config || {}), iceTransportPolicy: 'relay' });
  };
  window.RTCPeerConnection.prototype = Native.prototype;
};

// The pair the transport uses now (its `selectedCandidatePairId`); a nominated, succeeded
// pair where the browser does not report it.
async function selectedCandidateTypes(page) {
  return page.evaluate(async () => {
    const stats = await window.vamtCall.pc.getStats();
    const all = [...stats.values()];
    const transport = all.find((r) => r.type === 'transport' && r.selectedCandidatePairId);
    const pair = (transport && stats.get(transport.selectedCandidatePairId))
      || all.find((r) => r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded');
    if (!pair) return null;
    return { local: stats.get(pair.localCandidateId).candidateType, remote: stats.get(pair.remoteCandidateId).candidateType };
  });
}

test('a relay-only call connects through our TURN server and decodes video', { timeout: 180000 }, async () => {
  const smtp = await smtpSink();
  cleanup.push(smtp.close);
  const vamt = await startVamt({
    smtpPort: smtp.port,
    // Browser, relay and SFU share loopback here, which the relay refuses by default.
    extraConfig: '[call]\njoin_window_minutes = 1440',
    turnConfig: 'allow_loopback_peers = true',
  });
  cleanup.push(() => vamt.stop());

  const citizen = await browser('relay-citizen');
  cleanup.push(() => citizen.context.close());
  const cpage = citizen.page;
  await cpage.goto(`${vamt.base}/?lang=en`);
  await cpage.getByRole('link', { name: /Change of address/ }).click();
  await cpage.locator('input[name=slot]').first().check();
  await cpage.getByLabel('First and last name').fill('Rita Relay');
  await cpage.getByLabel('E-mail address').fill('rita.relay@example.org');
  await Promise.all([cpage.waitForURL(/\/booked\//), cpage.getByRole('button', { name: 'Book now' }).click()]);
  const mail = await confirmByMail(cpage, smtp, 'rita.relay@example.org');
  const link = mail.mail.text.match(/https?:\/\/\S+\/call\/BK_\S+/)[0];
  const bookingId = new URL(link).pathname.split('/').pop();

  await cpage.addInitScript(forceRelay);
  await cpage.goto(link);
  await enterCall(cpage);
  const servers = await cpage.evaluate(() => JSON.parse(document.getElementById('call-config').textContent).iceServers);
  const turn = servers.find((s) => String(s.urls).startsWith('turn:'));
  assert.ok(turn && turn.username.endsWith(':call-' + JSON.parse(await cpage.locator('#call-config').textContent()).room), JSON.stringify(servers));
  // TCP on the same port is offered too, with the same credentials (for UDP-blocking networks).
  assert.ok(servers.some((s) => String(s.urls).endsWith('?transport=tcp') && s.username === turn.username), JSON.stringify(servers));
  await waitFor('the citizen waits', async () => (await cpage.evaluate(() => window.vamtCall.state)) === 'lobby', 20000);

  const clerk = await browser('relay-clerk');
  cleanup.push(() => clerk.context.close());
  const kpage = clerk.page;
  await kpage.addInitScript(forceRelay);
  await kpage.goto(`${vamt.base}/clerk/login?lang=en`);
  await kpage.getByLabel('User name').fill('clerk');
  await kpage.getByLabel('Password').fill(vamt.clerkPassword);
  await Promise.all([kpage.waitForURL(/\/clerk$/), kpage.getByRole('button', { name: 'Sign in' }).click()]);
  const admit = kpage.locator(`tr[data-booking="${bookingId}"] td.waiting`).getByRole('button', { name: 'Admit' });
  await Promise.all([kpage.waitForURL(/\/clerk\/call\//), admit.click()]);
  await enterCall(kpage);

  const media = await waitFor('video decoded on both sides through the relay', async () => {
    const [c, k] = await Promise.all([inboundMedia(cpage), inboundMedia(kpage)]);
    return c.video > 10 && k.video > 10 && c.audio > 0 && k.audio > 0 ? { citizen: c, clerk: k } : null;
  }, 60000).catch((e) => { console.log(vamt.log()); throw e; });
  console.log('inbound media through the relay', JSON.stringify(media));
  for (const p of [cpage, kpage]) {
    // Read until the stats name a selected pair (they can lag the media by a moment).
    const types = await waitFor('a selected candidate pair', () => selectedCandidateTypes(p), 10000);
    assert.equal(types.local, 'relay', `selected pair: ${JSON.stringify(types)}`);
  }
  const metrics = await (await fetch(`${vamt.metricsBase}/metrics`)).text();
  const relayed = [...metrics.matchAll(/^vamt_turn_relayed_packets_total\{direction="(to_peer|to_client)",transport="udp"\} (\d+)/gm)];
  assert.equal(relayed.length, 2, metrics);
  for (const [, direction, n] of relayed) assert.ok(Number(n) > 100, `${direction}: ${n} packets relayed`);
  assert.match(metrics, /^vamt_turn_allocations [1-9]/m);
});
