// The reverse proxy of docs/install.md, for real: nginx runs deploy/nginx/vamt.conf (its TLS
// lines swapped for a plain loopback listener) in front of a real vamt serve, and an
// attacker tries what the outside probe found.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile, copyFile, mkdir } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smtpSink, startVamt, freeTcpPort, waitFor, root, logDir, secret } from './harness.mjs';

const cleanup = [];
after(async () => { for (const f of cleanup.reverse()) await f().catch(() => {}); });

/// Starts nginx with the project's own site file, pointed at `upstream`.
async function startNginx(upstream) {
  const dir = await mkdtemp(join(tmpdir(), 'vamt-nginx-'));
  const port = await freeTcpPort();
  const site = (await readFile(join(root, 'deploy', 'nginx', 'vamt.conf'), 'utf8'))
    .split('\n')
    .filter((l) => !l.includes('# vamt-test: drop'))
    .map((l) => {
      if (l.includes('# vamt-test: listen')) return `    listen 127.0.0.1:${port};`;
      if (l.includes('# vamt-test: access_log')) return `    access_log ${join(dir, 'access.log')} vamt;`;
      if (l.includes('# vamt-test: upstream')) return l.replace(/http:\/\/127\.0\.0\.1:8080/, `http://127.0.0.1:${upstream}`);
      return l;
    })
    .join('\n');
  assert.ok(site.includes(`127.0.0.1:${port}`) && site.includes(`127.0.0.1:${upstream}`), site);
  await writeFile(join(dir, 'vamt.conf'), site);
  await writeFile(join(dir, 'nginx.conf'), `
daemon off;
master_process off;
# In the test's user namespace only root is mapped: temp folders stay root's.
user root root;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 256; }
http {
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  include ${join(dir, 'vamt.conf')};
}
`);
  const proc = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  await waitFor('nginx listening', async () => {
    if (proc.exitCode !== null) throw new Error(`nginx exited: ${out}\n${await readFile(join(dir, 'error.log'), 'utf8').catch(() => '')}`);
    try { return (await get(port, '/healthz')).status === 200; } catch { return false; }
  }, 15000);
  return {
    port,
    accessLog: join(dir, 'access.log'),
    async stop() { proc.kill('SIGTERM'); },
  };
}

/// One HTTP request from the client address `from` (any 127.x address is this host).
function get(port, path, { from = '127.0.0.1', method = 'GET', headers = {}, body = '' } = {}) {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, localAddress: from }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => ok({ status: res.statusCode, body: text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

test('behind the documented nginx, forwarded headers, logged keys and metrics are no way in', { timeout: 120000 }, async () => {
  const smtp = await smtpSink();
  cleanup.push(smtp.close);
  const vamt = await startVamt({
    smtpPort: smtp.port,
    httpConfig: 'trusted_proxies = ["127.0.0.1", "::1"]',
    extraConfig: 'unproven_per_ip_hour = 2\nmax_per_ip_hour = 10',
  });
  cleanup.push(() => vamt.stop());
  const nginx = await startNginx(vamt.port);
  cleanup.push(() => nginx.stop());

  const slots = JSON.parse((await get(nginx.port, '/api/v1/slots?services=meldebescheinigung')).body);
  const starts = slots.slots.map((s) => s.start);
  assert.ok(starts.length >= 6, JSON.stringify(slots).slice(0, 300));
  const book = (i, from, forwarded) => {
    const body = JSON.stringify({ services: ['meldebescheinigung'], start: starts[i], name: `Proxy Tester ${i}`, email: `proxy${i}@example.org` });
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    if (forwarded) headers['x-forwarded-for'] = forwarded;
    return get(nginx.port, '/api/v1/bookings', { from, method: 'POST', headers, body });
  };
  // The attack: a new address in X-Forwarded-For for every attempt. nginx overwrites the
  // header with the address it saw, so the third proofless attempt is refused.
  const statuses = [];
  for (let i = 0; i < 4; i += 1) statuses.push((await book(i, '127.0.0.7', `198.51.100.${i + 1}`)).status);
  assert.deepEqual(statuses, [202, 202, 429, 429]);
  // Another client behind the same proxy has its own count (not one bucket for everyone).
  assert.equal((await book(4, '127.0.0.8')).status, 202);

  // The access log keeps paths, never the keys in query strings.
  const key = 'k3y-that-must-not-be-logged-0123456789';
  await secret(key);
  await get(nginx.port, `/call/BK_00000000000000000000?key=${key}`);
  await get(nginx.port, `/booking/BK_00000000000000000000/confirm?key=${key}&lang=en`);
  const log = await waitFor('access log written', async () => {
    const text = await readFile(nginx.accessLog, 'utf8').catch(() => '');
    return text.includes('/booking/BK_00000000000000000000/confirm') ? text : null;
  });
  assert.ok(log.includes('/call/BK_00000000000000000000'), log);
  assert.ok(!log.includes(key), log);
  assert.ok(!log.includes('key='), log);
  await mkdir(logDir, { recursive: true });
  await copyFile(nginx.accessLog, join(logDir, `nginx-access-${nginx.port}.log`));

  // Metrics are not published through the proxy, and not on the portal's own port either;
  // the operators' listener has them.
  assert.equal((await get(nginx.port, '/metrics')).status, 404);
  assert.equal((await get(vamt.port, '/metrics')).status, 404);
  const metrics = await (await fetch(`${vamt.metricsBase}/metrics`)).text();
  assert.match(metrics, /^vamt_portal_booking_refused_total\{reason="proof_needed"\} 2$/m);
});
