/**
 * Fault soak: many simulated calls through the real gateway (a child process running startGateway, call
 * logging into the Salesforce stand-in over HTTP, a real SQLite outbox and call journal) while faults hit
 * every part: CTI link drops, far-end hang-ups in every state, Salesforce 503s, lost acknowledgements and
 * expired sessions, the agent logging out and in again mid-call, a PBX that loses every event of a call's end
 * (found by the gateway's call audit), and `kill -9` of the gateway with a restart on the same config directory.
 * Afterwards:
 * exactly one Task per call (read from the stand-in's Task store by CallObject = the PBX callID, and
 * Cti_Call_Key__c unique), no call left in a non-final state at the PBX or the gateway, and every fault seen
 * by the agent's tab. Default 60 calls (part of npm test); SOAK_CALLS=10000 for the long run
 * (`npm run bench:soak`, fewer faults per call and ten kills). It prints its counts.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { UNSEEN_END_NOTE } from '../../src/crm/index.js';
import { startSalesforceStandin, type SalesforceStandin } from '../../src/sfstandin/index.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { SeededRandom } from '../../src/simulator/random.js';
import { Client } from '../edge/harness.js';
/** The page origin the soak gateway allows (fixtures/soak-gateway.ts). */
const SOAK_ORIGIN = 'https://soak.example.test';

const CALLS = Number(process.env['SOAK_CALLS'] ?? '60');
const SEED = Number(process.env['SOAK_SEED'] ?? '7');
const CHILD = fileURLToPath(new URL('./fixtures/soak-gateway.ts', import.meta.url));
const DEVICE = '4001';

const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
        setTimeout(resolve, ms);
    });

async function until(check: () => boolean | Promise<boolean>, what: string, limitMs = 30_000): Promise<void> {
    const started = Date.now();
    while (!(await check())) {
        if (Date.now() - started > limitMs) throw new Error(`gave up waiting: ${what}`);
        await sleep(20);
    }
}

type Fault = 'ctiDrop' | 'sf503' | 'sfLostAck' | 'sfExpired' | 'logout' | 'lostEnd' | 'kill';
const FAULTS: Fault[] = ['ctiDrop', 'sf503', 'sfLostAck', 'sfExpired', 'logout', 'lostEnd', 'kill'];
/** The faults drawn at random after a step (kills come at fixed points). */
const RANDOM_FAULTS = ['ctiDrop', 'sf503', 'sfLostAck', 'sfExpired', 'logout', 'lostEnd'] as const;
const LOGIN = { username: 'agent1', password: 'demo', device: DEVICE, agentId: '1001' };
/**
 * Inbound: the caller hangs up while it rings (abandoned), it is not answered, or it is answered and then the
 * agent, the caller, or the caller while on hold hangs up. Outbound (the tab's makeCall): the far end answers and
 * hangs up, does not answer, is busy, or the agent gives up while it rings. Consultation (the tab's consult to a
 * colleague's extension during an answered inbound call): the colleague hangs up and the agent takes the caller
 * back, the held caller hangs up, the agent transfers, or the agent conferences and everyone leaves.
 */
const SCENARIOS = [
    'agentHangsUp',
    'abandonedRinging',
    'farEndHangsUp',
    'noAnswer',
    'farEndHangsUpOnHold',
    'outboundFarEndHangsUp',
    'outboundNoAnswer',
    'outboundBusy',
    'outboundAgentCancels',
    'consultPartyHangsUp',
    'callerHangsUpInConsult',
    'consultTransfer',
    'consultConference'
] as const;
type Scenario = (typeof SCENARIOS)[number];
/** The colleague the consultation scenarios call (an extension of the simulator nobody's gateway watches). */
const COLLEAGUE = '4002';
/**
 * The Task's CallDisposition each scenario should give (the consultation's own leg second), unless a CTI outage or
 * a kill -9 or a logout fell in the middle of the call: what the PBX did meanwhile cannot always be known
 * (docs/reliability.md).
 */
