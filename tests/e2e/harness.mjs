// Shared pieces of the end-to-end tests: free ports, an SMTP sink, vamt serve, Chromium.
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile, mkdir, readFile, appendFile } from 'node:fs/promises';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '..', '..');
export const artifacts = resolve(root, 'artifacts', 'e2e');
/// Every vamt's and nginx's log of the run, and the secrets that must never appear in
/// them (logscan.test.mjs, run last, reads both).
export const logDir = join(artifacts, 'logs');
const secretsFile = join(artifacts, 'secrets.txt');

/// Notes `value` (a citizen's name or address, a join key, a password) as one that no log
/// line of the run may contain.
export async function secret(value) {
  if (!value || String(value).length < 6) return;
  await mkdir(artifacts, { recursive: true });
  await appendFile(secretsFile, `${String(value).replace(/\n/g, ' ')}\n`);
}

export async function secrets() {
  try {
    return (await readFile(secretsFile, 'utf8')).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/// What a mail tells that logs must not: its recipient, the name it greets, its keys.
async function noteMailSecrets(mail, envelope) {
  for (const r of envelope.rcptTo || []) await secret(r.address);
  const text = mail.text || '';
  const greeting = text.match(/^(?:Hello|Guten Tag) ([^,\n]+),/m);
  if (greeting) await secret(greeting[1].replace(/[\u2066-\u2069]/g, ''));
  for (const m of text.matchAll(/[?&]key=([A-Za-z0-9_-]{16,})/g)) await secret(m[1]);
}

export function freeTcpPort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

export function freeUdpPort() {
  return new Promise((ok, fail) => {
    const s = createSocket('udp4');
    s.on('error', fail);
    s.bind(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

export async function waitFor(what, fn, timeoutMs = 30000, everyMs = 250) {
  const until = Date.now() + timeoutMs;
  let last;
  while (Date.now() < until) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/// A real SMTP server on loopback that keeps every message it accepts, parsed.
export async function smtpSink() {
  const port = await freeTcpPort();
  const messages = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      simpleParser(stream).then(async (mail) => {
        messages.push({ mail, envelope: session.envelope });
        await noteMailSecrets(mail, session.envelope);
        done();
      }, done);
    },
  });
  await new Promise((ok) => server.listen(port, '127.0.0.1', ok));
  return { port, messages, close: () => new Promise((ok) => server.close(ok)) };
}

/// The double opt-in as a citizen does it in `page`: the opt-in mail to `email` (no join
/// link yet), its confirm link opened, the button pressed. Resolves with the confirmation
/// mail that follows, which carries the join link and the calendar file.
export async function confirmByMail(page, smtp, email) {
  const to = (m) => m.envelope.rcptTo.some((r) => r.address === email);
  const optIn = await waitFor('opt-in mail', () => smtp.messages.find((m) => to(m) && /\/confirm\?key=/.test(m.mail.text)), 15000);
  if (/\/call\/BK_/.test(optIn.mail.text)) throw new Error(`join link before confirming:\n${optIn.mail.text}`);
  const link = optIn.mail.text.match(/https?:\/\/\S+\/booking\/BK_\S+\/confirm\S*/)[0];
  await page.goto(link);
  await Promise.all([page.waitForURL(/\/confirm$/), page.getByRole('button', { name: /Confirm appointment|Termin bestätigen/ }).click()]);
  await page.locator('h1').filter({ hasText: /appointment is booked|Termin ist gebucht/ }).waitFor();
  return waitFor('confirmation mail', () => smtp.messages.find((m) => to(m) && /\/call\/BK_/.test(m.mail.text)), 15000);
}

/// Starts `vamt serve` with a fresh data directory; resolves once it printed its banner.
export async function startVamt({ smtpPort, extraConfig = '', turnConfig = '', httpConfig = '' }) {
  const dir = await mkdtemp(join(tmpdir(), 'vamt-e2e-'));
  const http = await freeTcpPort();
  const media = await freeUdpPort();
  const stun = await freeUdpPort();
  const metricsPort = await freeTcpPort();
  const config = `
[http]
listen = "127.0.0.1:${http}"
${httpConfig}
[media]
port = ${media}
[turn]
listen = "127.0.0.1:${stun}"
${turnConfig}
[storage]
data_dir = "${join(dir, 'data')}"
[metrics]
listen = "127.0.0.1:${metricsPort}"
[mail]
smtp_url = "smtp://127.0.0.1:${smtpPort}"
[booking]
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
opens = "00:00"
closes = "23:59"
lead_minutes = 0
${extraConfig}
`;
  const configPath = join(dir, 'vamt.toml');
  await writeFile(configPath, config);
  const bin = process.env.VAMT_BIN || resolve(root, 'target', 'debug', 'vamt');
  const proc = spawn(bin, ['serve', '--config', configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'info' },
  });
  let out = '';
  mkdirSync(logDir, { recursive: true });
  const logFile = createWriteStream(join(logDir, `vamt-${process.pid}-${http}.log`));
  proc.stdout.on('data', (d) => { out += d; logFile.write(d); });
  proc.stderr.on('data', (d) => { out += d; logFile.write(d); });
  const exited = new Promise((ok) => proc.on('exit', (code, signal) => ok({ code, signal })));
  const banner = await waitFor('vamt banner', () => {
    const u = out.match(/vamt is running at (\S+)/);
    const f = out.match(/are in (\S+) \(readable by this user only/);
    if (proc.exitCode !== null) throw new Error(`vamt exited early:\n${out}`);
    return u && f ? { url: u[1], file: f[1] } : null;
  }, 60000);
  // Not a terminal: the first start's password is in an owner-only file, not the log.
  const firstStart = await readFile(banner.file, 'utf8');
  const password = firstStart.match(/password: (\S+)/)[1];
  const demoJoinUrl = firstStart.match(/demo citizen join link: (\S+)/)?.[1];
  if (out.includes(password)) throw new Error('the clerk password is in the log');
  await secret(password);
  return {
    port: http,
    base: banner.url,
    metricsBase: `http://127.0.0.1:${metricsPort}`,
    clerkPassword: password,
    demoJoinUrl,
    // The demo hearing's case number and access code, as the first start prints them.
    demoHearing: (() => {
      const m = firstStart.match(/case number: (\S+)\s+access code: (\S+)/);
      return m ? { caseNumber: m[1], code: m[2] } : null;
    })(),
    log: () => out,
    exited,
    async stop() {
      proc.kill('SIGTERM');
      return exited;
    },
  };
}

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost',
];

/// A headless Chromium with fake camera and microphone and a fresh profile. The pages'
/// Content-Security-Policy is enforced unless `bypassCSP` (only for injecting test tools).
/// `cameras`: how many fake cameras it has (a phone has a front and a back one).
export async function browser(name, viewport = { width: 1280, height: 800 }, { bypassCSP = false, cameras = 1 } = {}) {
  const dir = await mkdtemp(join(tmpdir(), `vamt-chromium-${name}-`));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: cameras === 1 ? CHROMIUM_ARGS
      : CHROMIUM_ARGS.map((a) => (a === '--use-fake-device-for-media-stream' ? `${a}=device-count=${cameras}` : a)),
    viewport,
    bypassCSP,
  });
  const page = context.pages()[0] || (await context.newPage());
  const cspViolations = [];
  // A script that does not parse, or throws at the top, says so here (not on the console).
  page.on('pageerror', (e) => console.log(`[${name}] page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.log(`[${name}] ${m.type()}: ${m.text()}`);
    if (m.text().includes('Content Security Policy')) cspViolations.push(m.text());
  });
  return { context, page, cspViolations };
}

/// Inbound media counters of the page's peer connection: frames and packets in total, and
/// how many distinct inbound streams (one per other participant) carry media.
export function inboundMedia(page) {
  return page.evaluate(async () => {
    const pc = window.vamtCall && window.vamtCall.pc;
    if (!pc) return { video: 0, audio: 0 };
    const stats = await pc.getStats();
    let video = 0;
    let audio = 0;
    let videoStreams = 0;
    let audioStreams = 0;
    stats.forEach((r) => {
      if (r.type !== 'inbound-rtp') return;
      if (r.kind === 'video') { video += r.framesDecoded || 0; if (r.framesDecoded > 0) videoStreams += 1; }
      if (r.kind === 'audio') { audio += r.packetsReceived || 0; if (r.packetsReceived > 0) audioStreams += 1; }
    });
    const layersSent = [...stats.values()].filter((r) => r.type === 'outbound-rtp' && r.kind === 'video' && r.rid && r.packetsSent > 0).length;
    return { video, audio, videoStreams, audioStreams, layersSent };
  });
}

export async function screenshot(page, name) {
  await mkdir(artifacts, { recursive: true });
  const path = join(artifacts, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/// The demo booking's citizen joins (in `cpage`, in English) and waits; the clerk signs in
/// (in `kpage`), opens the call and lets the citizen in. Returns the booking's ID once the
/// citizen is past the waiting room.
/// Passes the device check before a call (call.js): waits until the page has found its
/// devices, then presses "Join the call".
export async function enterCall(page) {
  const join = page.locator('#prejoin-join');
  await waitFor('the device check is ready', async () => (await join.count()) > 0 && join.isEnabled(), 20000);
  await join.click();
}

export async function joinDemoCall(vamt, cpage, kpage) {
  const booking = new URL(vamt.demoJoinUrl).pathname.split('/').pop();
  const joinUrl = new URL(vamt.demoJoinUrl);
  joinUrl.searchParams.set('lang', 'en');
  await cpage.goto(joinUrl.toString());
  await enterCall(cpage);
  await waitFor('the citizen waits', async () => (await cpage.evaluate(() => window.vamtCall.state)) === 'lobby', 20000);
  await kpage.goto(`${vamt.base}/clerk/login?lang=en`);
  await kpage.getByLabel('User name').fill('clerk');
  await kpage.getByLabel('Password').fill(vamt.clerkPassword);
  await Promise.all([kpage.waitForURL(/\/clerk$/), kpage.getByRole('button', { name: 'Sign in' }).click()]);
  await kpage.goto(`${vamt.base}/clerk/call/${booking}?lang=en`);
  await enterCall(kpage);
  await waitFor('the clerk sees the waiting citizen', async () => (await kpage.locator('#lobby-list button').count()) > 0, 20000);
  await kpage.locator('#lobby-list button').first().click();
  await waitFor('the citizen is let in', async () => (await cpage.evaluate(() => window.vamtCall.state)) !== 'lobby', 20000);
  return booking;
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/// axe-core's WCAG 2.1 A/AA rules on the page as it is, and no sideways scrolling (a page
/// must fit a 360-px phone). The page must be opened with `bypassCSP`: axe is injected.
export async function audit(page, name) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  const problems = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`);
  assert.deepEqual(problems, [], `${name}: WCAG violations:\n${problems.join('\n')}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${name}: ${overflow}px wider than the screen`);
  assert.ok(result.passes.length > 10, `${name}: axe ran (${result.passes.length} rules passed)`);
}
