// The device check before joining (preview, microphone level, test tone, connection hint,
// choosing and switching cameras), and a camera that is refused (or missing): the device
// check says what to do, and the call goes on with sound only, not a dead end.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { smtpSink, startVamt, browser, waitFor, inboundMedia, joinDemoCall, enterCall } from './harness.mjs';

const cleanup = [];
after(async () => { for (const f of cleanup.reverse()) await f().catch(() => {}); });

test('a refused camera gives an audio-only call', { timeout: 120000 }, async () => {
  const smtp = await smtpSink();
  cleanup.push(smtp.close);
  const vamt = await startVamt({ smtpPort: smtp.port });
  cleanup.push(() => vamt.stop());

  const citizen = await browser('citizen-no-camera');
  cleanup.push(() => citizen.context.close());
  const cpage = citizen.page;
  // As a browser does when the camera is refused: a request with video fails, audio alone
  // is granted.
  await cpage.addInitScript(() => {
    const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (c) => (c && c.video
      ? Promise.reject(new DOMException('Permission denied', 'NotAllowedError'))
      : real(c));
  });
  const clerk = await browser('clerk');
  cleanup.push(() => clerk.context.close());
  const kpage = clerk.page;
  await joinDemoCall(vamt, cpage, kpage);
  // The device check said why and what to do.
  assert.match(await cpage.evaluate(() => document.getElementById('prejoin-help-text').textContent), /does not allow this page to use the camera/);
  assert.match(await cpage.locator('#device-note').innerText(), /No camera available/);
  assert.ok(await cpage.locator('#cam').isDisabled(), 'no camera button without a camera');
  assert.ok(await cpage.locator('#mic').isEnabled(), 'the microphone can be muted');
  await waitFor('the clerk hears the citizen and the citizen sees the clerk', async () => {
    const [c, k] = await Promise.all([inboundMedia(cpage), inboundMedia(kpage)]);
    return k.audio > 0 && c.video > 0 ? true : null;
  }, 45000).catch((e) => { console.log(vamt.log()); throw e; });
  assert.equal(await cpage.evaluate(() => window.vamtCall.state), 'connected');
  assert.equal((await inboundMedia(kpage)).videoStreams, 0, 'no video from a citizen without camera');
});

test('the device check before joining, and switching cameras in the call', { timeout: 120000 }, async () => {
  const smtp = await smtpSink();
  cleanup.push(smtp.close);
  const vamt = await startVamt({ smtpPort: smtp.port });
  cleanup.push(() => vamt.stop());
  // A phone's two cameras, front and back.
  const clerk = await browser('clerk-two-cameras', { width: 390, height: 844 }, { cameras: 2 });
  cleanup.push(() => clerk.context.close());
  const kpage = clerk.page;
  const booking = new URL(vamt.demoJoinUrl).pathname.split('/').pop();
  await kpage.goto(`${vamt.base}/clerk/login?lang=en`);
  await kpage.getByLabel('User name').fill('clerk');
  await kpage.getByLabel('Password').fill(vamt.clerkPassword);
  await Promise.all([kpage.waitForURL(/\/clerk$/), kpage.getByRole('button', { name: 'Sign in' }).click()]);
  await kpage.goto(`${vamt.base}/clerk/call/${booking}?lang=en`);
  await waitFor('the device check found its devices', async () => kpage.locator('#prejoin-join').isEnabled(), 20000);

  const camera = () => kpage.evaluate(() => {
    const v = document.getElementById('prejoin').hidden ? document.getElementById('local') : document.getElementById('prejoin-video');
    const t = v.srcObject && v.srcObject.getVideoTracks()[0];
    return t ? t.getSettings().deviceId : null;
  });
  const options = await kpage.locator('#prejoin-camera option').evaluateAll((os) => os.map((o) => o.value));
  assert.equal(options.length, 2, 'both cameras offered');
  assert.equal(await camera(), options[0]);
  // The microphone moves the meter (Chromium's fake microphone beeps).
  await waitFor('the microphone level moves', async () => (await kpage.evaluate(() => window.vamtCall.level || 0)) > 0, 10000);
  await kpage.getByRole('button', { name: 'Test speaker' }).click();
  assert.equal(await kpage.evaluate(() => window.vamtCall.tones), 1);
  assert.match(await kpage.locator('#prejoin-bandwidth').getAttribute('data-level'), /^(good|fair|poor)$/);
  assert.ok((await kpage.locator('#prejoin-bandwidth').innerText()).length > 0);
  // Choosing the other camera shows it at once.
  await kpage.locator('#prejoin-camera').selectOption(options[1]);
  await waitFor('the preview shows the chosen camera', async () => (await camera()) === options[1], 10000);

  await enterCall(kpage);
  await waitFor('in the call', async () => (await kpage.evaluate(() => window.vamtCall.state)) === 'waiting', 20000);
  assert.equal(await camera(), options[1], 'the call sends the camera chosen');
  // In the call, "Switch camera" goes to the other one, on the same sender (no new offer).
  const senders = await kpage.evaluate(() => window.vamtCall.pc.getSenders().length);
  await kpage.getByRole('button', { name: 'Switch camera' }).click();
  await waitFor('the other camera', async () => (await camera()) === options[0], 10000);
  assert.equal(await kpage.evaluate(() => window.vamtCall.pc.getSenders().length), senders);
  assert.equal(await kpage.evaluate(() => window.vamtCall.pc.getSenders().find((s) => s.track && s.track.kind === 'video').track.getSettings().deviceId), options[0]);

  // Leaving: a finished page, nothing left of the call, and a way back in while it is open.
  await kpage.locator('#leave').click();
  await waitFor('the finished page', async () => kpage.locator('#finished').isVisible(), 10000);
  assert.equal(await kpage.evaluate(() => [...document.querySelectorAll('video')].filter((v) => v.srcObject).length), 0);
  await kpage.getByRole('button', { name: 'Rejoin the call' }).click();
  await waitFor('the device check again', async () => kpage.locator('#prejoin-join').isEnabled(), 20000);
});
