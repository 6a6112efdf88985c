import { LightningElement, api } from 'lwc';
import { GatewayClient } from 'c/gatewayClient';
import { BridgeClient } from 'c/ctiBridgeClient';
import { callStateMessage, publishCallState } from 'c/callStateChannel';
import {
    AGENT_STATE_LABELS,
    CALL_STATE_LABELS,
    applyEvent,
    errorMessage,
    formatDuration,
    isIncoming,
    isLive,
    isSalesforceId,
    normalizeNumber,
    screenPopSearch
} from 'c/ctiProtocol';

export const DEFAULT_GATEWAY_URL = 'wss://127.0.0.1:8443/ws';
export const NOTES_DEBOUNCE_MS = 600;
/** The wrap-up picks of a call, as the call view and setWrapUp name them. */
const PICK_KEYS = ['disposition', 'whoId', 'whatId'];
const TICK_MS = 1000;
/** A click-to-dial of the number just dialled within this long is the same click twice (a double click). */
export const CLICK_TO_DIAL_REPEAT_MS = 1000;
/** A reload for a fresh Salesforce session waits until the agent has not typed in the softphone for this long. */
const RENEW_INPUT_QUIET_MS = 10000;
const RENEW_RECHECK_MS = 2000;
/** Set in sessionStorage just before such a reload: the reloaded page's calls all came after it. */
const RELOAD_MARK_KEY = 'switchboard.reloadedForSession';
const RELOAD_MARK_MAX_AGE_MS = 60000;

function pageStorage() {
    try {
        return typeof window !== 'undefined' && window.sessionStorage ? window.sessionStorage : null;
    } catch {
        return null;
    }
}

function markReloadForSession() {
    try {
        const storage = pageStorage();
        if (storage) storage.setItem(RELOAD_MARK_KEY, String(Date.now()));
    } catch {
        // Without the mark the reloaded page treats its calls as seen before (no second screen pop).
    }
}

/**
 * sessionStorage: what the agent typed at the last login from this page, never the password ({ username, device,
 * agentId }), and `loggedIn` while that login lasts. It survives the softphone's own reloads.
 */
const LAST_LOGIN_KEY = 'switchboard.lastLogin';

function readLastLogin() {
    try {
        const storage = pageStorage();
        const value = storage ? JSON.parse(storage.getItem(LAST_LOGIN_KEY) || 'null') : null;
        return value && typeof value === 'object' ? value : {};
    } catch {
        return {};
    }
}

function writeLastLogin(value) {
    try {
        const storage = pageStorage();
        if (storage) storage.setItem(LAST_LOGIN_KEY, JSON.stringify(value));
    } catch {
        // The login form is then empty after a reload; nothing else depends on it.
    }
}

/** True (and forgotten) when this page was just reloaded for a session. */
function takeReloadForSessionMark() {
    try {
        const storage = pageStorage();
        if (!storage) return false;
        const at = Number(storage.getItem(RELOAD_MARK_KEY));
        storage.removeItem(RELOAD_MARK_KEY);
        const age = Date.now() - at;
        return at > 0 && age >= 0 && age < RELOAD_MARK_MAX_AGE_MS;
    } catch {
        return false;
    }
}

const ITEM_ICONS = {
    ringing: 'notification',
    dialling: 'call',
    connected: 'call',
    queued: 'call',
    held: 'pause',
    wrapUp: 'edit',
    idle: 'call',
    offline: 'offline'
};

function instanceUrlOf(value) {
    try {
        return value ? new URL(value).origin : null;
    } catch {
        return null;
    }
}

/**
 * The Switchboard softphone: the one exposed component. It owns the gateway connection (c/gatewayClient) and
 * asks the Visualforce bridge (c/ctiBridgeClient ⇄ staticresources/ctiBridge.js) for everything Open CTI does.
 * All state comes from the gateway's snapshot plus its events, so a reload restores the call, timer and notes.
 *
 * @api attributes (set by the Visualforce page / bridge): gatewayUrl, sessionId, partnerServerUrl (or
 * instanceUrl). @api methods called by the bridge: handleClickToDial, handleNavigation, bridgeResponse.
 */
export default class Softphone extends LightningElement {
    @api gatewayUrl = DEFAULT_GATEWAY_URL;
    @api sessionId;
    @api partnerServerUrl;
    @api instanceUrl;

    gatewayStatus = 'idle';
    snapshot = null;
    pairing = null;
    errorText = '';
    announcement = '';
    busy = false;
    /** A makeCall is on its way: another is ignored until it is answered (a double press dials once). */
    dialling = false;
    now = Date.now();
    notesDrafts = {};
    /**
     * callId → the agent's wrap-up picks the gateway has not confirmed yet ({ disposition?, whoId?, whatId? }):
     * on their way in a setWrapUp, or refused and sent again after a reconnect. A pick the gateway confirmed
     * leaves the draft; the panel then shows the call view's copy (what a reload shows).
     */
    wrapUpDrafts = {};
    /**
     * callId → field (notes, disposition, whoId, whatId) → the values of it this tab stands behind: what the
     * gateway showed when the agent began editing it here, and what this tab sent. A saved copy holding another
     * value was changed elsewhere (another tab's Save): a follow-up save must not overwrite it.
     */
    ownValues = new Map();
    loginServerId;
    loginMessage = '';
    /**
     * What the agent typed at the last login (not the password): the login form shows it again after a logout
     * or a refused login, when the gateway's agent view no longer names the agent (see LAST_LOGIN_KEY).
     */
    lastLogin = readLastLogin();

