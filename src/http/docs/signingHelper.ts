/**
 * The /docs signing helper: the reader types a secretKey in the page, and every "Try it out" request to
 * a signed endpoint (x-auth operatorHmac or providerHmac in the OpenAPI document) gets a fresh
 * `timestamp` and the `sign` computed in the browser (Web Crypto HMAC-SHA-256 over the §3 canonical
 * string, exactly as domain/signing.ts computes it), through Swagger UI's requestInterceptor.
 *
 * The secret lives in one password input: it is never put in a request, the address bar, a cookie or
 * storage, and is gone when the page is left or reloaded. Served by us as a file (script-src 'self').
 */
import { DOCS_EXAMPLE_SECRET } from './signedExamples';

/** The guide's worked example (docs/INTEGRATION.md §3); the page checks its own signer against it. */
export const WORKED_EXAMPLE = {
  body: {
    agentID: 'agent01',
    userID: 'player01',
    amount: 1.5,
    transactionID: '4146ed8dd6d5497780e9fc273e86bae0',
    refTransactionID: 'b1',
    roundID: '307e9124a5314f2795ce583391e1c61c',
    gameID: 1566,
    freeSpinID: null,
    currency: 'EUR',
    timestamp: 1763700000,
  },
  secret: DOCS_EXAMPLE_SECRET,
  sign: 'AEDFA926112F5643C3947F6C49505D34E71A91BE1BA68304A802681D49273BA0',
} as const;

/** The helper's panel, placed above Swagger UI in the /docs page (no inline script or style). */
export const SIGNING_PANEL = `<section id="signing-helper" class="signing-helper" aria-labelledby="signing-title">
    <h2 id="signing-title">Sign "Try it out" requests in this page</h2>
    <p>Platform (<code>/v1/...</code>) and provider (<code>/provider/v1/...</code>) calls carry a
      <code>timestamp</code> and a <code>sign</code> (HMAC-SHA-256 of the sorted fields keyed with your
      <code>secretKey</code>; the <a href="/docs/integration.md">integration guide</a>, section 3). Type your
      <code>secretKey</code> below and every signed request sent from this page gets a fresh timestamp and its
      sign, computed in your browser. The secret stays in this field: it is never sent, stored or put in the
      address bar, and it is gone when you reload or leave the page. Put your own <code>agentID</code> (or
      <code>providerID</code>) in the request body.</p>
    <p><strong>Where agentID and secretKey come from.</strong> An operator applies at <a href="/apply">/apply</a>;
      when staff approve the application in the back office (or create the operator there, Operators, New
      operator), the answer shows <code>agentID</code>, <code>secretKey</code> and <code>saltKey</code> once.
      A studio's <code>providerID</code> and <code>secretKey</code> come from the back office's Providers, New
      provider. Outside production, the demo world's operators (<code>demo-transfer</code>,
      <code>demo-seamless</code>) and studio (<code>demo-studio</code>) have theirs printed in the server's
      start-up banner.</p>
    <div class="signing-fields">
      <label for="signing-secret">secretKey</label>
      <input id="signing-secret" type="password" autocomplete="off" spellcheck="false" placeholder="not sent anywhere">
      <label class="signing-check"><input id="signing-fresh-timestamp" type="checkbox" checked> set
        <code>timestamp</code> to now (the examples' timestamps are long past: code 4)</label>
    </div>
    <p id="signing-status" role="status">No secret typed: requests are sent exactly as written.</p>
    <p id="signing-selfcheck"></p>
    <details><summary>Last string signed</summary><pre id="signing-canonical"></pre></details>
  </section>`;

export const SIGNING_CSS = `.signing-helper { max-width: 1460px; margin: 16px auto 0; padding: 12px 20px; box-sizing: border-box;
  font-family: sans-serif; font-size: 14px; color: #3b4151; border: 1px solid #d8dde7; border-radius: 4px; background: #f7f9fc; }
.signing-helper h2 { font-size: 18px; margin: 0 0 8px; }
.signing-helper p { margin: 6px 0; line-height: 1.4; }
.signing-fields { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; margin: 8px 0; }
.signing-fields input[type=password] { width: 36em; max-width: 100%; padding: 6px; font-family: monospace; }
.signing-check { font-size: 13px; }
#signing-status.signing-error { color: #b00020; }
#signing-canonical { white-space: pre-wrap; word-break: break-all; font-size: 12px; }
`;

