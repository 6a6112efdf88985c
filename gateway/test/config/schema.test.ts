import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig, demoConfig, parseConfig, safeParseConfig } from '../../src/config/index.js';
import { buildSubject } from '../../src/crm/index.js';
import { ConfigError, ErrorCodes } from '../../src/errors.js';

function problemsOf(input: unknown): string[] {
    const result = safeParseConfig(input);
    if (result.ok) assert.fail('expected the config to be refused');
    return result.problems;
}

const server = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    name: `PBX ${id}`,
    host: 'pbx.example.test',
    port: 1040,
    ...extra
});

describe('config schema', () => {
    it('defaults to the demo simulator, client ID switchboard, no origins and pairing by code', () => {
        const config = defaultConfig();
        assert.deepEqual(config.servers, [
            {
                id: 'demo',
                name: 'Demo PBX (simulator)',
                host: '127.0.0.1',
                port: 5051,
                tls: false,
                profile: 'standard',
                canAnswer: true
            }
        ]);
        assert.deepEqual(config.clientIds, [{ id: 'switchboard', applicationId: 'switchboard' }]);
        assert.deepEqual(config.active, { serverId: 'demo', clientId: 'switchboard' });
        assert.equal(config.edge.host, '127.0.0.1');
        assert.equal(config.edge.port, 8443);
        assert.deepEqual(config.edge.allowedOrigins, []);
        assert.equal(config.edge.maxPayloadBytes, 65536);
        assert.equal(config.edge.pairing, 'code');
        assert.equal(config.callLogging.apiVersion, '66.0');
        assert.equal(config.demo, false);
        assert.ok(config.dispositions.length > 0);
        assert.ok(config.notReadyReasons.length > 0);
    });

    it('logs Task subjects that name the outcome by default: missed, no answer, unknown', () => {
        const template = defaultConfig().callLogging.subjectTemplate;
        const log = {
            key: 'k',
            direction: 'inbound' as const,
            callerNumber: '+4930123456',
            pbxCallId: 'C1',
            startedAt: 0,
            endedAt: 1,
            notes: '',
            related: [],
            transfers: []
        };
        assert.equal(buildSubject({ ...log, endReason: 'missed' }, template), 'Missed call from +4930123456');
        assert.equal(
            buildSubject({ ...log, endReason: 'unknown' }, template),
            'Inbound call from +4930123456 (outcome unknown)'
        );
        assert.equal(
            buildSubject(
                { ...log, direction: 'outbound', calledNumber: '4711', endReason: 'noAnswer' },
                template
            ),
            'Outbound call to 4711 (no answer)'
        );
    });

    it('fills nested defaults for a partial file and keeps what it says', () => {
        const config = parseConfig({
            edge: { port: 9443 },
            dialPlan: { countryCode: '1', nationalPrefix: '' }
        });
        assert.equal(config.edge.port, 9443);
        assert.equal(config.edge.host, '127.0.0.1');
        assert.deepEqual(config.edge.rateLimit, { perSecond: 20, burst: 40 });
        assert.equal(config.dialPlan.countryCode, '1');
        assert.equal(config.dialPlan.nationalPrefix, '');
        assert.equal(config.dialPlan.internationalPrefix, '00');
        assert.deepEqual(config.dialPlan.internalExtensionLength, [4]);
        assert.equal(config.callLogging.unwatchedCallHours, 12);
        assert.deepEqual(problemsOf({ callLogging: { unwatchedCallHours: 0 } }), [
            'callLogging.unwatchedCallHours: must be 1-720'
        ]);
    });

    it('is stable: a parsed config parses to itself', () => {
        const config = parseConfig({
            servers: [
                server('a', { tls: { ca: '/etc/ca.pem', servername: 'pbx' } }),
                server('b', { profile: 'avaya' })
            ],
            active: { serverId: 'b', clientId: 'switchboard' },
            edge: { allowedOrigins: ['https://Acme--C.vf.force.com:443/'] }
        });
        assert.deepEqual(parseConfig(JSON.parse(JSON.stringify(config))), config);
        assert.deepEqual(config.edge.allowedOrigins, ['https://acme--c.vf.force.com']);
    });

    it('lists every problem at once, each with its path', () => {
        const problems = problemsOf({
            servers: [server('a'), server('b', { port: 70000, profile: 'siemens', tls: 'yes', prot: 1 })],
            clientIds: [{ id: 'x' }],
            active: { serverId: 'a', clientId: 'x' },
            edge: { allowedOrigins: ['https://*.force.com'], rateLimit: { perSecond: 0 } },
            dialPlan: { countryCode: 49 },
            logLevel: 'loud',
            screenPop: { when: 'later' },
            extra: true
        });
        assert.deepEqual(problems, [
            'servers[1].port: must be 1-65535',
            'servers[1].tls: must be true, false or an object { ca, rejectUnauthorized, servername }',
            'servers[1].profile: must be one of "standard", "avaya"',
            'servers[1].prot: unknown setting',
            'clientIds[0].applicationId: is required',
            'edge.allowedOrigins[0]: wildcards are not allowed; list each origin exactly',
            'edge.rateLimit.perSecond: must be 1-10000',
            'logLevel: must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent"',
            'dialPlan.countryCode: must be a string (got 49)',
            'screenPop.when: must be one of "ringing", "answer", "manual"',
            'extra: unknown setting'
        ]);
    });

    it('checks cross-references: unique ids, the active selection, pairing off only in demo mode', () => {
        const problems = problemsOf({
            servers: [
                server('a'),
                server('a'),
                server('c', { profile: 'avaya', loginElement: 'SessionLoginInfo' })
            ],
            clientIds: [
                { id: 'k', applicationId: 'K' },
                { id: 'k', applicationId: 'K2' }
            ],
            active: { serverId: 'zz', clientId: 'nope' },
            edge: { pairing: 'off', allowedOrigins: ['https://a.example.com', 'https://A.example.com:443'] },
            notReadyReasons: [
                { code: 'b', label: 'Break' },
                { code: 'b', label: 'Again' }
            ],
            dispositions: ['Done', 'Done']
        });
        assert.deepEqual(problems, [
            'servers[1].id: duplicate id "a" (also servers[0])',
            'clientIds[1].id: duplicate id "k" (also clientIds[0])',
            'edge.allowedOrigins[1]: duplicate origin https://a.example.com (also allowedOrigins[0])',
            'dispositions[1]: duplicate disposition "Done" (also dispositions[0])',
            'notReadyReasons[1].code: duplicate code "b" (also notReadyReasons[0])',
            'active.serverId: no server with id "zz" (servers: a, c)',
            'active.clientId: no client ID with id "nope" (clientIds: k)',
            'edge.pairing: "off" is only allowed together with demo: true',
            'servers[2].loginElement: only applies to profile "standard"'
        ]);
    });

    it('reports field and cross-field problems together', () => {
        const problems = problemsOf({ servers: [server('a', { port: 0 })], active: { serverId: 'b' } });
        assert.ok(problems.includes('servers[0].port: must be 1-65535'));
        assert.ok(problems.includes('active.clientId: is required'));
        assert.ok(problems.includes('active.serverId: no server with id "b" (servers: a)'));
    });

    it('refuses an empty server list and a non-object file', () => {
        assert.deepEqual(problemsOf({ servers: [] }), ['servers: must list at least one CTI server']);
        assert.deepEqual(problemsOf([]), ['(top level): must be an object (got a list)']);
    });

    it('throws ConfigError with CONFIG_INVALID and the problem list', () => {
        assert.throws(
            () => parseConfig({ edge: { port: 'x' } }),
            (error: unknown) =>
                error instanceof ConfigError &&
                error.code === ErrorCodes.CONFIG_INVALID &&
                error.problems.length === 1 &&
                error.message.includes('edge.port: must be a number (got "x")')
        );
    });

    it('demoConfig: the simulator on its port, the demo console origin, pairing off', () => {
        const config = demoConfig({ ctiPort: 6051, origin: 'http://127.0.0.1:8080', edgePort: 8444 });
        assert.equal(config.demo, true);
        const [simulator] = config.servers;
        assert.ok(simulator);
        assert.equal(simulator.port, 6051);
        assert.equal(simulator.host, '127.0.0.1');
        assert.deepEqual(config.edge.allowedOrigins, ['http://127.0.0.1:8080']);
        assert.equal(config.edge.pairing, 'off');
        assert.equal(config.edge.port, 8444);
    });
});