    client;
    bridge;
    popped = new Set();
    /** callId → what its pop searched for. */
    poppedBy = new Map();
    contextAsked = new Set();
    firstSnapshot = true;
    pendingRelate = null;
    notesTimers = new Map();
    /** callId → the notes text on its way to the gateway. */
    notesSending = new Map();
    /** callId → how many setWrapUp requests for it are on their way. */
    picksSending = new Map();
    /** Calls this tab sent wrapUp for (the agent pressed Save), until call.wrappedUp. */
    wrapUpSent = new Set();
    /** Follow-up saves after an automatic wrap-up, on their way. */
    followUpsSending = 0;
    /**
     * callId → when the gateway saves the call in wrap-up by itself, reckoned here from settings.wrapUpSeconds:
     * only for a gateway whose call views do not say so (wrapUpDueAt).
     */
    autoSaveTimes = new Map();
    ticker = null;
    lastItemLabel = null;
    lastItemIcon = null;
    lastPublished = null;
    /** Salesforce refused the page's session: reload the page once nothing needs it (sessionRefused). */
    reloadForSession = false;
    reloadAsked = false;
    renewNoticeShown = false;
    renewTimer = null;
    lastInputAt = 0;
    /** The last click-to-dial: { number, at }. */
    lastClickToDial = null;
    /** The keyboard was in the softphone when the calls changed: see renderedCallback. */
    focusWrapUpWhenShown = false;
    /** ...in the call notes of this call: its wrap-up's Notes (the same text) take the focus. */
    focusNotesOf = null;
    /** The call the notes panel was last showing: its pending notes go out when the panel moves to another. */
    notesPanelCallId;
    /** The gateway withdrew this browser's pairing (close 4005): its message stays until paired again. */
    unpaired = false;

    // --- lifecycle ------------------------------------------------------------------------------------------

    connectedCallback() {
        this.bridge = new BridgeClient((detail) =>
            this.dispatchEvent(new CustomEvent('ctibridgerequest', { detail, bubbles: true, composed: true }))
        );
        this.client = new GatewayClient({
            url: this.gatewayUrl || DEFAULT_GATEWAY_URL,
            salesforce: this.session
        });
        this.client.on('status', ({ status, error }) => this.handleStatus(status, error));
        this.client.on('pairing', (pairing) => {
            this.pairing = pairing;
        });
        this.client.on('paired', () => {
            this.pairing = null;
        });
        this.client.on('snapshot', (snapshot) => this.handleSnapshot(snapshot));
        this.client.on('event', (event) => this.handleEvent(event));
        this.client.on('error', (error) => this.showError(error));
        this.client.on('salesforceRefused', ({ error }) => {
            if (error.code === 'SALESFORCE_AUTH') this.sessionRefused();
            else this.showError(error);
        });
        this.template.addEventListener('input', this.noteInput);
        this.template.addEventListener('keydown', this.noteInput);
        this.client.connect();
    }

    renderedCallback() {
        const wanted = this.focusWrapUpWhenShown && !this.hasLiveCalls;
        const notesOf = this.focusNotesOf;
        this.focusWrapUpWhenShown = false;
        this.focusNotesOf = null;
        if (!wanted) return;
        const panel = this.template.querySelector('c-wrap-up-panel');
        const active = document.activeElement;
        if (!panel || (active && active !== document.body)) return;
        // Typing in the call notes: the agent goes on typing in the same text (a select would take the keys as
        // type-ahead and change the pick). Elsewhere: the first wrap-up control.
        const call = this.wrapUpCall;
        if (notesOf && call && call.id === notesOf) panel.focusNotes();
        else panel.focusFirst();
    }

    noteInput = () => {
        this.lastInputAt = Date.now();
    };

    disconnectedCallback() {
        clearTimeout(this.renewTimer);
        this.template.removeEventListener('input', this.noteInput);
        this.template.removeEventListener('keydown', this.noteInput);
        if (this.client) this.client.close();
        if (this.bridge) this.bridge.dispose();
        this.stopTicker();
        for (const timer of this.notesTimers.values()) clearTimeout(timer);
        this.notesTimers.clear();
    }

    get session() {
        const instanceUrl = this.instanceUrl || instanceUrlOf(this.partnerServerUrl);
        return this.sessionId && instanceUrl ? { instanceUrl, sessionId: this.sessionId } : null;
    }

    // --- bridge-facing API ----------------------------------------------------------------------------------

    @api
    bridgeResponse(requestId, result, error) {
        return this.bridge ? this.bridge.respond(requestId, result, error) : false;
    }

