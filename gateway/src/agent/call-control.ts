/**
 * The call commands of the agent service: dial, answer, hang up, hold, consult, transfer, conference, swap, send
 * digits. Each finds the call it is for (the one named, or the obvious one), checks the call's allowed actions
 * (call-actions.ts) and fails with ACTION_NOT_ALLOWED or NO_SUCH_CALL before anything goes to the PBX; CSTA
 * refusals come back as their own coded errors. The agent service owns the state and hands in what is needed.
 */
import type { ArgsOf, CallAction } from '../protocol/index.js';
import { stateView, type CallRecord } from './call-record.js';
import { toDialString, type DialPlan } from './dial-plan.js';
import { fail } from './failure.js';
import type { Login } from './types.js';

/** What the commands read from the agent service. */
export interface CallControlHost {
    requireLogin(): Login;
    liveRecords(): CallRecord[];
    /** A call by its gateway id or PBX callID (NO_SUCH_CALL otherwise). */
    record(callId: string): CallRecord;
    actionsOf(record: CallRecord): CallAction[];
    peerOf(record: CallRecord): CallRecord | undefined;
    dialPlan(): DialPlan;
    now(): number;
    persist(): void;
}

/** The order `hangup` without a call id picks in: the call the agent is most likely talking on first. */
const HANGUP_ORDER = ['connected', 'dialling', 'ringing', 'queued', 'failed', 'held'];

export class CallControl {
    /** A MakeCall on its way: a second one (a double click) is refused until it was answered. */
    private makingCall = false;

    constructor(private readonly host: CallControlHost) {}

    async makeCall(args: ArgsOf<'makeCall'>): Promise<{ pbxCallId: string; dialled: string }> {
        const login = this.host.requireLogin();
        const dial = toDialString(args.to, this.host.dialPlan());
        const busy = this.host.liveRecords().find((r) => stateView(r) === 'connected');
        if (busy !== undefined) {
            throw fail(
                'ACTION_NOT_ALLOWED',
                'a call is connected: hold it or use consult to call someone else',
                {
                    callId: busy.id
                }
            );
        }
        // A call this phone is setting up: being dialled, or ringing at the far end.
        const dialling = this.host
            .liveRecords()
            .find(
                (r) =>
                    stateView(r) === 'dialling' || (stateView(r) === 'ringing' && r.call.origin === 'local')
            );
        if (this.makingCall || dialling !== undefined) {
            throw fail(
                'ACTION_NOT_ALLOWED',
                'a call is being dialled: wait for it, or hang it up first',
                dialling === undefined ? {} : { callId: dialling.id }
            );
        }
        this.makingCall = true;
        try {
            const response = await login.session.makeCall(login.device, dial.dial);
            return { pbxCallId: response.callingDevice.callID, dialled: dial.dial };
        } finally {
            this.makingCall = false;
        }
    }

    async answer(args: ArgsOf<'answer'>): Promise<{ callId: string }> {
        const record = this.target(
            args.callId,
            'answer',
            (r) => stateView(r) === 'ringing' && r.call.origin !== 'local'
        );
        await this.host.requireLogin().session.answerCall(record.call.connection);
        return { callId: record.id };
    }

    async hangup(args: ArgsOf<'hangup'>): Promise<{ callId: string }> {
        const record =
            args.callId === undefined
                ? [...this.host.liveRecords()].sort(
                      (a, b) => HANGUP_ORDER.indexOf(stateView(a)) - HANGUP_ORDER.indexOf(stateView(b))
                  )[0]
                : undefined;
        const target = this.target(args.callId ?? record?.id, 'hangup', () => true);
        await this.host.requireLogin().session.clearConnection(target.call.connection);
        return { callId: target.id };
    }

    async hold(args: ArgsOf<'hold'>): Promise<{ callId: string }> {
        const record = this.target(args.callId, 'hold', (r) => stateView(r) === 'connected');
        await this.host.requireLogin().session.holdCall(record.call.connection);
        return { callId: record.id };
    }

    async retrieve(args: ArgsOf<'retrieve'>): Promise<{ callId: string }> {
        const record = this.target(args.callId, 'retrieve', (r) => stateView(r) === 'held');
        await this.host.requireLogin().session.retrieveCall(record.call.connection);
        return { callId: record.id };
    }

