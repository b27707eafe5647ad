/** The public "request operator access" page (PROTOCOL §11), served by applyRoutes.ts. */

export const APPLY_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Request operator access</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1d2330; }
  label { display: block; margin: 0.8rem 0 0.2rem; font-weight: 600; }
  input, select { width: 100%; padding: 0.45rem; font: inherit; box-sizing: border-box; }
  button { margin-top: 1.2rem; padding: 0.6rem 1.2rem; font: inherit; }
  .hint { color: #5b6475; font-size: 0.9rem; }
  #result { margin-top: 1rem; padding: 0.8rem; border-radius: 4px; }
  #result.ok { background: #e5f6ea; } #result.error { background: #fdeaea; }
</style>
</head>
<body>
<h1>Request operator access</h1>
<p class="hint">Tell us about your casino. Once approved you get sandbox credentials: everything works
in the sandbox, and you go live after your wallet passes certification and your prepaid credit is topped up.</p>
<form id="apply" novalidate>
  <label for="company">Company</label><input id="company" name="company" required maxlength="128">
  <label for="contactEmail">Contact e-mail</label><input id="contactEmail" name="contactEmail" type="email" required>
  <label for="website">Website (optional)</label><input id="website" name="website" type="url" placeholder="https://">
  <label for="walletMode">Wallet mode</label>
  <select id="walletMode" name="walletMode">
    <option value="transfer">transfer (we keep the players' balances)</option>
    <option value="seamless">seamless (we call your wallet)</option>
  </select>
  <label for="currencies">Currencies</label><input id="currencies" name="currencies" placeholder="EUR, USD" required>
  <label for="peakPerSecond">Expected peak bets per second (optional)</label>
  <input id="peakPerSecond" name="peakPerSecond" type="number" min="1" step="1">
  <button type="submit">Send the request</button>
</form>
<div id="result" role="status" hidden></div>
<script type="module" src="/apply/apply.js"></script>
</body>
</html>
`;

export const APPLY_PAGE_SCRIPT = `const form = document.getElementById('apply');
const result = document.getElementById('result');
function show(kind, text) {
  result.hidden = false;
  result.className = kind;
  result.textContent = text;
}
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const value = (name) => form.elements[name].value.trim();
  const body = {
    company: value('company'),
    contactEmail: value('contactEmail'),
    walletMode: value('walletMode'),
    currencies: value('currencies').toUpperCase().split(/[\\s,]+/).filter(Boolean),
  };
  if (value('website')) body.website = value('website');
  if (value('peakPerSecond')) body.peakPerSecond = Number(value('peakPerSecond'));
  try {
    const response = await fetch('/v1/onboarding/apply', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (response.status === 429) return show('error', answer.message + ' (try again later)');
    if (answer.code !== 0) return show('error', answer.message);
    show('ok', 'Thank you: your request ' + answer.applicationID + ' was received. We will contact you.');
    form.reset();
  } catch (error) {
    show('error', 'The request could not be sent: ' + error.message);
  }
});
`;