    @api
    handleClickToDial(payload) {
        const number = normalizeNumber(payload && payload.number);
        this.callBridge('setSoftphonePanelVisibility', { visible: true });
        if (!number) {
            this.showError({ code: 'INVALID_NUMBER' });
            return;
        }
        if (!this.loggedIn) {
            this.showError({ code: 'NOT_LOGGED_IN' });
            return;
        }
        const now = Date.now();
        const last = this.lastClickToDial;
        const repeated = last && last.number === number && now - last.at < CLICK_TO_DIAL_REPEAT_MS;
        if (this.dialling || repeated) return;
        this.lastClickToDial = { number, at: now };
        this.pendingRelate =
            payload && isSalesforceId(payload.recordId) && payload.objectType
                ? {
                      recordId: payload.recordId,
                      objectType: payload.objectType,
                      name: payload.recordName || undefined
                  }
                : null;
        const relate = this.pendingRelate;
        this.makeCall(number).then((result) => {
            // Refused: no call will come for this record (a later call dialled on the desk phone is another one).
            if (result === null && this.pendingRelate === relate) this.pendingRelate = null;
        });
    }

    @api
    handleNavigation(payload) {
        if (!payload || !isSalesforceId(payload.recordId) || !payload.objectType) return;
        const call = this.activeCall || this.wrapUpCall;
        if (!call) return;
        this.run(
            'relate',
            {
                callId: call.id,
                recordId: payload.recordId,
                objectType: payload.objectType,
                name: payload.recordName || undefined
            },
            { quiet: true }
        );
    }

    callBridge(method, args) {
        return this.bridge.request(method, args).catch((error) => {
            if (error.code !== 'BRIDGE_UNAVAILABLE') this.showError({ code: 'BRIDGE_FAILED' });
            return null;
        });
    }

    // --- gateway --------------------------------------------------------------------------------------------

    handleStatus(status, error) {
        this.gatewayStatus = status;
        if (status !== 'pairing') this.pairing = null;
        if (error && error.code === 'UNPAIRED') {
            // Not a blip: the agent pairs again (the pairing prompt follows); the reconnects keep this message
            // until the next snapshot.
            this.unpaired = true;
            this.showError(error);
        } else if (status === 'failed' && error) {
            this.showError(error);
        } else if (!this.unpaired) {
            if (status === 'reconnecting' && this.snapshot) this.showError({ code: 'DISCONNECTED' });
            else if (status === 'reconnecting' || (status === 'connecting' && !this.snapshot))
                this.errorText = '';
        }
        this.syncSurroundings();
    }

    handleSnapshot(snapshot) {
        const previous = this.snapshot;
        this.snapshot = snapshot;
        if (this.gatewayStatus !== 'open') this.gatewayStatus = 'open';
        if (this.errorText === errorMessage('DISCONNECTED')) this.errorText = '';
        if (this.unpaired) {
            // Paired again.
            this.unpaired = false;
            if (this.errorText === errorMessage('UNPAIRED')) this.errorText = '';
        }
        if (this.firstSnapshot) {
            // After a reload the agent has already seen the pop for calls that were up before; not after a reload
            // for a session, which waited until no call was up.
            this.firstSnapshot = false;
            for (const call of takeReloadForSessionMark() ? [] : snapshot.calls) {
                this.popped.add(call.id);
                this.contextAsked.add(call.id);
            }
        }
        for (const call of snapshot.calls) this.afterCallChange(call, previous);
        this.resendNotes();
        this.syncSurroundings();
    }

    handleEvent(event) {
        const previous = this.snapshot;
        // The last live call ends with the keyboard in its controls or notes: the focus goes to the wrap-up.
        const focused = this.template.activeElement;
        if (this.hasLiveCalls && focused) {
            const notes = this.template.querySelector('c-notes-panel');
            this.focusWrapUpWhenShown = true;
            this.focusNotesOf = notes && focused === notes ? notes.callId : null;
        }
        this.snapshot = applyEvent(this.snapshot, event);
        if (event.type === 'salesforce.sessionNeeded') {
            this.renewSalesforceSession();
            return;
        }
        // Logging works again (another tab's session, an OAuth login): no reload needed.
        if (event.type === 'link.state' && event.links.salesforce === 'ok') this.cancelSessionReload();
        if (event.call) {
            this.announce(event);
            if (event.type === 'call.ringing' && isIncoming(event.call)) {
                this.callBridge('setSoftphonePanelVisibility', { visible: true });
            }
            if (event.type === 'call.logged' && event.call.log && event.call.log.status === 'saved') {
                this.callBridge('refreshView', {});
            }
            if (event.type === 'call.wrappedUp') this.afterWrappedUp(event.call);
            this.afterCallChange(event.call, previous);
        }
        this.syncSurroundings();
    }

    afterCallChange(call, previous) {
        const known = previous && previous.calls.some((c) => c.id === call.id);
        if (!known && this.pendingRelate && call.origin === 'local' && isLive(call)) {
            const relate = this.pendingRelate;
            this.pendingRelate = null;
            this.run('relate', { callId: call.id, ...relate }, { quiet: true });
        }
        // The gateway holds what the agent typed: its notes show again (another tab's edits included).
        if (this.hasDraft(call.id) && this.notesDrafts[call.id] === call.notes) this.dropDraft(call.id);
        this.dropConfirmedPicks(call);
        this.noteWrapUpStart(call);
        this.maybeScreenPop(call);
        this.maybeRelateCurrentRecord(call);
    }

