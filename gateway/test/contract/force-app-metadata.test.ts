/**
 * Offline metadata check of the Salesforce package: force-app converts to Metadata API format with
 * @salesforce/source-deploy-retrieve (ComponentSet.fromSource + MetadataConverter), the package lists every
 * expected component and nothing from tests or mocks, and the rules that conversion does not check hold: every LWC
 * bundle has its js-meta.xml, no LWC touches `sforce`, no template uses lightning-* base components, only the
 * message-channel wrapper imports lightning/*, custom call-centre names do not start with "req".
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ComponentSet, MetadataConverter } from '@salesforce/source-deploy-retrieve';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const forceApp = join(root, 'force-app');
const main = join(forceApp, 'main/default');
const lwcDir = join(main, 'lwc');

const EXPECTED = [
    'ApexPage:SwitchboardSoftphone',
    'AuraDefinitionBundle:switchboardOutApp',
    'CallCenter:Switchboard',
    'CspTrustedSite:Switchboard_Gateway_Https',
    'CspTrustedSite:Switchboard_Gateway_Wss',
    'LightningMessageChannel:Switchboard_Call_State',
    'PermissionSet:Switchboard_Agent',
    'StaticResource:ctiBridge',
    ...[
        'agentStateSelector',
        'callCard',
        'callControls',
        'callHistory',
        'callStateChannel',
        'connectionStatus',
        'ctiBridgeClient',
        'ctiProtocol',
        'dialPad',
        'gatewayClient',
        'loginForm',
        'notesPanel',
        'pairingPrompt',
        'softphone',
        'wrapUpPanel'
    ].map((name) => `LightningComponentBundle:${name}`)
];

function filesUnder(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

function bundles(): string[] {
    return readdirSync(lwcDir).filter((name) => statSync(join(lwcDir, name)).isDirectory());
}

/** `<name>` values of <sections> and of their <items> in a CallCenter file. */
function callCenterNames(xml: string): { sections: string[]; items: string[] } {
    const sections = [...xml.matchAll(/<sections>([\s\S]*?)<\/sections>/g)].map((m) => m[1] ?? '');
    const items: string[] = [];
    const sectionNames: string[] = [];
    for (const body of sections) {
        for (const item of body.matchAll(/<items>[\s\S]*?<name>([^<]+)<\/name>[\s\S]*?<\/items>/g)) {
            items.push(item[1] ?? '');
        }
        const own = /<\/items>\s*<label>[^<]*<\/label>\s*<name>([^<]+)<\/name>\s*$/.exec(body.trim());
        sectionNames.push(own?.[1] ?? '');
    }
    return { sections: sectionNames, items };
}

const STANDARD_ITEMS = [
    'reqAdapterUrl',
    'reqUseApi',
    'reqSoftphoneHeight',
    'reqSoftphoneWidth',
    'reqSalesforceCompatibilityMode',
    'reqStandbyUrl',
    'reqTimeout',
    'reqInternalName',
    'reqDisplayName'
];

