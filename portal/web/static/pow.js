// The booking form's proof of work (ALTCHA format, served by this portal): solved in the
// background while the citizen picks a time and types, so pressing "Book" rarely waits.
// Without JavaScript the form still works; the server then allows a few bookings per
// address and hour without a proof.
const field = document.querySelector('input[name=altcha]');

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function solve() {
  const response = await fetch('/api/v1/challenge', { cache: 'no-store' });
  if (!response.ok) throw new Error(`challenge: ${response.status}`);
  const c = await response.json();
  const encoder = new TextEncoder();
  for (let n = 0; n <= c.maxnumber; n += 1) {
    const digest = await crypto.subtle.digest('SHA-256', encoder.encode(c.salt + n));
    if (hex(digest) === c.challenge) {
      return btoa(JSON.stringify({ algorithm: c.algorithm, challenge: c.challenge, number: n, salt: c.salt, signature: c.signature }));
    }
  }
  throw new Error('no solution');
}

if (field && window.crypto && crypto.subtle) {
  const form = field.form;
  const solving = solve().then((proof) => { field.value = proof; }, () => {});
  let waiting = false;
  form.addEventListener('submit', (event) => {
    if (field.value || waiting) return;
    // Not solved yet: hold the submission until it is (or gave up), then send it.
    event.preventDefault();
    waiting = true;
    const button = form.querySelector('button[type=submit]');
    if (button) {
      button.disabled = true;
      button.setAttribute('aria-busy', 'true');
      button.dataset.label = button.textContent;
      button.textContent = field.dataset.working || button.textContent;
    }
    solving.finally(() => {
      if (button) { button.disabled = false; button.removeAttribute('aria-busy'); }
      form.submit();
    });
  });
}
