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

/**
 * The agent state an ACD agent event reports, with the agent ID it names (an agent who logged on at the phone has
 * one too); undefined for every other event.
 */
export function agentStateOfEvent(event: CstaEvent): { state: AgentState; agentId?: string } | undefined {
    const state = AGENT_EVENT_STATE[event.kind];
    if (state === undefined) return undefined;
    const agentId = 'agentID' in event ? event.agentID?.trim() : undefined;
    return agentId === undefined || agentId === '' ? { state } : { state, agentId };
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
