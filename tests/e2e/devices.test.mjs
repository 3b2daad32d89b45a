// A camera that is refused (or missing) leaves an audio-only call, not a dead end: the
// citizen's page says so, joins, and the clerk hears the citizen.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { smtpSink, startVamt, browser, waitFor, inboundMedia, joinDemoCall } from './harness.mjs';

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