    /**
     * When the gateway will save a call in wrap-up by itself, for a gateway whose views lack `wrapUpDueAt`:
     * `wrapUpSeconds` after it ended. A call that came to wrap-up later than that (it ended while the gateway
     * was away) gets its time from when it reached the softphone.
     */
    noteWrapUpStart(call) {
        const seconds = this.snapshot && this.snapshot.settings.wrapUpSeconds;
        if (isLive(call) || !seconds || call.wrapUpDueAt || this.autoSaveTimes.has(call.id)) return;
        const now = Date.now();
        const endedAt = call.endedAt && call.endedAt + seconds * 1000 > now ? call.endedAt : now;
        this.autoSaveTimes.set(call.id, endedAt + seconds * 1000);
    }

    /**
     * The call left wrap-up: saved by this tab, by another, or by the gateway once wrapUpSeconds passed (seen as
     * call.wrappedUp, or after a reconnect as the call in the snapshot's `recent`). The automatic save used the
     * picks the gateway had (setWrapUp) and the notes it had (setNotes). Only what had not reached it yet goes
     * after it in one more wrapUp, which updates the same Task: notes still waiting for their debounce, on their
     * way or lost in a drop, and picks whose setWrapUp was still on its way (the gateway refuses that one for a
     * saved call) or was refused.
     */
    afterWrappedUp(call) {
        const id = call.id;
        clearTimeout(this.notesTimers.get(id));
        this.notesTimers.delete(id);
        if (!this.wrapUpSent.has(id)) {
            const args = { callId: id };
            const unsent = this.wrapUpDrafts[id] || {};
            for (const key of PICK_KEYS) {
                // '' (none) cannot be said in a wrapUp: the saved Task keeps what the gateway had.
                if (unsent[key] && unsent[key] !== call[key] && this.isOwn(id, key, call[key])) {
                    args[key] = unsent[key];
                }
            }
            const notes = this.notesDrafts[id];
            if (this.hasDraft(id) && notes !== call.notes && this.isOwn(id, 'notes', call.notes))
                args.notes = notes;
            if (Object.keys(args).length > 1) {
                this.followUpsSending += 1;
                this.run('wrapUp', args).then(() => {
                    this.followUpsSending -= 1;
                    this.maybeReloadForSession();
                });
            }
        }
        this.wrapUpSent.delete(id);
        this.autoSaveTimes.delete(id);
        this.dropDraft(id);
        this.dropWrapUpDraft(id);
        this.ownValues.delete(id);
    }

    /** When a call connects, the record already open on screen is related to it (navigation covers later ones). */
    maybeRelateCurrentRecord(call) {
        if (call.state !== 'connected' || this.contextAsked.has(call.id)) return;
        this.contextAsked.add(call.id);
        this.callBridge('getAppViewInfo', {}).then((view) => {
            if (view && isSalesforceId(view.recordId) && view.objectType) {
                this.run(
                    'relate',
                    {
                        callId: call.id,
                        recordId: view.recordId,
                        objectType: view.objectType,
                        name: view.recordName || undefined
                    },
                    { quiet: true }
                );
            }
        });
    }

    /** The pop the admin's `screenPop` setting asks for, once per call ("manual": none, the card's button only). */
    maybeScreenPop(call) {
        if (!this.snapshot || !isIncoming(call)) return;
        const policy = this.snapshot.settings.screenPop;
        if (this.popped.has(call.id)) {
            // IVR digits first: digits that arrive after a pop by the number, while the call still rings, pop
            // again by the digits (the first pop searched without them).
            const searched = this.poppedBy.get(call.id);
            if (
                policy === 'ringing' &&
                call.state === 'ringing' &&
                call.ivrDigits &&
                searched !== undefined &&
                searched !== call.ivrDigits
            )
                this.screenPop(call);
            return;
        }
        if (policy === 'manual') return;
        const due =
            policy === 'answer' ? call.state === 'connected' : ['ringing', 'connected'].includes(call.state);
        if (due) this.screenPop(call);
    }

    /** "Open caller's record" on a call card: the same pop, whenever the agent asks. */
    handlePopCaller(event) {
        const call = this.snapshot && this.snapshot.calls.find((c) => c.id === event.detail.callId);
        if (call) this.screenPop(call);
    }

    /** Searches Salesforce for the caller (IVR digits first, then the number) and opens what the layout says. */
    screenPop(call) {
        const search = screenPopSearch(call);
        if (!search) return;
        this.popped.add(call.id);
        this.poppedBy.set(call.id, search);
        this.callBridge('searchAndScreenPop', {
            searchParams: search,
            queryParams: '',
            callType: call.direction === 'internal' ? 'internal' : 'inbound',
            deferred: false
        });
    }

