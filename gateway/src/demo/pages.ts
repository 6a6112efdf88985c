/**
 * The demo console's two HTML pages. The console page is the Lightning console (header, workspace tabs,
 * record pages, utility bar); the softphone page is what the call centre's adapter URL loads into the
 * utility panel's iframe, built like pages/SwitchboardSoftphone.page: the Open CTI script (here the demo's
 * emulation), Lightning Out (here the LWC OSS build), the REAL ctiBridge.js, then `SwitchboardCtiBridge.start`.
 */

export interface PageSettings {
    /** The gateway's WebSocket URL: the call centre's `/switchboardGateway/gatewayUrl` item. */
    gatewayUrl: string;
    /** The console's own origin, which also serves the stand-in's REST API. */
    instanceUrl: string;
    /** A stand-in session id (what `$Api.Session_ID` gives the Visualforce page), a new one per softphone page. */
    sessionId: string;
    orgId: string;
    userName: string;
    /** The login form's suggestion. */
    agent: { username: string; device: string };
}

const SLDS = '/slds/styles/salesforce-lightning-design-system.min.css';

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
    return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

export function consolePage(settings: PageSettings): string {
    const config = {
        gatewayUrl: settings.gatewayUrl,
        userName: settings.userName,
        agent: settings.agent
    };
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Service Console | Switchboard demo</title>
<link rel="stylesheet" href="${SLDS}">
<link rel="stylesheet" href="/static/console.css">
<script type="application/json" id="demo-settings">${scriptJson(config)}</script>
</head>
<body class="slds-scope">
<div class="console" id="console">
  <header class="slds-global-header_container">
    <div class="slds-global-header slds-grid slds-grid_align-spread">
      <div class="slds-global-header__item brand">
        <svg class="slds-icon slds-icon-text-default slds-icon_small" aria-hidden="true"><use href="/slds/icons/utility-sprite/svg/symbols.svg#call"></use></svg>
        <span class="slds-text-heading_small">Switchboard</span>
        <span class="slds-badge slds-m-left_x-small">Demo org (local stand-in)</span>
      </div>
      <div class="slds-global-header__item slds-global-header__item_search">
        <form id="global-search" class="slds-form-element" role="search">
          <label class="slds-assistive-text" for="global-search-input">Search</label>
          <input id="global-search-input" class="slds-input" type="search" placeholder="Search Accounts, Contacts, Leads, Cases…" autocomplete="off">
        </form>
      </div>
      <div class="slds-global-header__item" data-testid="user">${escapeHtml(settings.userName)}</div>
    </div>
    <div class="slds-context-bar">
      <div class="slds-context-bar__primary">
        <div class="slds-context-bar__item slds-context-bar__dropdown-trigger slds-no-hover">
          <span class="slds-context-bar__label-action slds-context-bar__app-name"><span class="slds-truncate">Service Console</span></span>
        </div>
      </div>
      <nav class="slds-context-bar__secondary" role="navigation">
        <ul class="slds-grid workspace-tabs" id="workspace-tabs" role="tablist" aria-label="Workspace tabs"></ul>
      </nav>
    </div>
  </header>
  <main class="workspace" id="workspace" aria-live="polite"></main>
  <div class="utility-panel slds-utility-panel slds-grid slds-grid_vertical" id="phone-panel" role="dialog" aria-labelledby="phone-panel-title" data-testid="phone-panel" hidden>
    <div class="slds-utility-panel__header slds-grid slds-shrink-none">
      <div class="slds-media slds-media_center">
        <div class="slds-media__body"><h2 id="phone-panel-title" class="slds-text-heading_small">Phone</h2></div>
      </div>
      <div class="slds-col_bump-left">
        <button type="button" class="slds-button slds-button_icon" id="phone-panel-minimize" title="Minimize" aria-label="Minimize the phone panel">
          <svg class="slds-button__icon" aria-hidden="true"><use href="/slds/icons/utility-sprite/svg/symbols.svg#minimize_window"></use></svg>
        </button>
      </div>
    </div>
    <div class="slds-utility-panel__body">
      <iframe id="softphone-frame" title="Softphone" src="/softphone" width="350" height="500"></iframe>
    </div>
  </div>
  <div class="utility-panel slds-utility-panel slds-grid slds-grid_vertical caller-panel" id="caller-panel" role="dialog" aria-labelledby="caller-panel-title" data-testid="caller-panel" hidden>
    <div class="slds-utility-panel__header slds-grid slds-shrink-none">
      <div class="slds-media slds-media_center">
        <div class="slds-media__body"><h2 id="caller-panel-title" class="slds-text-heading_small">Caller (PBX simulator)</h2></div>
      </div>
      <div class="slds-col_bump-left">
        <button type="button" class="slds-button slds-button_icon" id="caller-panel-minimize" title="Minimize" aria-label="Minimize the caller panel">
          <svg class="slds-button__icon" aria-hidden="true"><use href="/slds/icons/utility-sprite/svg/symbols.svg#minimize_window"></use></svg>
        </button>
      </div>
    </div>
    <div class="slds-utility-panel__body slds-p-around_small" id="caller-body"></div>
  </div>
  <footer class="slds-utility-bar_container" aria-label="Utility Bar">
    <h2 class="slds-assistive-text">Utility Bar</h2>
    <ul class="slds-utility-bar">
      <li class="slds-utility-bar__item">
        <button type="button" class="slds-button slds-utility-bar__action" id="phone-item" aria-pressed="false" aria-controls="phone-panel" data-testid="phone-item">
          <svg class="slds-button__icon slds-button__icon_left" aria-hidden="true"><use id="phone-item-icon" data-icon="call" href="/slds/icons/utility-sprite/svg/symbols.svg#call"></use></svg>
          <span class="slds-utility-bar__text" id="phone-item-label" data-testid="phone-item-label">Phone</span>
        </button>
      </li>
      <li class="slds-utility-bar__item">
        <button type="button" class="slds-button slds-utility-bar__action" id="caller-item" aria-pressed="false" aria-controls="caller-panel" data-testid="caller-item">
          <svg class="slds-button__icon slds-button__icon_left" aria-hidden="true"><use href="/slds/icons/utility-sprite/svg/symbols.svg#incoming_call"></use></svg>
          <span class="slds-utility-bar__text">Caller (simulator)</span>
        </button>
      </li>
    </ul>
  </footer>
</div>
<script src="/static/console.js"></script>
</body>
</html>
`;
}

export function softphonePage(settings: PageSettings): string {
    const host = {
        sessionId: settings.sessionId,
        partnerServerUrl: `${settings.instanceUrl}/services/Soap/u/66.0/${settings.orgId}`,
        agent: settings.agent
    };
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Switchboard softphone</title>
<link rel="stylesheet" href="${SLDS}">
<style>body { margin: 0; background: #fff; }</style>
<script type="application/json" id="vf-settings">${scriptJson(host)}</script>
<!-- /support/api/66.0/lightning/opencti_min.js in an org: here the demo's Open CTI emulation -->
<script src="/static/opencti.js"></script>
<!-- <apex:includeLightning/> in an org: here Lightning Out over the LWC OSS build of force-app -->
<script src="/static/softphone.js"></script>
<!-- {!$Resource.ctiBridge}: the real force-app static resource -->
<script src="/static/ctiBridge.js"></script>
</head>
<body class="slds-scope softphone-host">
<div id="switchboardSoftphone"></div>
<script src="/static/softphone-host.js"></script>
</body>
</html>
`;
}

export function escapeHtml(value: string): string {
    return value
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;');
}
