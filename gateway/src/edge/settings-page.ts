/**
 * The settings page: one static HTML document with a small script that talks to /settings/api (see
 * settings-routes.ts). No framework, no external resources: it must work offline and under a strict CSP.
 */
export const SETTINGS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard CTI gateway settings</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #181818; background: #f3f3f3; }
  header { background: #032d60; color: #fff; padding: 12px 24px; }
  main { max-width: 880px; margin: 0 auto; padding: 16px 24px 48px; }
  section { background: #fff; border: 1px solid #e5e5e5; border-radius: 4px; padding: 12px 16px; margin: 16px 0; }
  h1 { font-size: 18px; margin: 0; } h2 { font-size: 15px; margin: 0 0 8px; }
  table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: 4px 6px; border-bottom: 1px solid #eee; }
  input, select, button { font: inherit; padding: 4px 8px; } button { cursor: pointer; }
  .muted { color: #5c5c5c; } .error { color: #ba0517; } .ok { color: #2e844a; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<header><h1>Switchboard CTI gateway</h1></header>
<main>
  <p id="message" role="status" aria-live="polite"></p>
  <section aria-labelledby="status-title">
    <h2 id="status-title">Status</h2>
    <p id="status">Loading…</p>
    <details><summary>Recent problems</summary><table><tbody id="errors"></tbody></table></details>
  </section>
  <section aria-labelledby="pairing-title">
    <h2 id="pairing-title">Pair a softphone</h2>
    <p class="muted">The softphone shows a six-digit code. Type it next to the page it came from and approve.</p>
    <p id="pairing-key-needed" hidden>Only the person the gateway runs as can pair a softphone: open the settings
    link the gateway printed when it started (<code>npx switchboard settings</code> prints it again), then type the
    code here. <span id="waiting"></span></p>
    <table id="pending-table"><thead><tr><th>Page</th><th>Client</th><th>Expires</th><th>Code</th><th></th></tr></thead>
    <tbody id="pending"><tr><td colspan="5" class="muted">No softphone is waiting.</td></tr></tbody></table>
  </section>
  <section id="admin-needed">
    <h2>Configuration</h2>
    <p class="muted">To change CTI servers, client IDs and allowed pages, open the settings link the gateway printed
    when it started (<code>npx switchboard settings</code> prints it again).</p>
  </section>
  <div id="admin" hidden>
    <section aria-labelledby="active-title">
      <h2 id="active-title">Active CTI server and client ID</h2>
      <label>Server <select id="active-server"></select></label>
      <label>Client ID <select id="active-client"></select></label>
      <button id="save-active" type="button">Save</button>
      <p class="muted">The agent logs in again (with the password) after switching servers.</p>
    </section>
    <section aria-labelledby="servers-title">
      <h2 id="servers-title">CTI servers</h2>
      <table><thead><tr><th>Id</th><th>Name</th><th>Host</th><th>Port</th><th>TLS</th><th>Profile</th><th></th></tr></thead>
      <tbody id="servers"></tbody></table>
      <form id="server-form">
        <input name="id" placeholder="id" required aria-label="Server id">
        <input name="name" placeholder="name" required aria-label="Server name">
        <input name="host" placeholder="host" required aria-label="Host">
        <input name="port" type="number" min="1" max="65535" placeholder="port" required aria-label="Port">
        <label><input name="tls" type="checkbox"> TLS</label>
        <select name="profile" aria-label="Vendor profile"><option>standard</option><option>avaya</option></select>
        <label><input name="canAnswer" type="checkbox" checked> can answer</label>
        <button type="submit">Add or update</button>
      </form>
    </section>
    <section aria-labelledby="clients-title">
      <h2 id="clients-title">Client IDs (ECMA-354 applicationID)</h2>
      <table><tbody id="clients"></tbody></table>
      <form id="client-form">
        <input name="id" placeholder="id" required aria-label="Client id">
        <input name="applicationId" placeholder="applicationID" required aria-label="Application ID">
        <button type="submit">Add</button>
      </form>
    </section>
    <section aria-labelledby="origins-title">
      <h2 id="origins-title">Allowed pages (origins) and paired softphones</h2>
      <table><tbody id="origins"></tbody></table>
      <form id="origin-form">
        <input name="origin" placeholder="https://mydomain--c.vf.force.com" required size="40" aria-label="Origin">
        <button type="submit">Allow</button>
      </form>
    </section>
    <section aria-labelledby="salesforce-title">
      <h2 id="salesforce-title">Salesforce (call logging)</h2>
      <p class="muted">Calls are logged with the session of the softphone. To log with an External Client App
      instead (OAuth, refreshed by itself), set <code>callLogging.instanceUrl</code> and
      <code>callLogging.oauthClientId</code>, then:</p>
      <button id="salesforce-login" type="button">Log in to Salesforce</button>
    </section>
    <section aria-labelledby="outbox-title">
      <h2 id="outbox-title">Call logs waiting or failed</h2>
      <table><tbody id="outbox"></tbody></table>
      <button id="retry-all" type="button">Retry all</button>
    </section>
  </div>
</main>
<script>
const $ = (id) => document.getElementById(id);
const say = (text, ok) => { const m = $('message'); m.textContent = text; m.className = ok ? 'ok' : 'error'; };
const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
async function api(path, body) {
  const response = await fetch('/settings/api/' + path, body === undefined ? {} : {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body)
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.message || response.statusText);
  return data;
}
async function refreshStatus() {
  const { agent, links, recentErrors } = await api('status');
  $('status').textContent = 'CTI: ' + links.cti + (links.ctiDetail ? ' (' + links.ctiDetail + ')' : '') +
    ' · Salesforce: ' + links.salesforce + ' · agent: ' + agent.state + (agent.device ? ' on ' + agent.device : '');
  $('errors').innerHTML = recentErrors.map((e) => '<tr><td>' + new Date(e.at).toLocaleTimeString() + '</td><td>' +
    esc(e.source) + '</td><td><code>' + esc(e.code) + '</code></td><td>' + esc(e.message) + '</td></tr>').join('') ||
    '<tr><td class="muted">None.</td></tr>';
}
async function refreshPairing() {
  const { admin, pending, waiting } = await api('pairing');
  $('pairing-key-needed').hidden = admin; $('pending-table').hidden = !admin;
  $('waiting').textContent = waiting === 1 ? 'One softphone is waiting.' : waiting ? waiting + ' softphones are waiting.' : '';
  const rows = pending.map((p) => '<tr><td>' + esc(p.origin) + '</td><td>' + esc(p.clientLabel) + '</td><td>' +
    new Date(p.expiresAt).toLocaleTimeString() + '</td><td><input inputmode="numeric" maxlength="6" aria-label="Code for ' +
    esc(p.origin) + '" data-code="' + esc(p.requestId) + '"></td><td><button data-approve="' + esc(p.requestId) +
    '">Approve</button> <button data-deny="' + esc(p.requestId) + '">Deny</button></td></tr>');
  $('pending').innerHTML = rows.join('') || '<tr><td colspan="5" class="muted">No softphone is waiting.</td></tr>';
}
async function refreshAdmin() {
  let state;
  try { state = await api('state'); } catch { return; }
  $('admin').hidden = false; $('admin-needed').hidden = true;
  $('active-server').innerHTML = state.servers.map((s) => '<option' + (s.id === state.active.serverId ? ' selected' : '') +
    ' value="' + esc(s.id) + '">' + esc(s.name) + '</option>').join('');
  $('active-client').innerHTML = state.clientIds.map((c) => '<option' + (c.id === state.active.clientId ? ' selected' : '') +
    ' value="' + esc(c.id) + '">' + esc(c.id) + ' (' + esc(c.applicationId) + ')</option>').join('');
  $('servers').innerHTML = state.servers.map((s) => '<tr><td>' + esc(s.id) + '</td><td>' + esc(s.name) + '</td><td>' +
    esc(s.host) + '</td><td>' + esc(s.port) + '</td><td>' + (s.tls ? 'yes' : 'no') + '</td><td>' + esc(s.profile) +
    '</td><td><button data-remove-server="' + esc(s.id) + '">Remove</button></td></tr>').join('');
  $('clients').innerHTML = state.clientIds.map((c) => '<tr><td>' + esc(c.id) + '</td><td>' + esc(c.applicationId) +
    '</td><td><button data-remove-client="' + esc(c.id) + '">Remove</button></td></tr>').join('');
  $('origins').innerHTML = state.allowedOrigins.map((o) => '<tr><td>' + esc(o) + '</td><td>' +
    state.pairings.filter((p) => p.origin === o).length + ' paired</td><td><button data-revoke="' + esc(o) +
    '">Unpair</button> <button data-remove-origin="' + esc(o) + '">Remove</button></td></tr>').join('');
  $('outbox').innerHTML = state.outbox.filter((e) => e.status !== 'sent').map((e) => '<tr><td>' + esc(e.key) +
    '</td><td>' + esc(e.status) + '</td><td>' + esc(e.lastError && e.lastError.message) + '</td></tr>').join('') ||
    '<tr><td class="muted">Nothing waiting.</td></tr>';
}
async function act(fn, done) { try { await fn(); say(done, true); } catch (e) { say(e.message, false); } await refresh(); }
async function refresh() {
  await refreshStatus().catch((e) => say(e.message, false));
  await refreshPairing().catch((e) => say(e.message, false));
  await refreshAdmin();
}
document.addEventListener('click', (event) => {
  const t = event.target; if (!(t instanceof HTMLElement)) return;
  const d = t.dataset;
  if (d.approve) { const code = document.querySelector('[data-code="' + d.approve + '"]').value;
    act(() => api('pairing/approve', { requestId: d.approve, code }), 'Paired: the softphone connects now.'); }
  if (d.deny) act(() => api('pairing/deny', { requestId: d.deny }), 'Refused.');
  if (d.removeServer) act(() => api('servers/remove', { id: d.removeServer }), 'Server removed.');
  if (d.removeClient) act(() => api('clients/remove', { id: d.removeClient }), 'Client ID removed.');
  if (d.removeOrigin) act(() => api('origins/remove', { origin: d.removeOrigin }), 'Origin removed.');
  if (d.revoke) act(() => api('pairings/revoke', { origin: d.revoke }), 'Softphones of that page unpaired.');
});
$('save-active').addEventListener('click', () => act(() => api('active', {
  serverId: $('active-server').value, clientId: $('active-client').value }), 'Saved.'));
$('salesforce-login').addEventListener('click', () => act(async () => {
  const { authorizeUrl } = await api('salesforce/login', {}); window.open(authorizeUrl, '_blank', 'noopener');
}, 'Finish the login in the new tab.'));
$('retry-all').addEventListener('click', () => act(() => api('outbox/retry', {}), 'Retrying.'));
$('server-form').addEventListener('submit', (event) => { event.preventDefault(); const f = new FormData(event.target);
  act(() => api('servers', { id: f.get('id'), name: f.get('name'), host: f.get('host'), port: Number(f.get('port')),
    tls: f.get('tls') === 'on', profile: f.get('profile'), canAnswer: f.get('canAnswer') === 'on' }), 'Server saved.'); });
$('client-form').addEventListener('submit', (event) => { event.preventDefault(); const f = new FormData(event.target);
  act(() => api('clients', { id: f.get('id'), applicationId: f.get('applicationId') }), 'Client ID added.'); });
$('origin-form').addEventListener('submit', (event) => { event.preventDefault(); const f = new FormData(event.target);
  act(() => api('origins', { origin: f.get('origin') }), 'Origin allowed.'); });
refresh(); setInterval(() => { refreshPairing(); refreshStatus(); }, 2000);
</script>
</body>
</html>
`;