    /**
     * The gateway needs a fresh Salesforce session. The page's own goes first; when Salesforce refuses that one
     * too (here, or as the softphone connected after a reload), the page reloads: Visualforce renders a current
     * $Api.Session_ID for as long as the agent's Salesforce login lasts. See sessionRefused().
     */
    renewSalesforceSession() {
        const session = this.session;
        if (!session) {
            this.showError({ code: 'SALESFORCE_AUTH' });
            return;
        }
        this.client.setSalesforceSession(session).catch((error) => {
            if (error && error.code === 'SALESFORCE_AUTH') this.sessionRefused();
            else this.showError(error);
        });
    }

    /**
     * Reloads the page for a fresh session once nothing would be lost or interrupted: connected, no call live or
     * in wrap-up, no request or notes on their way, no click-to-dial waiting for its call, and no typing in the
     * softphone for RENEW_INPUT_QUIET_MS. Until then the agent reads why call logging waits.
     */
    sessionRefused() {
        this.reloadForSession = true;
        this.maybeReloadForSession();
    }

    cancelSessionReload() {
        this.reloadForSession = false;
        clearTimeout(this.renewTimer);
        if (this.errorText === errorMessage('SESSION_RENEW_PENDING')) this.errorText = '';
        this.renewNoticeShown = false;
    }

    maybeReloadForSession() {
        if (!this.reloadForSession || this.reloadAsked || !this.connected) return;
        const waiting =
            this.snapshot.calls.length > 0 ||
            this.notesTimers.size > 0 ||
            this.notesSending.size > 0 ||
            this.picksSending.size > 0 ||
            this.followUpsSending > 0 ||
            this.busy ||
            this.dialling ||
            this.pendingRelate;
        const quietFor = Date.now() - this.lastInputAt;
        if (waiting || quietFor < RENEW_INPUT_QUIET_MS) {
            if (!this.renewNoticeShown && !this.errorText) this.showError({ code: 'SESSION_RENEW_PENDING' });
            this.renewNoticeShown = true;
            clearTimeout(this.renewTimer);
            // Typing or a request may end without an event from the gateway: look again later.
            // eslint-disable-next-line @lwc/lwc/no-async-operation
            this.renewTimer = setTimeout(
                () => this.maybeReloadForSession(),
                Math.max(RENEW_RECHECK_MS, RENEW_INPUT_QUIET_MS - quietFor)
            );
            return;
        }
        this.reloadAsked = true;
        markReloadForSession();
        this.bridge.request('reloadSoftphone', {}).catch((error) => {
            takeReloadForSessionMark();
            this.cancelSessionReload();
            this.reloadAsked = false;
            this.showError({
                code: error && error.code === 'RELOAD_TOO_SOON' ? 'SESSION_ENDED' : 'SALESFORCE_AUTH'
            });
        });
    }

    /** Sends a request; shows the human message for a failure unless `quiet`. Resolves with the result or null. */
    run(type, args, { quiet = false, busy = false } = {}) {
        if (busy) this.busy = true;
        return this.client
            .request(type, args)
            .then((result) => {
                if (!quiet) this.errorText = '';
                return result;
            })
            .catch((error) => {
                if (!quiet) this.showError(error);
                return null;
            })
            .finally(() => {
                if (busy) this.busy = false;
                this.maybeReloadForSession();
            });
    }

    showError(error) {
        const code = error && error.code;
        this.errorText = errorMessage(code, error && error.message);
    }

    dismissError() {
        this.errorText = '';
    }

    announce(event) {
        const call = event.call;
        const party = call.otherParty || call.callerNumber || call.calledNumber || 'unknown number';
        const texts = {
            'call.ringing': isIncoming(call) ? `Incoming call from ${party}` : `Ringing ${party}`,
            'call.dialling': `Dialling ${party}`,
            'call.connected': `Connected to ${party}`,
            'call.held': `${party} is on hold`,
            'call.retrieved': `Back with ${party}`,
            'call.transferred': `Call with ${party} transferred`,
            'call.conferenced': 'Conference started',
            'call.failed': `Call to ${party} failed`,
            'call.cleared': `Call with ${party} ended`
        };
        if (texts[event.type]) this.announcement = texts[event.type];
    }

    // --- timer, utility item, message channel ---------------------------------------------------------------

    syncSurroundings() {
        this.followActiveCall();
        this.maybeReloadForSession();
        if (this.liveCalls.length > 0 || this.wrapUpAutoSaveAt) this.startTicker();
        else this.stopTicker();
        this.now = Date.now();
        this.updateUtilityItem();
        this.publishState();
    }

    /**
     * The notes panel follows the active call (a swap, a retrieve on the desk phone). Notes typed for the call it
     * showed and not yet sent go to that call now, before the panel shows the other call's notes.
     */
    followActiveCall() {
        const active = this.activeCallId;
        const previous = this.notesPanelCallId;
        this.notesPanelCallId = active;
        if (previous && previous !== active) this.flushNotes(previous);
    }

    startTicker() {
        if (this.ticker) return;
        // eslint-disable-next-line @lwc/lwc/no-async-operation
        this.ticker = setInterval(() => {
            this.now = Date.now();
            this.updateUtilityItem();
        }, TICK_MS);
    }

    stopTicker() {
        if (this.ticker) clearInterval(this.ticker);
        this.ticker = null;
    }