describe('force-app metadata (offline)', () => {
    const outputDirectory = mkdtempSync(join(tmpdir(), 'switchboard-mdapi-'));
    after(() => {
        rmSync(outputDirectory, { recursive: true, force: true });
    });

    it('converts to Metadata API format with every expected component and no test files', async () => {
        const set = ComponentSet.fromSource(forceApp);
        const names = set
            .getSourceComponents()
            .toArray()
            .map((c) => `${c.type.name}:${c.fullName}`)
            .filter((name) => !/^Custom(Field|Object):/.test(name)) // objects/Activity belongs to call logging
            .sort();
        assert.deepEqual(names, [...EXPECTED].sort());

        const result = await new MetadataConverter().convert(set, 'metadata', {
            type: 'directory',
            outputDirectory
        });
        assert.ok(result.packagePath !== undefined && existsSync(result.packagePath));
        const packageXml = readFileSync(join(result.packagePath, 'package.xml'), 'utf8');
        for (const expected of EXPECTED) {
            const member = expected.split(':')[1] ?? '';
            assert.ok(packageXml.includes(`<members>${member}</members>`), `package.xml lacks ${expected}`);
        }
        assert.match(packageXml, /<version>66\.0<\/version>/);
        const converted = filesUnder(result.packagePath).map((p) => relative(result.packagePath ?? '', p));
        assert.ok(converted.includes(join('callCenters', 'Switchboard.callCenter')));
        assert.ok(converted.includes(join('staticresources', 'ctiBridge.resource')));
        assert.ok(converted.includes(join('lwc', 'softphone', 'softphone.js-meta.xml')));
        assert.deepEqual(
            converted.filter((p) => /__tests__|jest-mocks|\.test\.js$/.test(p)),
            [],
            'tests and mocks must stay out of the package'
        );
    });

    it('gives every LWC bundle its js and js-meta.xml, and exposes only the softphone', () => {
        for (const name of bundles()) {
            assert.ok(existsSync(join(lwcDir, name, `${name}.js`)), `${name}.js missing`);
            const meta = join(lwcDir, name, `${name}.js-meta.xml`);
            assert.ok(existsSync(meta), `${name}.js-meta.xml missing`);
            const xml = readFileSync(meta, 'utf8');
            assert.match(xml, /<apiVersion>66\.0<\/apiVersion>/, name);
            assert.equal(
                xml.includes('<isExposed>true</isExposed>'),
                name === 'softphone',
                `${name} exposure`
            );
        }
        assert.match(
            readFileSync(join(lwcDir, 'softphone/softphone.js-meta.xml'), 'utf8'),
            /lightning__UtilityBar/
        );
    });

    it('keeps sforce, lightning base components and lightning/* imports out of the LWCs', () => {
        const sources = filesUnder(lwcDir).filter((p) => !p.includes('__tests__') && /\.(js|html)$/.test(p));
        for (const path of sources) {
            const text = readFileSync(path, 'utf8');
            const name = relative(lwcDir, path);
            assert.doesNotMatch(text, /(?<![.\w])sforce\b/, `${name} references sforce`);
            if (path.endsWith('.html')) assert.doesNotMatch(text, /<lightning-/, `${name} uses lightning-*`);
            if (path.endsWith('.js')) {
                const imports = [...text.matchAll(/from\s+'(lightning\/[^']+)'/g)].map((m) => m[1]);
                const allowed =
                    name === join('callStateChannel', 'callStateChannel.js')
                        ? ['lightning/messageService']
                        : [];
                assert.deepEqual(imports, allowed, `${name} imports ${imports.join(', ')}`);
            }
        }
        const protocol = readFileSync(join(lwcDir, 'ctiProtocol/ctiProtocol.js'), 'utf8');
        assert.doesNotMatch(protocol, /^import /m, 'ctiProtocol must stay import-free');
    });

    it('keeps custom call-centre names clear of the reserved req prefix, in both definitions', () => {
        const xml = readFileSync(join(main, 'callCenters/Switchboard.callCenter-meta.xml'), 'utf8');
        const { sections, items } = callCenterNames(xml);
        assert.deepEqual(sections, ['reqGeneralInfo', 'switchboardGateway']);
        for (const item of items) {
            assert.ok(
                !item.startsWith('req') || STANDARD_ITEMS.includes(item),
                `custom item ${item} starts with req`
            );
        }
        assert.ok(items.includes('gatewayUrl'));
        assert.match(xml, /<adapterUrl>\/apex\/SwitchboardSoftphone<\/adapterUrl>/);
        assert.match(xml, /<name>reqSalesforceCompatibilityMode<\/name>\s*<value>Lightning<\/value>/);
        assert.match(xml, /<value>wss:\/\/127\.0\.0\.1:8443\/ws<\/value>/);

        const legacy = readFileSync(join(root, 'config/Switchboard-callcenter-import.xml'), 'utf8');
        const legacySections = [...legacy.matchAll(/<section sortOrder="(\d+)" name="([A-Za-z0-9]+)"/g)];
        assert.deepEqual(
            legacySections.map((m) => [Number(m[1]), m[2]]),
            [
                [0, 'reqGeneralInfo'],
                [1, 'switchboardGateway']
            ]
        );
        for (const section of legacy.split('<section ').slice(1)) {
            const legacyItems = [...section.matchAll(/<item sortOrder="(\d+)" name="([^"]+)"/g)];
            assert.deepEqual(
                legacyItems.map((m) => Number(m[1])),
                legacyItems.map((_, i) => i),
                'item sortOrder must count from 0 without gaps'
            );
            for (const m of legacyItems) {
                const name = m[2] ?? '';
                assert.match(name, /^[A-Za-z0-9]{1,40}$/);
                assert.ok(!name.startsWith('req') || STANDARD_ITEMS.includes(name), `custom item ${name}`);
            }
        }
        assert.match(legacy, /name="reqAdapterUrl"[^>]*>\/apex\/SwitchboardSoftphone</);
    });

    it('wires the Visualforce host, the Lightning Out app and the permission set together', () => {
        const page = readFileSync(join(main, 'pages/SwitchboardSoftphone.page'), 'utf8');
        assert.match(page, /src="\/support\/api\/66\.0\/lightning\/opencti_min\.js"/);
        assert.match(page, /<apex:includeLightning \/>/);
        assert.match(page, /<apex:slds \/>/);
        assert.match(page, /\{!\$Resource\.ctiBridge\}/);
        assert.match(page, /app: 'c:switchboardOutApp'/);
        assert.match(page, /component: 'c:softphone'/);
        assert.match(page, /\$Api\.Session_ID/);
        const app = readFileSync(join(main, 'aura/switchboardOutApp/switchboardOutApp.app'), 'utf8');
        assert.match(app, /extends="ltng:outApp"/);
        assert.match(app, /<aura:dependency resource="c:softphone" \/>/);
        const permissions = readFileSync(
            join(main, 'permissionsets/Switchboard_Agent.permissionset-meta.xml'),
            'utf8'
        );
        assert.match(permissions, /<apexPage>SwitchboardSoftphone<\/apexPage>/);
        for (const field of [
            'Cti_Call_Key__c',
            'Cti_Caller_Number__c',
            'Cti_Dialled_Number__c',
            'Cti_Ivr_Digits__c',
            'Cti_Queue__c',
            'Cti_Transfer_History__c'
        ]) {
            assert.match(permissions, new RegExp(`<field>Task\\.${field}</field>`), field);
        }
        for (const site of ['Switchboard_Gateway_Wss', 'Switchboard_Gateway_Https']) {
            const xml = readFileSync(join(main, `cspTrustedSites/${site}.cspTrustedSite-meta.xml`), 'utf8');
            assert.match(xml, /<isApplicableToConnectSrc>true<\/isApplicableToConnectSrc>/);
            assert.match(xml, /<endpointUrl>(wss|https):\/\/127\.0\.0\.1:8443<\/endpointUrl>/);
        }
    });
});
