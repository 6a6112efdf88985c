/**
 * How CSTA reports map onto what the softphone shows: ACD agent events → the agent state, the CSTA session's
 * status → the CTI link.
 */
import type { CstaEvent, CstaEventKind, SessionStatus } from '../csta/session.js';
import type { AgentState, LinksView } from '../protocol/index.js';

const AGENT_EVENT_STATE: Partial<Record<CstaEventKind, AgentState>> = {
    AgentReadyEvent: 'ready',
    AgentNotReadyEvent: 'notReady',
    // Logged on or off the ACD group but still monitoring the phone: not ready for group calls.
    AgentLoggedOnEvent: 'notReady',
    AgentLoggedOffEvent: 'notReady',
    AgentWorkingAfterCallEvent: 'workingAfterCall',
    AgentBusyEvent: 'busy'
};

/** The agent state an ACD agent event reports; undefined for every other event. */
export function agentStateOfEvent(event: CstaEvent): { state: AgentState } | undefined {
    const state = AGENT_EVENT_STATE[event.kind];
    return state === undefined ? undefined : { state };
}

const CTI_LINK: Readonly<Record<SessionStatus, LinksView['cti']>> = {
    idle: 'connecting',
    connecting: 'connecting',
    starting: 'connecting',
    ready: 'up',
    reconnecting: 'recovering',
    stopping: 'down',
    closed: 'down'
};

export function ctiLinkOf(status: SessionStatus): LinksView['cti'] {
    return CTI_LINK[status];
}