    get itemState() {
        if (!this.snapshot || this.gatewayStatus !== 'open')
            return { label: 'Phone: offline', icon: ITEM_ICONS.offline };
        const call = this.activeCall;
        if (call) {
            const timer = call.answeredAt ? ` ${formatDuration(this.now - call.answeredAt)}` : '';
            const label =
                call.state === 'ringing' && isIncoming(call)
                    ? 'Incoming call'
                    : CALL_STATE_LABELS[call.state];
            return { label: `${label}${timer}`, icon: ITEM_ICONS[call.state] || ITEM_ICONS.idle };
        }
        if (this.wrapUpCall) return { label: 'Wrap-up', icon: ITEM_ICONS.wrapUp };
        const agent = this.snapshot.agent;
        if (agent.state === 'loggedOut') return { label: 'Phone: logged out', icon: ITEM_ICONS.offline };
        return { label: `Phone: ${AGENT_STATE_LABELS[agent.state]}`, icon: ITEM_ICONS.idle };
    }

    updateUtilityItem() {
        const { label, icon } = this.itemState;
        if (label !== this.lastItemLabel) {
            this.lastItemLabel = label;
            this.callBridge('setSoftphoneItemLabel', { label });
        }
        if (icon !== this.lastItemIcon) {
            this.lastItemIcon = icon;
            this.callBridge('setSoftphoneItemIcon', { key: icon });
        }
    }

    publishState() {
        const message = callStateMessage(
            this.snapshot ? this.snapshot.agent.state : 'loggedOut',
            this.activeCall || this.wrapUpCall,
            this.liveCalls.length
        );
        const key = JSON.stringify(message);
        if (key === this.lastPublished) return;
        this.lastPublished = key;
        publishCallState(message);
    }

    // --- view model -----------------------------------------------------------------------------------------

    get connected() {
        return this.gatewayStatus === 'open' && Boolean(this.snapshot);
    }
    get showPairing() {
        return this.gatewayStatus === 'pairing' && Boolean(this.pairing);
    }
    get showConnecting() {
        return !this.connected && !this.showPairing;
    }
    get connectingText() {
        if (this.gatewayStatus === 'failed') return 'The softphone cannot use this gateway.';
        if (this.gatewayStatus === 'reconnecting')
            return 'Looking for the Switchboard gateway on this computer…';
        return 'Connecting to the Switchboard gateway…';
    }
    get links() {
        return this.snapshot ? this.snapshot.links : undefined;
    }
    get agent() {
        return this.snapshot ? this.snapshot.agent : undefined;
    }
    get settings() {
        return this.snapshot
            ? this.snapshot.settings
            : { servers: [], dispositions: [], notReadyReasons: [] };
    }
    get loggedIn() {
        return this.connected && this.snapshot.agent.state !== 'loggedOut';
    }
    get showLogin() {
        return this.connected && this.snapshot.agent.state === 'loggedOut';
    }
    get loginUsername() {
        return (this.agent && this.agent.username) || this.lastLogin.username || '';
    }
    get loginDevice() {
        return (this.agent && this.agent.device) || this.lastLogin.device || '';
    }
    /**
     * The agent for the status list, which needs the agent ID of an ACD login: the gateway's view names it (from the
     * login, or from the phone system's agent events), so a login without one in another tab shows here too.
     */
    get stateAgent() {
        return this.agent;
    }
    get loginAgentId() {
        return (this.agent && this.agent.agentId) || this.lastLogin.agentId || '';
    }
    get selectedServerId() {
        return this.loginServerId || this.settings.activeServerId;
    }
    get liveCalls() {
        return this.snapshot ? this.snapshot.calls.filter(isLive) : [];
    }
    get hasLiveCalls() {
        return this.liveCalls.length > 0;
    }
    /** The call the controls act on: the one not on hold, else the first. */
    get activeCall() {
        const live = this.liveCalls;
        return live.find((c) => c.state !== 'held') || live[0] || null;
    }
    get activeCallId() {
        return this.activeCall ? this.activeCall.id : undefined;
    }
    get wrapUpCall() {
        return this.snapshot ? this.snapshot.calls.find((c) => !isLive(c)) || null : null;
    }
    get showWrapUp() {
        return this.loggedIn && Boolean(this.wrapUpCall);
    }
    get wrapUpDraft() {
        return (this.wrapUpCall && this.wrapUpDrafts[this.wrapUpCall.id]) || null;
    }
    /** When the gateway saves the call in wrap-up by itself: its own word (wrapUpDueAt), else our reckoning. */
    get wrapUpAutoSaveAt() {
        const call = this.wrapUpCall;
        if (!call) return null;
        if (Number.isInteger(call.wrapUpDueAt)) return call.wrapUpDueAt;
        return this.autoSaveTimes.get(call.id) || null;
    }
    get showDialPad() {
        return this.loggedIn && !this.hasLiveCalls;
    }
    get activeNotes() {
        return this.notesFor(this.activeCall);
    }
    get wrapUpNotes() {
        return this.notesFor(this.wrapUpCall);
    }
    get recentCalls() {
        return this.snapshot ? this.snapshot.recent : [];
    }
    get dialDisabled() {
        return this.busy || this.dialling || this.snapshot.links.cti !== 'up';
    }

