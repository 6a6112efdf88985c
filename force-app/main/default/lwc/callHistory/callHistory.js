import { LightningElement, api } from 'lwc';
import { END_REASON_LABELS, formatDuration } from 'c/ctiProtocol';

function clock(ms) {
    const at = new Date(ms);
    return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
}

/** Today's calls (newest first): number, time, outcome; "Open task" pops the call's Task; "Call back" dials. */
export default class CallHistory extends LightningElement {
    @api calls = [];

    get hasCalls() {
        return (this.calls || []).length > 0;
    }

    get items() {
        return (this.calls || []).map((call) => {
            const party = call.otherParty || call.callerNumber || call.calledNumber || 'Unknown number';
            const talk =
                call.answeredAt && call.endedAt ? formatDuration(call.endedAt - call.answeredAt) : '';
            const outcome = END_REASON_LABELS[call.endReason] || '';
            const log = call.log || {};
            return {
                id: call.id,
                party,
                number: call.otherParty || call.callerNumber || call.calledNumber || '',
                direction:
                    call.direction === 'outbound'
                        ? 'Outgoing'
                        : call.direction === 'inbound'
                          ? 'Incoming'
                          : 'Call',
                detail: [clock(call.startedAt), outcome, talk].filter(Boolean).join(' · '),
                taskId: log.taskId || '',
                logFailed: log.status === 'failed',
                callBackLabel: `Call back ${party}`,
                openLabel: `Open the task of the call with ${party}`
            };
        });
    }

    handleOpen(event) {
        this.dispatchEvent(
            new CustomEvent('opentask', { detail: { taskId: event.currentTarget.dataset.taskId } })
        );
    }

    handleCallBack(event) {
        this.dispatchEvent(
            new CustomEvent('dial', { detail: { number: event.currentTarget.dataset.number } })
        );
    }
}