const DISPOSITION: Readonly<Record<Scenario, readonly [call: string, consultation?: string]>> = {
    agentHangsUp: ['Connected'],
    abandonedRinging: ['Abandoned'],
    farEndHangsUp: ['Connected'],
    noAnswer: ['Missed'],
    farEndHangsUpOnHold: ['Connected'],
    outboundFarEndHangsUp: ['Connected'],
    outboundNoAnswer: ['No answer'],
    outboundBusy: ['Busy'],
    outboundAgentCancels: ['Cancelled'],
    consultPartyHangsUp: ['Connected', 'Connected'],
    callerHangsUpInConsult: ['Connected', 'Connected'],
    consultTransfer: ['Transferred', 'Transferred'],
    consultConference: ['Connected', 'Conferenced']
};

class Soak {
    child: ChildProcess | undefined;
    tab: Client | undefined;
    readonly counts = {
        calls: 0,
        scenarios: Object.fromEntries(SCENARIOS.map((s) => [s, 0])) as Record<Scenario, number>,
        faults: Object.fromEntries(FAULTS.map((f) => [f, 0])) as Record<Fault, number>,
        seen: {
            ctiNotUp: 0,
            salesforceDown: 0,
            sessionNeeded: 0,
            loggedOut: 0,
            tabDisconnected: 0,
            /** Calls the tab was told ended out of the gateway's sight. */
            endUnseen: 0
        },
        stepsRefused: 0,
        /** Calls the scenario could not start (the tab's makeCall refused while the CTI link was down). */
        notPlaced: 0
    };
    private starting: Promise<void> | undefined;
    /** The CTI link as the tab last heard it. */
    cti = 'up';

    constructor(
        readonly sim: Simulator,
        readonly sf: SalesforceStandin,
        readonly dir: string
    ) {}

    async start(): Promise<void> {
        const child = spawn(
            process.execPath,
            ['--import', 'tsx', CHILD, String(this.sim.port), this.dir, this.sf.url, this.sf.issueSession()],
            { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] }
        );
        this.child = child;
        const ready = await new Promise<{ wsUrl: string }>((resolve, reject) => {
            let text = '';
            child.stdout?.on('data', (chunk: Buffer) => {
                text += chunk.toString('utf8');
                const line = text.split('\n')[0];
                if (text.includes('\n') && line !== undefined) resolve(JSON.parse(line) as { wsUrl: string });
            });
            child.once('exit', (code) => {
                reject(new Error(`soak gateway exited with ${String(code)} before it was ready`));
            });
        });
        const ca = readFileSync(join(this.dir, 'ca.pem'), 'utf8');
        const tab = await Client.open(ready.wsUrl, SOAK_ORIGIN, ca);
        this.tab = tab;
        this.watch(tab);
        const hello = await tab.hello();
        assert.equal(hello.type, 'result');
        await tab.ok('login', LOGIN);
    }

    /** The agent's view of the faults: what the tab is told. */
    private watch(tab: Client): void {
        this.cti = 'up';
        let salesforce = 'ok';
        tab.socket.on('message', (data: Buffer) => {
            const frame = JSON.parse(data.toString('utf8')) as {
                type: string;
                event?: {
                    type: string;
                    links?: { cti: string; salesforce: string };
                    agent?: { state: string };
                    call?: { endUnseen?: boolean };
                };
            };
            if (frame.type !== 'event' || frame.event === undefined) return;
            const { event } = frame;
            if (event.type === 'link.state' && event.links !== undefined) {
                if (this.cti === 'up' && event.links.cti !== 'up') this.counts.seen.ctiNotUp += 1;
                if (salesforce === 'ok' && event.links.salesforce === 'down')
                    this.counts.seen.salesforceDown += 1;
                this.cti = event.links.cti;
                salesforce = event.links.salesforce;
            }
            if (event.type === 'agent.state' && event.agent?.state === 'loggedOut')
                this.counts.seen.loggedOut += 1;
            if (event.type === 'call.cleared' && event.call?.endUnseen === true)
                this.counts.seen.endUnseen += 1;
            if (event.type === 'salesforce.sessionNeeded') {
                this.counts.seen.sessionNeeded += 1;
                // The softphone's answer: a fresh session from the page.
                this.child?.send({ type: 'session', sessionId: this.sf.issueSession() });
            }
        });
        tab.socket.on('close', () => {
            this.counts.seen.tabDisconnected += 1;
        });
    }

    /** A request of the agent's tab, once the gateway is up: its result, or undefined (counted) when refused. */
    async command<T>(type: string, args: Record<string, unknown> = {}): Promise<T | undefined> {
        await this.up();
        const answer = await this.tab?.request(type, args);
        if (answer?.type === 'result') return answer.result as T;
        this.counts.stepsRefused += 1;
        return undefined;
    }

    async ask<T>(type: string): Promise<T> {
        const child = this.child;
        if (child === undefined) throw new Error('no gateway');
        const answer = new Promise<T>((resolve) => {
            const onMessage = (message: { type: string }): void => {
                if (message.type !== type) return;
                child.off('message', onMessage);
                resolve(message as T);
            };
            child.on('message', onMessage);
        });
        child.send({ type });
        return answer;
    }

    /**
     * The agent logs out, and in again at the same phone a moment later; the call goes on at the PBX meanwhile
     * (the tab's next request waits for the login, as after a kill).
     */
    async logout(pauseMs: number): Promise<void> {
        await this.up();
        const tab = this.tab;
        if (tab === undefined) return;
        const answer = await tab.request('logout');
        if (answer.type !== 'result') {
            this.counts.stepsRefused += 1;
            return;
        }
        this.begin(
            sleep(pauseMs).then(async () => {
                await tab.ok('login', LOGIN);
            })
        );
    }

    /** A restart or login in progress: the next step waits for it (up()), and its failure fails the soak there. */
    private begin(starting: Promise<void>): void {
        starting.catch(() => undefined); // handled where up() awaits it
        this.starting = starting;
    }

    async kill(): Promise<void> {
        await this.up();
        const child = this.child;
        if (child === undefined) return;
        // The call journal is written at most every 200 ms: a kill lands on a call that has lasted that long.
        await sleep(300);
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
        this.tab?.close();
        this.child = undefined;
        this.begin(this.start());
    }

    /** Waits for a restart or a login in progress (a failed one fails the soak, once). */
    async up(): Promise<void> {
        const starting = this.starting;
        if (starting === undefined) return;
        try {
            await starting;
        } finally {
            if (this.starting === starting) this.starting = undefined;
        }
    }

    async stop(): Promise<void> {
        // The gateway goes whatever a restart or login in progress came to.
        await this.up().catch(() => undefined);
        this.tab?.close();
        const child = this.child;
        if (child?.exitCode === null) {
            const exited = once(child, 'exit');
            child.kill('SIGTERM');
            await exited;
        }
    }
}