    notesFor(call) {
        if (!call) return '';
        return this.hasDraft(call.id) ? this.notesDrafts[call.id] : call.notes;
    }

    hasDraft(callId) {
        return Object.prototype.hasOwnProperty.call(this.notesDrafts, callId);
    }

    dropDraft(callId) {
        if (!this.hasDraft(callId)) return;
        const next = { ...this.notesDrafts };
        delete next[callId];
        this.notesDrafts = next;
    }

    dropWrapUpDraft(callId) {
        if (!this.wrapUpDrafts[callId]) return;
        const next = { ...this.wrapUpDrafts };
        delete next[callId];
        this.wrapUpDrafts = next;
    }

    /** Notes `value` of `field` of `callId` as one this tab stands behind (ownValues). */
    own(callId, field, value) {
        let fields = this.ownValues.get(callId);
        if (!fields) {
            fields = {};
            this.ownValues.set(callId, fields);
        }
        if (!fields[field]) fields[field] = new Set();
        fields[field].add(value || '');
    }

    /** Whether the saved `value` of `field` is one this tab stands behind (or the tab never edited it). */
    isOwn(callId, field, value) {
        const fields = this.ownValues.get(callId);
        return !fields || !fields[field] || fields[field].has(value || '');
    }

    /** The draft of `callId` without the picks in `done` that it still holds with the same value. */
    forgetPicks(callId, done) {
        const draft = this.wrapUpDrafts[callId];
        if (!draft) return;
        const left = { ...draft };
        for (const key of Object.keys(done)) {
            if (left[key] === done[key]) delete left[key];
        }
        if (Object.keys(left).length === Object.keys(draft).length) return;
        if (Object.keys(left).length === 0) this.dropWrapUpDraft(callId);
        else this.wrapUpDrafts = { ...this.wrapUpDrafts, [callId]: left };
    }

    /** The gateway's view holds a pick as the agent made it (another tab's, or a confirmation lost in a drop). */
    dropConfirmedPicks(call) {
        const draft = this.wrapUpDrafts[call.id];
        if (!draft) return;
        const held = {};
        for (const key of PICK_KEYS) {
            if (draft[key] && draft[key] === call[key]) held[key] = draft[key];
        }
        this.forgetPicks(call.id, held);
    }

    // --- UI handlers ----------------------------------------------------------------------------------------

    handleLogin(event) {
        const { username, password, device, agentId, serverId } = event.detail;
        this.loginMessage = '';
        this.rememberLogin({ username, device, agentId });
        const args = { username, password, device, serverId };
        // Only with an agent ID does the gateway log the agent on to the ACD (SetAgentState loggedOn).
        if (agentId) args.agentId = agentId;
        this.run('login', args, { busy: true }).then((result) => {
            if (result) this.rememberLogin({ ...this.lastLogin, loggedIn: true });
        });
    }

    rememberLogin(value) {
        this.lastLogin = value;
        writeLastLogin(value);
    }

    handleLogout() {
        this.rememberLogin({ ...this.lastLogin, loggedIn: false });
        this.run('logout', {});
    }

    handleSwitchServer() {
        const servers = this.settings.servers;
        const current = this.settings.activeServerId;
        const next = servers.find((s) => s.id !== current) || servers[0];
        this.rememberLogin({ ...this.lastLogin, loggedIn: false });
        this.run('logout', {}).then(() => {
            this.loginServerId = next ? next.id : undefined;
            this.loginMessage = next
                ? `Enter your password again to connect to ${next.name}.`
                : 'Enter your password again to connect.';
        });
    }

    handleAgentState(event) {
        this.run('setAgentState', event.detail);
    }

    handleDial(event) {
        if (this.dialling) return;
        this.pendingRelate = null;
        this.makeCall(event.detail.number);
    }

    /** makeCall, one at a time: resolves with the result, or null when refused. */
    makeCall(to) {
        this.dialling = true;
        return this.run('makeCall', { to }).then((result) => {
            this.dialling = false;
            return result;
        });
    }

    handleCallAction(event) {
        const { action, callId, to, digits } = event.detail;
        const args = { callId };
        if (to) args.to = to;
        if (digits) args.digits = digits;
        if (['transfer', 'conference', 'cancelConsult', 'swap'].includes(action)) {
            this.run(action, {});
        } else {
            this.run(action, args);
        }
    }

    handleNotesChange(event) {
        const { callId, text } = event.detail;
        if (!callId) return;
        if (!this.hasDraft(callId)) {
            const call = this.snapshot && this.snapshot.calls.find((c) => c.id === callId);
            if (call) this.own(callId, 'notes', call.notes);
        }
        this.notesDrafts = { ...this.notesDrafts, [callId]: text };
        clearTimeout(this.notesTimers.get(callId));
        // eslint-disable-next-line @lwc/lwc/no-async-operation
        const timer = setTimeout(() => {
            this.notesTimers.delete(callId);
            this.sendNotes(callId);
        }, NOTES_DEBOUNCE_MS);
        this.notesTimers.set(callId, timer);
    }