    async consult(args: ArgsOf<'consult'>): Promise<{ callId: string; pbxCallId: string }> {
        const record = this.target(args.callId, 'consult', (r) => stateView(r) === 'connected');
        const login = this.host.requireLogin();
        const dial = toDialString(args.to, this.host.dialPlan());
        const response = await login.session.consultationCall(record.call.connection, dial.dial);
        login.table.linkConsultation(record.call.callID, response.initiatedCall.callID);
        return { callId: record.id, pbxCallId: response.initiatedCall.callID };
    }

    async blindTransfer(args: ArgsOf<'blindTransfer'>): Promise<{ callId: string }> {
        const record = this.target(args.callId, 'blindTransfer', (r) => stateView(r) === 'connected');
        const dial = toDialString(args.to, this.host.dialPlan());
        const session = this.host.requireLogin().session;
        await this.transferring([record], { kind: 'blind', to: dial.dial }, () =>
            session.singleStepTransferCall(record.call.connection, dial.dial)
        );
        return { callId: record.id };
    }

    async transfer(): Promise<{ callId: string }> {
        const { held, active } = this.pair('transfer');
        const session = this.host.requireLogin().session;
        await this.transferring([held, active], { kind: 'consult', to: partyOf(active) }, () =>
            session.transferCall(held.call.connection, active.call.connection)
        );
        return { callId: held.id };
    }

    async conference(): Promise<{ callId: string }> {
        const { held, active } = this.pair('conference');
        const session = this.host.requireLogin().session;
        await this.transferring([held, active], { kind: 'conference', to: partyOf(active) }, () =>
            session.conferenceCall(held.call.connection, active.call.connection)
        );
        return { callId: held.id };
    }

    async cancelConsult(): Promise<{ callId: string }> {
        const { held, active } = this.pair('cancelConsult');
        await this.host.requireLogin().session.reconnectCall(active.call.connection, held.call.connection);
        return { callId: held.id };
    }

    async swap(): Promise<{ callId: string }> {
        const { held, active } = this.pair('swap');
        await this.host.requireLogin().session.alternateCall(held.call.connection, active.call.connection);
        return { callId: held.id };
    }

    async sendDigits(args: ArgsOf<'sendDigits'>): Promise<{ callId: string }> {
        const record = this.target(args.callId, 'sendDigits', (r) => stateView(r) === 'connected');
        await this.host.requireLogin().session.generateDigits(record.call.connection, args.digits);
        return { callId: record.id };
    }

    /** The call a command is for: the one named, or the one `pick` finds; then its actions are checked. */
    private target(
        callId: string | undefined,
        action: CallAction,
        pick: (r: CallRecord) => boolean
    ): CallRecord {
        this.host.requireLogin();
        const record = callId === undefined ? this.host.liveRecords().find(pick) : this.host.record(callId);
        if (record === undefined) throw fail('NO_SUCH_CALL', `there is no call to ${action}`, { action });
        this.checkAction(record, action);
        return record;
    }

    private checkAction(record: CallRecord, action: CallAction): void {
        const allowed = this.host.actionsOf(record);
        if (!allowed.includes(action)) {
            throw fail(
                'ACTION_NOT_ALLOWED',
                `${action} is not possible while the call is ${stateView(record)}`,
                {
                    callId: record.id,
                    state: stateView(record),
                    allowed
                }
            );
        }
    }

    /** The held call and its connected consultation, for the commands that act on both. */
    private pair(action: CallAction): { held: CallRecord; active: CallRecord } {
        this.host.requireLogin();
        for (const record of this.host.liveRecords()) {
            const peer = this.host.peerOf(record);
            if (peer === undefined || stateView(record) !== 'held' || stateView(peer) !== 'connected')
                continue;
            this.checkAction(peer, action);
            return { held: record, active: peer };
        }
        throw fail('NO_SUCH_CALL', `${action} needs a held call and a consultation call`, { action });
    }

    /**
     * Notes a transfer or conference on the calls involved before the request goes out (the PBX's events can
     * arrive before its answer, and they should already carry it), and takes it back if the request fails.
     */
    private async transferring(
        records: CallRecord[],
        transfer: { kind: 'blind' | 'consult' | 'conference'; to?: string | undefined },
        send: () => Promise<unknown>
    ): Promise<void> {
        const entry = { at: this.host.now(), ...transfer };
        for (const record of records) record.transfers.push(entry);
        try {
            await send();
        } catch (error) {
            for (const record of records) record.transfers = record.transfers.filter((t) => t !== entry);
            throw error;
        }
        this.host.persist();
    }
}

function partyOf(record: CallRecord): string | undefined {
    return record.call.remoteNumber ?? record.call.calledNumber;
}
