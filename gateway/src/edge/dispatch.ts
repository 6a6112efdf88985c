/**
 * Requests → the agent service. One exhaustive switch: adding a request type to the protocol without handling
 * it here fails the type check.
 */
import type { AgentService } from '../agent/index.js';
import type { ClientMessage } from '../protocol/index.js';

/** Every request but hello, which the connection itself handles. */
export type CommandMessage = Exclude<ClientMessage, { type: 'hello' | 'salesforceSession' }>;

export async function dispatch(agent: AgentService, message: CommandMessage): Promise<unknown> {
    // The agent's methods take the arguments; the envelope's v, id and type ride along unread.
    const args = message;
    switch (args.type) {
        case 'snapshot':
            return agent.snapshot();
        case 'login':
            return agent.login(args);
        case 'logout':
            return agent.logout();
        case 'setAgentState':
            return agent.setAgentState(args);
        case 'makeCall':
            return agent.makeCall(args);
        case 'answer':
            return agent.answer(args);
        case 'hangup':
            return agent.hangup(args);
        case 'hold':
            return agent.hold(args);
        case 'retrieve':
            return agent.retrieve(args);
        case 'consult':
            return agent.consult(args);
        case 'transfer':
            return agent.transfer();
        case 'blindTransfer':
            return agent.blindTransfer(args);
        case 'conference':
            return agent.conference();
        case 'cancelConsult':
            return agent.cancelConsult();
        case 'swap':
            return agent.swap();
        case 'sendDigits':
            return agent.sendDigits(args);
        case 'setNotes':
            return agent.setNotes(args);
        case 'relate':
            return agent.relate(args);
        case 'setWrapUp':
            return agent.setWrapUp(args);
        case 'wrapUp':
            return agent.wrapUp(args);
    }
}