describe('fault soak', () => {
    it(`${CALLS} calls with random faults: zero lost and zero duplicated Tasks, nothing stuck, every fault seen`, async (t) => {
        const random = new SeededRandom(SEED);
        const sf = await startSalesforceStandin();
        const sim = await startSimulator({
            port: 0,
            controlPort: null,
            externalAnswerDelayMs: null,
            afterCallState: 'ready',
            sessionDurationMax: 3600
        });
        const dir = mkdtempSync(join(tmpdir(), 'sb-soak-'));
        const soak = new Soak(sim, sf, dir);
        t.after(async () => {
            await soak.stop();
            await sim.close();
            await sf.close();
            rmSync(dir, { recursive: true, force: true });
        });
        await soak.start();
        const callIds: string[] = [];
        // Kills at fixed points so that even the short default run has them; other faults at random.
        const kills = process.env['SOAK_KILLS'] === undefined ? 2 : Number(process.env['SOAK_KILLS']);
        const killAt = new Set(
            Array.from({ length: kills }, (_, k) => Math.floor(((k + 1) * CALLS) / (kills + 1)))
        );
        /** Chance in percent of a fault after each step of a call. */
        const faultPct = Number(process.env['SOAK_FAULT_PCT'] ?? '12');

        /** Per PBX callID: the disposition due and the call (index) it belongs to. */
        const due = new Map<string, { disposition: string; call: number }>();
        const expect = (callID: string, i: number, scenario: Scenario, leg: 0 | 1): void => {
            const disposition = DISPOSITION[scenario][leg];
            if (disposition !== undefined) due.set(callID, { disposition, call: i });
        };
        /** Calls a CTI outage, a logout, a lost end or a kill fell in the middle of. */
        const touched = new Set<number>();
        /** The PBX callIDs of the call in progress (with its consultation). */
        let current: string[] = [];
        /** Calls whose end events the PBX lost. */
        const lostEnd = new Set<number>();
        const fault = async (i: number, step: number): Promise<void> => {
            const roll = random.int(100);
            if (killAt.has(i) && step === 1) {
                touched.add(i);
                soak.counts.faults.kill += 1;
                await soak.kill();
                return;
            }
            if (roll >= faultPct) return;
            const kind = RANDOM_FAULTS[random.int(RANDOM_FAULTS.length)] ?? 'ctiDrop';
            const only = process.env['SOAK_FAULTS'];
            if (only !== undefined && !only.split(',').includes(kind)) return;
            soak.counts.faults[kind] += 1;
            if (process.env['SOAK_DEBUG'] !== undefined)
                process.stderr.write(`fault ${kind} at call ${i} step ${step}\n`);
            if (kind === 'ctiDrop') {
                // After a logout, the login again first: a drop during it would meet no link to drop.
                await soak.up();
                touched.add(i);
                // Calls that start and end inside an outage are invisible to CSTA (nothing reports them
                // afterwards): the next call waits until the agent's tab shows the link up again, as an agent
                // would. Calls in progress during the drop are the point of the fault.
                const seen = soak.counts.seen.ctiNotUp;
                sim.dropLinks();
                await until(() => soak.counts.seen.ctiNotUp > seen && soak.cti === 'up', 'CTI link back up');
            } else if (kind === 'sf503') sf.faults.failNext(1 + random.int(4), 'unavailable');
            else if (kind === 'sfLostAck') sf.faults.failNext(1, 'dropAfterApply');
            else if (kind === 'sfExpired') sf.expireSessions();
            else if (kind === 'lostEnd') {
                // The PBX sends nothing of how the call (and its consultation) ends: the call audit finds it gone.
                touched.add(i);
                lostEnd.add(i);
                for (const callID of current) {
                    sim.loseEvents('connectionCleared', Number.POSITIVE_INFINITY, callID);
                    sim.loseEvents('callCleared', Number.POSITIVE_INFINITY, callID);
                }
            } else {
                // Nobody watches the call until the login: its end may be unseen, as in an outage.
                touched.add(i);
                await soak.logout(5 + random.int(40));
            }
        };

        const caller = (i: number): string => `+49301${String(100000 + (i % 800000)).padStart(6, '0')}`;
        // National numbers, which the dial plan dials as they are: the busy scenario makes this very number busy.
        const farEnd = (i: number): string => `0402${String(100000 + (i % 800000)).padStart(6, '0')}`;
        const step = (what: () => unknown): void => {
            try {
                what();
            } catch {
                // The call already ended (the far end hung up first): count it, the call is still a call.
                soak.counts.stepsRefused += 1;
            }
        };
        const pause = (ms: number): Promise<void> => sleep(5 + random.int(ms));
        /** Whoever is still on a call of this scenario hangs up at last, as people do: nothing waits forever. */
        const leave = (parties: string[]): void => {
            for (const call of sim.calls()) {
                for (const { device } of call.connections) {
                    if (parties.includes(device)) step(() => sim.hangup(device, call.callID));
                }
            }
        };

        /** An answered inbound call the agent consults a colleague on; returns when the scenario is over. */
        const consultation = async (i: number, scenario: Scenario, from: string, callID: string) => {
            const consult = await soak.command<{ pbxCallId: string }>('consult', { to: COLLEAGUE });
            if (consult === undefined) return;
            const consultID = consult.pbxCallId;
            callIds.push(consultID);
            current.push(consultID);
            expect(consultID, i, scenario, 1);
            await pause(20);
            step(() => sim.answer(COLLEAGUE, consultID));
            await pause(20);
            await fault(i, 3);
            if (scenario === 'consultPartyHangsUp') {
                step(() => sim.hangup(COLLEAGUE, consultID));
                await pause(10);
                await soak.command('retrieve');
                await pause(10);
                step(() => sim.hangup(from, callID));
            } else if (scenario === 'callerHangsUpInConsult') {
                step(() => sim.hangup(from, callID));
                await pause(10);
                await soak.command('hangup');
            } else if (scenario === 'consultTransfer') {
                await soak.command('transfer');
                await pause(20);
                step(() => sim.hangup(from));
            } else {
                await soak.command('conference');
                await pause(20);
                step(() => sim.hangup(COLLEAGUE));
                await pause(10);
                await soak.command('hangup');
            }
        };

        /** The agent dials out from the tab; the far end answers, does not, is busy, or is given up on. */
        const outbound = async (i: number, scenario: Scenario): Promise<void> => {
            const to = farEnd(i);
            if (scenario === 'outboundBusy') sim.setBusy(to, true);
            const made = await soak.command<{ pbxCallId: string; dialled: string }>('makeCall', { to });
            if (made === undefined) {
                soak.counts.notPlaced += 1;
                sim.setBusy(to, false);
                return;
            }
            const { pbxCallId: callID, dialled } = made;
            assert.equal(dialled, to, 'the far end dialled is the one the scenario controls');
            callIds.push(callID);
            current = [callID];
            expect(callID, i, scenario, 0);
            soak.counts.calls += 1;
            await pause(20);
            await fault(i, 1);
            if (scenario === 'outboundFarEndHangsUp') {
                step(() => sim.answer(dialled, callID));
                await pause(20);
                await fault(i, 2);
                step(() => sim.hangup(dialled, callID));
            } else if (scenario === 'outboundNoAnswer') {
                step(() => sim.noAnswer(dialled, callID));
                await pause(10);
                await soak.command('hangup');
            } else if (scenario === 'outboundBusy') {
                sim.setBusy(to, false);
                await soak.command('hangup');
            } else {
                await soak.command('hangup');
            }
            await pause(10);
            leave([DEVICE, dialled]);
        };

        /**
         * After a call whose end the PBX did not report, the next one waits until the gateway's call audit has found
         * it gone, as an agent whose softphone still showed the call would wait (it blocks dialling meanwhile).
         */
        const foundGone = async (i: number): Promise<void> => {
            if (!lostEnd.has(i)) return;
            await until(async () => {
                const calls = (await soak.command<{ snapshot: { calls: { state: string }[] } }>('snapshot'))
                    ?.snapshot.calls;
                return calls?.every((call) => call.state === 'ended') === true;
            }, 'the call audit found the calls whose end was lost');
            sim.keepEvents();
        };

        const only = process.env['SOAK_SCENARIOS']?.split(',');
        const scenarios = SCENARIOS.filter((scenario) => only === undefined || only.includes(scenario));
        for (let i = 0; i < CALLS; i++) {
            await soak.up();
            let scenario: Scenario = scenarios[random.int(scenarios.length)] ?? 'agentHangsUp';
            if (process.env['SOAK_NOHOLD'] !== undefined && scenario === 'farEndHangsUpOnHold')
                scenario = 'farEndHangsUp';
            soak.counts.scenarios[scenario] += 1;
            if (process.env['SOAK_DEBUG'] !== undefined) process.stderr.write(`call ${i} ${scenario}\n`);
            current = [];
            if (scenario.startsWith('outbound')) {
                await outbound(i, scenario);
                await fault(i, 3);
                await foundGone(i);
                continue;
            }
            const from = caller(i);
            const { callID } = sim.placeInboundCall({ from, to: DEVICE });
            callIds.push(callID);
            current = [callID];
            expect(callID, i, scenario, 0);
            soak.counts.calls += 1;
            await pause(20);
            await fault(i, 1);
            if (scenario === 'abandonedRinging') step(() => sim.hangup(from, callID));
            else if (scenario === 'noAnswer') step(() => sim.noAnswer(DEVICE, callID));
            else {
                step(() => sim.answer(DEVICE, callID));
                await pause(20);
                await fault(i, 2);
                if (scenario === 'farEndHangsUpOnHold') {
                    await soak.command('hold');
                    await pause(10);
                }
                if (scenario.startsWith('consult') || scenario === 'callerHangsUpInConsult')
                    await consultation(i, scenario, from, callID);
                else if (scenario === 'agentHangsUp') step(() => sim.hangup(DEVICE, callID));
                else step(() => sim.hangup(from, callID));
            }
            await pause(10);
            leave([DEVICE, from, COLLEAGUE]);
            await fault(i, 4);
            await foundGone(i);
        }
        await soak.up();

        // Every call wrapped up (the last ones are still in their 1 s wrap-up), then every Task sent
        // (skipping backoff) with Salesforce healthy again.
        sf.faults.clear();
        const liveOrWrapUp = async (): Promise<{ state: string; callId: string }[]> => {
            const result = (await soak.tab?.ok('snapshot')) as
                { snapshot: { calls: { state: string; callId: string }[] } } | undefined;
            return result?.snapshot.calls ?? [];
        };
        await until(async () => (await liveOrWrapUp()).length === 0, 'every call wrapped up');
        await until(
            async () => {
                await soak.ask('retry');
                const { counts } = await soak.ask<{ counts: Record<string, number> }>('outbox');
                return (counts['pending'] ?? 0) === 0 && (counts['failed'] ?? 0) === 0;
            },
            'the outbox drained',
            120_000
        );

        const tasks = sf.tasks();
        const perCall = new Map<string, number>();
        for (const task of tasks) {
            const callObject = String(task['CallObject']);
            perCall.set(callObject, (perCall.get(callObject) ?? 0) + 1);
        }
        const lost = callIds.filter((id) => !perCall.has(id));
        const duplicated = callIds.filter((id) => (perCall.get(id) ?? 0) > 1);
        const keys = new Set(tasks.map((task) => String(task['Cti_Call_Key__c'])));
        // Live or in wrap-up long after the last call ended: stuck.
        const stuckAtGateway = await liveOrWrapUp();
        const stuckAtPbx = sim.calls();

        // How the calls ended, as the Tasks say (Connected, Transferred, Missed, Busy, No answer…), and which of the
        // calls no outage or kill touched ended otherwise than their scenario, or say their end was not seen.
        const dispositions: Record<string, number> = {};
        const wrongOutcome: string[] = [];
        const afterFault: Record<string, number> = {};
        for (const task of tasks) {
            const disposition = String(task['CallDisposition']);
            dispositions[disposition] = (dispositions[disposition] ?? 0) + 1;
            const expected = due.get(String(task['CallObject']));
            if (expected === undefined) continue;
            const unseen = String(task['Description']).includes(UNSEEN_END_NOTE);
            if (unseen && !touched.has(expected.call))
                wrongOutcome.push(`call ${expected.call}: end not seen`);
            if (expected.disposition === disposition) continue;
            const change = `${expected.disposition} → ${disposition}`;
            if (touched.has(expected.call)) afterFault[change] = (afterFault[change] ?? 0) + 1;
            else wrongOutcome.push(`call ${expected.call}: ${disposition}, not ${expected.disposition}`);
        }
        const report = {
            ...soak.counts,
            pbxCalls: callIds.length,
            lostEvents: sim.lostEvents,
            dispositions,
            otherOutcomeAfterFault: afterFault,
            tasks: tasks.length,
            lost: lost.length,
            duplicated: duplicated.length,
            stuckAtGateway: stuckAtGateway.length,
            stuckAtPbx: stuckAtPbx.length
        };
        t.diagnostic(`soak: ${JSON.stringify(report)}`);
        if (process.env['SOAK_DEBUG'] !== undefined)
            process.stderr.write(
                `lost: ${lost.map((id) => callIds.indexOf(id)).join(',')}\n${JSON.stringify(await soak.ask('outbox'))}\n`
            );
        if (process.env['SOAK_REPORT'] !== undefined)
            process.stdout.write(`SOAK ${JSON.stringify(report)}\n`);

        assert.deepEqual(lost, [], 'lost Tasks');
        assert.deepEqual(duplicated, [], 'duplicated Tasks');
        assert.equal(tasks.length, callIds.length, 'one Task per PBX call, consultations included');
        assert.equal(keys.size, tasks.length, 'one Cti_Call_Key__c per Task');
        assert.deepEqual(wrongOutcome, [], 'every call no fault touched ends as its scenario does, seen');
        assert.deepEqual(stuckAtGateway, []);
        assert.deepEqual(stuckAtPbx, []);
        // Every fault reached the agent: CTI drops as a CTI link that is not up, Salesforce trouble as a
        // degraded link or a request for a fresh session, a kill as a dropped connection.
        if (soak.counts.faults.ctiDrop > 0) assert.ok(soak.counts.seen.ctiNotUp > 0);
        if (soak.counts.faults.sfExpired > 0) assert.ok(soak.counts.seen.sessionNeeded > 0);
        assert.ok(soak.counts.seen.tabDisconnected >= soak.counts.faults.kill);
        assert.ok(soak.counts.seen.loggedOut >= soak.counts.faults.logout);
        // A lost end as a call that ended unseen (the call audit found it gone).
        if (sim.lostEvents > 0) assert.ok(soak.counts.seen.endUnseen > 0);
    });
});