/** window.casinoSigning: canonicalString, computeSign and the requestInterceptor Swagger UI calls. */
export const SIGNING_SCRIPT = `(function () {
  'use strict';
  var encoder = new TextEncoder();
  var WORKED = ${JSON.stringify(WORKED_EXAMPLE)};

  // Keys in byte order of their UTF-8 form, as the server sorts them (not UTF-16 code units).
  function byteOrder(a, b) {
    var x = encoder.encode(a);
    var y = encoder.encode(b);
    for (var i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
    return x.length - y.length;
  }
  function renderValue(value) {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return JSON.stringify(value);
  }
  function canonicalString(body) {
    return Object.keys(body)
      .filter(function (key) { return key !== 'sign' && body[key] !== null && body[key] !== undefined; })
      .sort(byteOrder)
      .map(function (key) { return key + '=' + renderValue(body[key]); })
      .join('&');
  }
  function computeSign(secret, body) {
    if (!window.crypto || !window.crypto.subtle) {
      return Promise.reject(new Error('this browser offers no Web Crypto here (it needs https or localhost)'));
    }
    return crypto.subtle
      .importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      .then(function (key) { return crypto.subtle.sign('HMAC', key, encoder.encode(canonicalString(body))); })
      .then(function (mac) {
        return Array.from(new Uint8Array(mac), function (b) { return b.toString(16).padStart(2, '0'); })
          .join('')
          .toUpperCase();
      });
  }

  // Which operations are signed, from the document's x-auth (paths with {params} matched as one segment).
  var signedRoutes = fetch('/docs/openapi.json')
    .then(function (answer) { return answer.json(); })
    .then(function (document) {
      var routes = [];
      Object.keys(document.paths || {}).forEach(function (path) {
        var operations = document.paths[path];
        Object.keys(operations).forEach(function (method) {
          var auth = operations[method] && operations[method]['x-auth'];
          if (auth !== 'operatorHmac' && auth !== 'providerHmac') return;
          routes.push({ method: method.toUpperCase(), segments: path.split('/') });
        });
      });
      return routes;
    });

  function element(id) { return document.getElementById(id); }
  function report(text, isError) {
    var status = element('signing-status');
    if (!status) return;
    status.textContent = text;
    status.className = isError ? 'signing-error' : '';
  }

  function intercept(request) {
    var secretInput = element('signing-secret');
    var secret = secretInput ? secretInput.value : '';
    if (!secret || typeof request.body !== 'string') return request;
    var url = new URL(request.url, location.href);
    if (url.origin !== location.origin) return request;
    var method = String(request.method || 'GET').toUpperCase();
    return signedRoutes.then(function (routes) {
      var given = url.pathname.split('/');
      var signed = routes.some(function (route) {
        return route.method === method && route.segments.length === given.length && route.segments.every(function (part, i) {
          return /^\\{[^}]+\\}$/.test(part) ? given[i] !== '' : part === given[i];
        });
      });
      if (!signed) return request;
      var body;
      try {
        body = JSON.parse(request.body);
      } catch (error) {
        report('Not signed: the body is not JSON (' + error.message + ').', true);
        return request;
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        report('Not signed: the body is not a JSON object.', true);
        return request;
      }
      delete body.sign;
      var fresh = element('signing-fresh-timestamp');
      if (!fresh || fresh.checked) body.timestamp = Math.floor(Date.now() / 1000);
      return computeSign(secret, body).then(
        function (sign) {
          body.sign = sign;
          request.body = JSON.stringify(body);
          element('signing-canonical').textContent = canonicalString(body);
          report('Signed ' + method + ' ' + url.pathname + ' at ' + new Date().toLocaleTimeString() + ': sign ' + sign);
          return request;
        },
        function (error) {
          report('Not signed: ' + error.message, true);
          return request;
        },
      );
    });
  }

  window.casinoSigning = { canonicalString: canonicalString, computeSign: computeSign, intercept: intercept };

  // The page's own signer, checked against the guide's worked example before anyone relies on it.
  computeSign(WORKED.secret, WORKED.body).then(
    function (sign) {
      var check = element('signing-selfcheck');
      if (!check) return;
      check.textContent = sign === WORKED.sign
        ? "Self-check: this page signs the guide's worked example to " + sign + ', as the guide says.'
        : "Self-check FAILED: the guide's worked example signs to " + sign + ' here, not ' + WORKED.sign + '.';
    },
    function (error) { report('Signing is not available: ' + error.message, true); },
  );
})();
`;