    /**
     * Sends the draft of `callId`. The draft stays until the gateway's view of the call holds the same text
     * (afterCallChange): one that failed (the socket dropped before or while it went) goes again after the next
     * snapshot (resendNotes).
     */
    sendNotes(callId) {
        if (!this.hasDraft(callId)) return;
        const text = this.notesDrafts[callId];
        this.own(callId, 'notes', text);
        this.notesSending.set(callId, text);
        this.run('setNotes', { callId, text }).then(() => {
            if (this.notesSending.get(callId) === text) this.notesSending.delete(callId);
            this.maybeReloadForSession();
        });
    }

    /**
     * After a snapshot: the notes and wrap-up picks the gateway does not hold go again. A call that left the
     * list meanwhile and is in `recent` was saved (by the gateway by itself, or by another tab) while this tab
     * could not tell it what the agent typed or picked: that goes in one more wrapUp, as after call.wrappedUp
     * (afterWrappedUp). Drafts of calls that are in neither list are dropped.
     */
    resendNotes() {
        const { calls } = this.snapshot;
        const recent = this.snapshot.recent || [];
        const drafted = new Set([...Object.keys(this.wrapUpDrafts), ...Object.keys(this.notesDrafts)]);
        for (const callId of drafted) {
            if (calls.some((c) => c.id === callId)) continue;
            const saved = recent.find((c) => c.id === callId);
            if (saved) {
                this.afterWrappedUp(saved);
            } else {
                this.dropWrapUpDraft(callId);
                this.dropDraft(callId);
                this.ownValues.delete(callId);
            }
        }
        for (const callId of Object.keys(this.wrapUpDrafts)) {
            if (!this.picksSending.has(callId)) this.sendPicks(callId);
        }
        for (const callId of Object.keys(this.notesDrafts)) {
            if (!this.notesTimers.has(callId) && !this.notesSending.has(callId)) this.sendNotes(callId);
        }
    }

    /** Sends the notes of `callId` now if they wait for the debounce. */
    flushNotes(callId) {
        if (!this.notesTimers.has(callId)) return;
        clearTimeout(this.notesTimers.get(callId));
        this.notesTimers.delete(callId);
        this.sendNotes(callId);
    }

    /**
     * The agent changed a pick in the wrap-up panel ({ callId, disposition, whoId, whatId, changed }: `changed`
     * names the pick changed). It goes to the gateway at once (setWrapUp), so the automatic save and a reload
     * have it; until the gateway confirms it, it stays in the draft the panel shows.
     */
    handleWrapUpChange(event) {
        const detail = event.detail || {};
        const call = this.snapshot && this.snapshot.calls.find((c) => c.id === detail.callId);
        if (!call || isLive(call)) return;
        const draft = this.wrapUpDrafts[call.id] || {};
        const keys = PICK_KEYS.includes(detail.changed) ? [detail.changed] : PICK_KEYS;
        const changed = {};
        for (const key of keys) {
            const value = detail[key];
            if (typeof value !== 'string') continue;
            const shown = draft[key] !== undefined ? draft[key] : call[key] || '';
            if (value === shown) continue;
            if (draft[key] === undefined) this.own(call.id, key, call[key]);
            changed[key] = value;
        }
        if (Object.keys(changed).length === 0) return;
        this.wrapUpDrafts = { ...this.wrapUpDrafts, [call.id]: { ...draft, ...changed } };
        this.sendPicks(call.id);
    }

    /**
     * Sends the picks of `callId` the gateway has not confirmed ('' takes a pick back). Confirmed, they leave the
     * draft; refused, they stay and go again after the next snapshot (resendNotes) or with the next pick. A
     * refusal is shown unless the call has left wrap-up meanwhile (afterWrappedUp saved them in its wrapUp).
     */
    sendPicks(callId) {
        const draft = this.wrapUpDrafts[callId];
        if (!draft || Object.keys(draft).length === 0) return;
        const sent = { ...draft };
        for (const key of Object.keys(sent)) this.own(callId, key, sent[key]);
        this.picksSending.set(callId, (this.picksSending.get(callId) || 0) + 1);
        this.client
            .request('setWrapUp', { callId, ...sent })
            .then(() => this.forgetPicks(callId, sent))
            .catch((error) => {
                if (this.snapshot && this.snapshot.calls.some((c) => c.id === callId)) this.showError(error);
            })
            .finally(() => {
                const left = (this.picksSending.get(callId) || 1) - 1;
                if (left > 0) this.picksSending.set(callId, left);
                else this.picksSending.delete(callId);
                this.maybeReloadForSession();
            });
    }

    handleWrapUp(event) {
        const detail = event.detail;
        clearTimeout(this.notesTimers.get(detail.callId));
        this.notesTimers.delete(detail.callId);
        this.wrapUpSent.add(detail.callId);
        this.run('wrapUp', detail, { busy: true }).then((result) => {
            // Refused: the call stays in wrap-up; an automatic save later still gets the agent's edits.
            if (result === null) this.wrapUpSent.delete(detail.callId);
        });
    }

    handleOpenTask(event) {
        this.callBridge('screenPop', { type: 'sobject', params: { recordId: event.detail.taskId } });
    }
}
