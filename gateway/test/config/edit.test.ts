import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
    activeClientId,
    activeServer,
    addClientId,
    addOrigin,
    addServer,
    defaultConfig,
    getValue,
    removeClientId,
    removeOrigin,
    removeServer,
    setValue,
    updateServer,
    useActive
} from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';

function refused(fn: () => unknown, problem: string): void {
    assert.throws(fn, (error: unknown) => error instanceof ConfigError && error.problems.includes(problem));
}

const osv = { id: 'osv', name: 'OpenScape Voice', host: 'osv.example.test', port: 1040, tls: true };

describe('configuration edits', () => {
    it('adds, updates, selects and removes CTI servers', () => {
        let config = addServer(defaultConfig(), osv);
        assert.deepEqual(
            config.servers.map((s) => s.id),
            ['demo', 'osv']
        );
        const added = config.servers[1];
        assert.ok(added);
        assert.equal(added.profile, 'standard');
        assert.equal(added.canAnswer, true);
        refused(() => addServer(config, osv), 'servers: a server with id "osv" exists');
        refused(() => addServer(config, { ...osv, id: 'x', port: 0 }), 'servers[2].port: must be 1-65535');

        config = updateServer(config, { ...osv, canAnswer: false, profile: 'avaya' });
        assert.equal(config.servers[1]?.canAnswer, false);
        refused(() => updateServer(config, { ...osv, id: 'none' }), 'servers: no server with id "none"');

        config = useActive(config, { serverId: 'osv' });
        assert.equal(activeServer(config).id, 'osv');
        refused(
            () => removeServer(config, 'osv'),
            'servers: "osv" is the active server; choose another one first (config use --server ID)'
        );
        refused(
            () => useActive(config, { serverId: 'ghost' }),
            'active.serverId: no server with id "ghost" (servers: demo, osv)'
        );
        config = removeServer(useActive(config, { serverId: 'demo' }), 'osv');
        assert.deepEqual(
            config.servers.map((s) => s.id),
            ['demo']
        );
        refused(() => removeServer(config, 'osv'), 'servers: no server with id "osv"');
    });

    it('adds, selects and removes client IDs', () => {
        let config = addClientId(defaultConfig(), {
            id: 'crm',
            applicationId: 'SalesforceCTI',
            description: 'CRM'
        });
        refused(
            () => addClientId(config, { id: 'crm', applicationId: 'x' }),
            'clientIds: a client ID "crm" exists'
        );
        config = useActive(config, { clientId: 'crm' });
        assert.equal(activeClientId(config).applicationId, 'SalesforceCTI');
        refused(
            () => removeClientId(config, 'crm'),
            'clientIds: "crm" is the active client ID; choose another one first (config use --client ID)'
        );
        config = removeClientId(useActive(config, { clientId: 'switchboard' }), 'crm');
        assert.deepEqual(
            config.clientIds.map((c) => c.id),
            ['switchboard']
        );
    });

    it('adds origins normalised (once) and removes them by any spelling', () => {
        let config = addOrigin(defaultConfig(), 'https://ACME--c.vf.force.com:443/');
        config = addOrigin(config, 'https://acme--c.vf.force.com');
        assert.deepEqual(config.edge.allowedOrigins, ['https://acme--c.vf.force.com']);
        refused(
            () => addOrigin(config, 'https://*.vf.force.com'),
            'edge.allowedOrigins: wildcards are not allowed; list each origin exactly'
        );
        config = removeOrigin(config, 'https://Acme--c.vf.force.com');
        assert.deepEqual(config.edge.allowedOrigins, []);
        refused(
            () => removeOrigin(config, 'https://acme--c.vf.force.com'),
            'edge.allowedOrigins: https://acme--c.vf.force.com is not listed'
        );
    });

    it('sets one setting by name, typed like the current value', () => {
        let config = setValue(defaultConfig(), 'edge.port', '9443');
        assert.equal(config.edge.port, 9443);
        config = setValue(config, 'callLogging.enabled', 'false');
        assert.equal(config.callLogging.enabled, false);
        config = setValue(config, 'dialPlan.countryCode', '1');
        assert.equal(config.dialPlan.countryCode, '1');
        config = setValue(config, 'dialPlan.internalExtensionLength', '3,4');
        assert.deepEqual(config.dialPlan.internalExtensionLength, [3, 4]);
        config = setValue(config, 'dispositions', '["Done","Call back"]');
        assert.deepEqual(config.dispositions, ['Done', 'Call back']);
        config = setValue(config, 'servers.demo.tls', '{"ca":"/etc/pbx-ca.pem"}');
        assert.deepEqual(config.servers[0]?.tls, { ca: '/etc/pbx-ca.pem' });
        config = setValue(config, 'servers[0].requestTimeoutMs', '5000');
        assert.equal(config.servers[0]?.requestTimeoutMs, 5000);
        config = setValue(config, 'servers.demo.requestTimeoutMs', undefined);
        assert.equal(config.servers[0]?.requestTimeoutMs, undefined);
        config = setValue(config, 'notReadyReasons.lunch.label', 'Lunch break');
        assert.equal(getValue(config, 'notReadyReasons.lunch.label'), 'Lunch break');
        config = setValue(config, 'callLogging.instanceUrl', 'https://acme.my.salesforce.com');
        assert.equal(config.callLogging.instanceUrl, 'https://acme.my.salesforce.com');
    });

    it('types VALUE by the setting, not by how the text looks', () => {
        let config = setValue(defaultConfig(), 'dialPlan.internalExtensionLength', '3');
        assert.deepEqual(config.dialPlan.internalExtensionLength, [3], 'one item is a one-item list');
        config = setValue(config, 'dialPlan.internalExtensionLength', ' 5 , 7 ');
        assert.deepEqual(config.dialPlan.internalExtensionLength, [5, 7]);
        config = setValue(config, 'dialPlan.internalExtensionLength', '[4]');
        assert.deepEqual(config.dialPlan.internalExtensionLength, [4]);
        config = setValue(config, 'dialPlan.internalExtensionLength[0]', '6');
        assert.deepEqual(config.dialPlan.internalExtensionLength, [6]);
        config = setValue(config, 'dispositions', 'Done');
        assert.deepEqual(config.dispositions, ['Done']);
        config = setValue(config, 'dispositions', '2024');
        assert.deepEqual(config.dispositions, ['2024']);
        config = setValue(config, 'dispositions[0]', '42');
        assert.deepEqual(config.dispositions, ['42']);
        // An optional text setting that is not in the file yet: the text as it is, even when it looks like a number.
        config = setValue(config, 'clientIds.switchboard.description', '2024');
        assert.equal(config.clientIds[0]?.description, '2024');
        config = setValue(config, 'clientIds.switchboard.applicationId', '4711');
        assert.equal(config.clientIds[0]?.applicationId, '4711');
        config = setValue(config, 'callLogging.oauthClientId', '3MVG9');
        assert.equal(config.callLogging.oauthClientId, '3MVG9');
        config = setValue(config, 'servers.demo.name', 'true');
        assert.equal(config.servers[0]?.name, 'true');
        config = setValue(config, 'callLogging.subjectTemplate', '{Outcome} call {otherParty}');
        assert.equal(config.callLogging.subjectTemplate, '{Outcome} call {otherParty}');
        config = setValue(config, 'edge.allowedOrigins', 'https://acme--c.vf.force.com');
        assert.deepEqual(config.edge.allowedOrigins, ['https://acme--c.vf.force.com']);
        config = setValue(config, 'servers.demo.tls', 'true');
        assert.equal(config.servers[0]?.tls, true);
        config = setValue(config, 'version', '1');
        assert.equal(config.version, 1);
        refused(
            () => setValue(config, 'dialPlan.internalExtensionLength', '3,four'),
            'dialPlan.internalExtensionLength: must be a list of numbers such as 3,4 (got "3,four")'
        );
        refused(
            () => setValue(config, 'dialPlan.internalExtensionLength', '[3,'),
            'dialPlan.internalExtensionLength: not valid JSON ("[3,")'
        );
        refused(
            () => setValue(config, 'notReadyReasons', 'break'),
            `notReadyReasons: give this list as JSON, '[{…}, …]' (got "break")`
        );
        refused(
            () => setValue(config, 'servers.demo.tls', 'yes'),
            'servers[0].tls: must be true, false or an object { ca, rejectUnauthorized, servername }'
        );
    });

    it('refuses wrong values and unknown settings with the reason', () => {
        const config = defaultConfig();
        refused(() => setValue(config, 'edge.port', 'eighty'), 'edge.port: must be a number (got "eighty")');
        refused(() => setValue(config, 'edge.port', '0'), 'edge.port: must be 1-65535');
        refused(() => setValue(config, 'demo', 'yes'), 'demo: must be true or false (got "yes")');
        refused(() => setValue(config, 'edge.prot', '1'), 'edge.prot: unknown setting');
        refused(() => setValue(config, 'servers.ghost.port', '1'), 'servers: no element with id "ghost"');
        refused(
            () => setValue(config, 'servers[5].port', '1'),
            'servers: there is no element 5 (the list has 1)'
        );
        refused(
            () => setValue(config, 'edge.port.x', '1'),
            'edge.port: is a single value, it has no setting "x"'
        );
        refused(() => setValue(config, 'edge..port', '1'), 'edge..port: not a setting name');
        refused(() => getValue(config, 'edge.nothing'), 'edge.nothing: no such setting');
        assert.equal(config.edge.port, 8443, 'edits never change their input');
    });
});
