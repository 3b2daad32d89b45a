// Run after every end-to-end test (scripts/test): no line any vamt (or nginx) logged in the
// run holds a citizen's name or e-mail address, a join or confirmation key, or a password,
// as the mails and the harness noted them (harness.mjs `secret`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { logDir, secrets } from './harness.mjs';

test('no log line of the end-to-end run holds personal data, keys or passwords', async () => {
  const known = await secrets();
  const files = (await readdir(logDir)).filter((f) => f.endsWith('.log'));
  // A scan of nothing would pass for the wrong reason.
  assert.ok(files.length >= 3, `logs of the run: ${files}`);
  assert.ok(known.length >= 10, `secrets noted: ${known.length}`);
  let lines = 0;
  const hits = [];
  for (const f of files) {
    const text = await readFile(join(logDir, f), 'utf8');
    for (const line of text.split('\n')) {
      lines += 1;
      for (const s of known) {
        if (line.includes(s)) hits.push(`${f}: ${JSON.stringify(s)} in ${line.slice(0, 300)}`);
      }
      // Any citizen address of the tests, noted or not.
      const address = line.match(/[\w.+-]+@example\.org/);
      if (address) hits.push(`${f}: an e-mail address in ${line.slice(0, 300)}`);
    }
  }
  assert.ok(lines > 100, `log lines scanned: ${lines}`);
  assert.deepEqual(hits, []);
});
