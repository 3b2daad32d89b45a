// The first real consultation: a citizen books in Chromium, the confirmation arrives at a
// real SMTP server, the citizen opens the link from the mail, a clerk signs in and joins
// from the console, and both see and hear each other through vamt's SFU; then a third
// participant joins and all three receive each other.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { smtpSink, startVamt, browser, waitFor, inboundMedia, screenshot, confirmByMail, enterCall } from './harness.mjs';

const cleanup = [];
after(async () => { for (const f of cleanup.reverse()) await f().catch(() => {}); });

test('book, receive the link by e-mail, meet the clerk in the browser', { timeout: 180000 }, async () => {
  const smtp = await smtpSink();
  cleanup.push(smtp.close);
  // The booked slot may be hours away: open the waiting room a day ahead.
  const vamt = await startVamt({ smtpPort: smtp.port, extraConfig: '[call]\njoin_window_minutes = 1440' });
  let stopped = false;
  cleanup.push(async () => { if (!stopped) await vamt.stop(); });

  // Citizen books. The pages run under their Content-Security-Policy (enforced here).
  const citizen = await browser('citizen');
  cleanup.push(() => citizen.context.close());
  const cpage = citizen.page;
  await cpage.goto(`${vamt.base}/?lang=en`);
  await cpage.getByRole('link', { name: /Change of address/ }).click();
  await cpage.locator('input[name=slot]').first().check();
  await cpage.getByLabel('First and last name').fill('Erika Testperson');
  await cpage.getByLabel('E-mail address').fill('erika.test@example.org');
  await Promise.all([cpage.waitForURL(/\/booked\//), cpage.getByRole('button', { name: 'Book now' }).click()]);
  assert.match(await cpage.locator('h1').innerText(), /Please confirm your appointment/);

  // Double opt-in over real SMTP; the confirmation then carries the join link.
  const received = await confirmByMail(cpage, smtp, 'erika.test@example.org');
  assert.match(received.mail.subject, /Change of address/);
  const link = received.mail.text.match(/https?:\/\/\S+\/call\/BK_\S+/)?.[0];
  assert.ok(link, `join link in mail:\n${received.mail.text}`);
  assert.ok(link.startsWith(vamt.base), link);
  const bookingId = new URL(link).pathname.split('/').pop();

  // The citizen waits in the waiting room with the camera preview and sees the place in
  // the queue.
  await cpage.goto(link);
  await enterCall(cpage);
  await waitFor('the citizen waits', async () => (await cpage.evaluate(() => window.vamtCall.state)) === 'lobby', 20000);
  assert.equal(await cpage.evaluate(() => window.vamtCall.position), 1);
  assert.match(await cpage.locator('#position').innerText(), /place in the queue: 1/);
  assert.ok(await cpage.evaluate(() => document.getElementById('local').srcObject !== null), 'camera preview while waiting');

  // A citizen's token cannot let anyone in: a second socket with it takes the page's place
  // in the queue (one place per person; the page is told it was replaced) and its `admit`
  // (of itself) is refused.
  const refused = await cpage.evaluate(async () => {
    const cfg = JSON.parse(document.getElementById('call-config').textContent);
    const ws = new WebSocket(`ws://${location.host}/ws`);
    const got = [];
    await new Promise((ok) => { ws.onopen = ok; });
    const next = () => new Promise((ok) => { ws.onmessage = (ev) => ok(JSON.parse(ev.data)); });
    ws.send(JSON.stringify({ type: 'join', protocol: 1, room: cfg.room, token: cfg.token }));
    const waiting = await next();
    got.push(waiting.type);
    ws.send(JSON.stringify({ type: 'admit', participant: waiting.participant }));
    got.push((await next()).code);
    ws.close();
    return got;
  });
  assert.deepEqual(refused, ['waiting', 'not_admitted']);
  await waitFor('the page hears it was replaced', async () => (await cpage.evaluate(() => window.vamtCall.state)) === 'replaced', 5000);
  // Loading the page again takes the place back.
  await cpage.reload();
  await enterCall(cpage);
  await waitFor('the citizen waits again', async () => (await cpage.evaluate(() => window.vamtCall.state)) === 'lobby', 20000);
  assert.equal(await cpage.evaluate(() => window.vamtCall.position), 1);

  // Clerk signs in; the console shows who waits for which booking; admitting opens the call.
  const clerk = await browser('clerk');
  cleanup.push(() => clerk.context.close());
  const kpage = clerk.page;
  await kpage.goto(`${vamt.base}/clerk/login?lang=en`);
  await kpage.getByLabel('User name').fill('clerk');
  await kpage.getByLabel('Password').fill(vamt.clerkPassword);
  await Promise.all([kpage.waitForURL(/\/clerk$/), kpage.getByRole('button', { name: 'Sign in' }).click()]);
  const row = kpage.locator(`tr[data-booking="${bookingId}"]`);
  assert.match(await row.innerText(), /Erika Testperson/);
  const waitingCell = row.locator('td.waiting');
  await waitFor('the second socket left the queue', async () => {
    await kpage.reload();
    return (await waitingCell.getByRole('button', { name: 'Admit' }).count()) === 1;
  }, 10000);
  assert.match(await waitingCell.innerText(), /Erika Testperson/);
  await Promise.all([kpage.waitForURL(/\/clerk\/call\//), waitingCell.getByRole('button', { name: 'Admit' }).click()]);
  await enterCall(kpage);
  await waitFor('the citizen is let in', async () => (await cpage.evaluate(() => window.vamtCall.state)) !== 'lobby', 10000);

  // Media flows both ways through the SFU.
  const both = await waitFor('video frames and audio packets on both sides', async () => {
    const [c, k] = await Promise.all([inboundMedia(cpage), inboundMedia(kpage)]);
    return c.video > 0 && c.audio > 0 && k.video > 0 && k.audio > 0 ? { citizen: c, clerk: k } : null;
  }, 45000).catch((e) => { console.log(vamt.log()); throw e; });
  console.log('inbound media', JSON.stringify(both));
  await waitFor('both pages say they are in the call', async () =>
    (await cpage.evaluate(() => window.vamtCall.state)) === 'connected' &&
    (await kpage.evaluate(() => window.vamtCall.state)) === 'connected', 10000);
  // Chat: the citizen writes, the clerk reads it, the citizen sees the receipt.
  await cpage.getByLabel('Write a message').fill('Können Sie mich hören? <b>kein HTML</b>');
  await cpage.getByRole('button', { name: 'Send', exact: true }).click();
  await waitFor('chat at the clerk', async () => (await kpage.locator('#chat-log').innerText()).includes('Können Sie mich hören? <b>kein HTML</b>'), 10000);
  await waitFor('receipt at the citizen', async () => (await cpage.locator('#chat-log .receipt').count()) === 1, 10000);
  assert.equal(await kpage.locator('#chat-log b').count(), 0, 'chat text is never HTML');

  // The citizen's signalling drops (a network change): the page resumes its place, the
  // clerk sees "reconnecting", never "left", and video keeps arriving at the clerk.
  const clerkStates = [];
  const watch = setInterval(async () => { clerkStates.push(await kpage.evaluate(() => window.vamtCall.state).catch(() => '')); }, 100);
  try {
    const before = (await inboundMedia(kpage)).video;
    await cpage.evaluate(() => window.vamtCall.dropSignalling());
    await waitFor('the citizen page notices', async () => (await cpage.evaluate(() => window.vamtCall.state)) === 'reconnecting', 5000, 50);
    await waitFor('the citizen page resumes', async () => (await cpage.evaluate(() => window.vamtCall.state)) === 'connected', 15000);
    await waitFor('video still decoded at the clerk', async () => (await inboundMedia(kpage)).video > before + 30, 10000);
  } finally {
    clearInterval(watch);
  }
  assert.ok(!clerkStates.includes('other-left'), `clerk states: ${[...new Set(clerkStates)]}`);
  console.log('clerk page states during the resume', JSON.stringify([...new Set(clerkStates)]));
  const resumed = (await (await fetch(`${vamt.metricsBase}/metrics`)).text()).match(/^vamt_signalling_resumes_total\{outcome="resumed"\} (\d+)/m);
  assert.ok(resumed && Number(resumed[1]) === 1, 'one resume counted');
  // Chat still works from the resumed socket.
  await cpage.getByLabel('Write a message').fill('wieder da');
  await cpage.getByRole('button', { name: 'Send', exact: true }).click();
  await waitFor('chat after the resume', async () => (await kpage.locator('#chat-log').innerText()).includes('wieder da'), 10000);
  // Let a few more frames render before the screenshots.
  await new Promise((r) => setTimeout(r, 1500));
  await screenshot(cpage, 'citizen-call');
  await screenshot(kpage, 'clerk-call');

  // A third participant (a supervisor, signed in as a clerk in another browser) joins the
  // same room: everyone now receives both others.
  const third = await browser('supervisor');
  cleanup.push(() => third.context.close());
  const spage = third.page;
  await spage.goto(`${vamt.base}/clerk/login?lang=de`);
  await spage.getByLabel('Benutzername').fill('clerk');
  await spage.getByLabel('Passwort').fill(vamt.clerkPassword);
  await Promise.all([spage.waitForURL(/\/clerk$/), spage.getByRole('button', { name: 'Anmelden' }).click()]);
  await spage.locator(`tr[data-booking="${bookingId}"]`).getByRole('link').click();
  await enterCall(spage);
  const three = await waitFor('each of three browsers receiving both others', async () => {
    const all = await Promise.all([cpage, kpage, spage].map(inboundMedia));
    return all.every((m) => m.videoStreams >= 2 && m.audioStreams >= 2) ? all : null;
  }, 60000).catch((e) => { console.log(vamt.log()); throw e; });
  console.log('three-party inbound media', JSON.stringify(three));
  // The clerk shares the screen (a form to go through together): the citizen and the
  // supervisor each get it as a tile of its own and decode it. Stopping takes the tile away;
  // sharing again brings it back (the same m-line, sent again).
  const screenTiles = () => Promise.all([cpage, spage].map((p) => p.locator('#remotes video.screen').count()));
  const shared = async (label) => {
    await kpage.getByRole('button', { name: 'Share screen' }).click();
    let seen = null;
    return waitFor(`the ${label} shared screen decoded by both others`, async () => {
      const all = await Promise.all([cpage, spage].map(inboundMedia));
      const tiles = await screenTiles();
      seen = { all, tiles, tracks: await spage.evaluate(() => window.vamtCall.tracks) };
      return all.every((m) => m.videoStreams >= 3) && tiles.every((n) => n === 1) ? all : null;
    }, 30000).catch((e) => { console.log(vamt.log()); console.log('last seen', JSON.stringify(seen)); throw e; });
  };
  console.log('with a shared screen', JSON.stringify(await shared('first')));
  assert.equal(await kpage.evaluate(() => window.vamtCall.sharing), true);
  assert.match(await kpage.locator('#sharing').innerText(), /sharing your screen/);
  await screenshot(cpage, 'citizen-sees-shared-screen');
  await kpage.getByRole('button', { name: 'Stop sharing' }).click();
  await waitFor('the screen tile gone at both others', async () => (await screenTiles()).every((n) => n === 0), 15000);
  assert.equal(await kpage.evaluate(() => window.vamtCall.sharing), false);
  await shared('second');
  await kpage.getByRole('button', { name: 'Stop sharing' }).click();
  await waitFor('the second screen tile gone', async () => (await screenTiles()).every((n) => n === 0), 15000);
  // Track events: each page heard of an audio and a video track of each other participant.
  for (const p of [kpage, spage]) {
    const known = await p.evaluate(() => window.vamtCall.tracks);
    const publishers = new Set(known.map((t) => t.participant));
    assert.ok(publishers.size >= 2 && known.filter((t) => t.kind === 'video').length >= 2, `tracks known: ${JSON.stringify(known)}`);
  }
  // Each camera goes out as simulcast layers, which the SFU accepted and selects from.
  for (const m of three) assert.ok(m.layersSent >= 2, `simulcast layers sent: ${JSON.stringify(m)}`);
  // Reported, not asserted: Chromium's fake microphone beeps only briefly each second.
  console.log('active-speaker changes seen', JSON.stringify(await Promise.all([cpage, kpage, spage].map((p) => p.evaluate(() => window.vamtCall.speakerChanges)))));
  await screenshot(spage, 'supervisor-call');

  for (const b of [citizen, clerk, third]) assert.deepEqual(b.cspViolations, [], 'pages work under their CSP');

  const metrics = await (await fetch(`${vamt.metricsBase}/metrics`)).text();
  const forwarded = [...metrics.matchAll(/^vamt_sfu_forwarded_frames_total\{kind="(audio|video)"\} (\d+)/gm)];
  assert.equal(forwarded.length, 2, metrics);
  for (const [, kind, n] of forwarded) assert.ok(Number(n) > 0, `${kind} forwarded`);
  const out = metrics.match(/^vamt_sfu_datagrams_total\{direction="out"\} (\d+)/m);
  assert.ok(out && Number(out[1]) > 0, 'datagrams sent counted');
  assert.match(metrics, /^vamt_sfu_participants 3$/m);
  assert.match(metrics, /^vamt_sfu_rooms 1$/m);
  // Each page told the SFU how large it shows every received video, and the SFU knew
  // every one of those tracks.
  const sizes = metrics.match(/^vamt_signalling_messages_total\{type="video_size"\} (\d+)/m);
  assert.ok(sizes && Number(sizes[1]) >= 6, `video_size reports: ${sizes && sizes[1]}`);
  assert.doesNotMatch(metrics, /^vamt_signalling_errors_total\{code="unknown_track"\} [1-9]/m);
  // Everyone waited a measured time from join to the first media forwarded to them.
  // The booking form's script solved the proof of work in the browser.
  const proofs = metrics.match(/^vamt_portal_pow_proofs_total (\d+)/m);
  assert.ok(proofs && Number(proofs[1]) >= 1, `proof of work solved: ${proofs && proofs[1]}`);
  const joins = metrics.match(/^vamt_signalling_time_to_join_seconds_count (\d+)/m);
  assert.ok(joins && Number(joins[1]) >= 3, `time to join observed: ${joins && joins[1]}`);

  // SIGTERM: the calls are told, the process exits cleanly.
  const exit = await vamt.stop();
  stopped = true;
  assert.deepEqual(exit, { code: 0, signal: null }, vamt.log());
  await waitFor('citizen page told about the shutdown', async () => (await cpage.evaluate(() => window.vamtCall.state)) === 'server-closed', 5000);
});
