import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { backoffDelay } from '../../src/csta/backoff.js';
import { CSTA_NAMESPACES } from '../../src/csta/codec/messages.js';
import { encodeMessage } from '../../src/csta/codec/index.js';
import { cstaNamespaceOf, maskXml, withoutPrivateSuffix } from '../../src/csta/vendor-profile.js';
import {
    avayaProfile,
    AVAYA_NAMESPACE,
    createVendorProfile,
    standardProfile,
    VENDOR_PROFILE_NAMES
} from '../../src/csta/vendor-profiles.js';

const credentials = { userName: 'agent1', password: 's3cret' };
const ELTEX = 'http://www.eltex.org/csta';

describe('vendor profiles', () => {
    it('registers standard and avaya', () => {
        assert.deepEqual(VENDOR_PROFILE_NAMES, ['standard', 'avaya']);
        assert.equal(createVendorProfile('standard').name, 'standard');
        assert.equal(createVendorProfile('avaya', { sessionCleanupDelaySec: 5 }).name, 'avaya');
    });

    it('standard: SessionLoginInfo with userName/password by default', () => {
        const info = standardProfile().applicationSpecificInfo({ credentials, previousSessionId: undefined });
        assert.deepEqual(info, [
            {
                name: 'SessionLoginInfo',
                children: [
                    { name: 'userName', text: 'agent1' },
                    { name: 'password', text: 's3cret' }
                ]
            }
        ]);
    });

    it('standard: configurable element, namespace and child names (Eltex style)', () => {
        const profile = standardProfile({
            login: { element: 'LoginInfo', namespace: ELTEX, userName: 'user', password: 'pass' }
        });
        const info = profile.applicationSpecificInfo({ credentials, previousSessionId: undefined });
        assert.deepEqual(info, [
            {
                name: 'LoginInfo',
                namespace: ELTEX,
                children: [
                    { name: 'user', namespace: ELTEX, text: 'agent1' },
                    { name: 'pass', namespace: ELTEX, text: 's3cret' }
                ]
            }
        ]);
        const xml = encodeMessage({
            kind: 'StartApplicationSession',
            applicationInfo: { applicationID: 'x', applicationSpecificInfo: info },
            requestedProtocolVersions: [...profile.protocolVersions]
        });
        assert.ok(xml.includes(ELTEX));
    });

    it('standard: no credentials at all when login is false or none are given', () => {
        assert.equal(
            standardProfile({ login: false }).applicationSpecificInfo({
                credentials,
                previousSessionId: undefined
            }),
            undefined
        );
        assert.equal(
            standardProfile().applicationSpecificInfo({ credentials: undefined, previousSessionId: 'S1' }),
            undefined
        );
        assert.equal(standardProfile().reattach, false);
    });

    it('standard: namespace from the granted version, edition base, fallback to the first requested', () => {
        const profile = standardProfile();
        assert.equal(profile.cstaNamespace(CSTA_NAMESPACES.ed4), CSTA_NAMESPACES.ed4);
        assert.equal(profile.cstaNamespace('ed5'), CSTA_NAMESPACES.ed5);
        assert.equal(profile.cstaNamespace(`${CSTA_NAMESPACES.ed3}/priv6`), CSTA_NAMESPACES.ed3);
        assert.equal(profile.cstaNamespace('something-else'), CSTA_NAMESPACES.ed6);
        assert.equal(profile.cstaNamespace(undefined), CSTA_NAMESPACES.ed6);
        assert.equal(
            standardProfile({ protocolVersions: [CSTA_NAMESPACES.ed3] }).cstaNamespace(undefined),
            CSTA_NAMESPACES.ed3
        );
        assert.equal(profile.cstaNamespace(CSTA_NAMESPACES.ed2), CSTA_NAMESPACES.ed2);
    });

    it('avaya: acx:SessionLoginInfo with cleanup delay, and the old sessionID to re-attach', () => {
        const profile = avayaProfile({ sessionCleanupDelaySec: 15 });
        assert.equal(profile.reattach, true);
        const first = profile.applicationSpecificInfo({ credentials, previousSessionId: undefined });
        assert.deepEqual(first, [
            {
                name: 'SessionLoginInfo',
                namespace: AVAYA_NAMESPACE,
                children: [
                    { name: 'userName', namespace: AVAYA_NAMESPACE, text: 'agent1' },
                    { name: 'password', namespace: AVAYA_NAMESPACE, text: 's3cret' },
                    { name: 'sessionCleanupDelay', namespace: AVAYA_NAMESPACE, text: '15' }
                ]
            }
        ]);
        const again = profile.applicationSpecificInfo({ credentials, previousSessionId: 'ABC-0' });
        assert.deepEqual(again?.[0]?.children?.at(-1), {
            name: 'sessionID',
            namespace: AVAYA_NAMESPACE,
            text: 'ABC-0'
        });
    });

    it('avaya: uses the private protocol version as given', () => {
        const profile = avayaProfile();
        const priv = `${CSTA_NAMESPACES.ed3}/priv4`;
        assert.equal(profile.cstaNamespace(priv), priv);
        assert.equal(profile.cstaNamespace(undefined), `${CSTA_NAMESPACES.ed3}/priv6`);
        assert.deepEqual(profile.protocolVersions.slice(0, 1), [`${CSTA_NAMESPACES.ed3}/priv6`]);
    });

    it('reads protocol versions as namespaces', () => {
        assert.equal(cstaNamespaceOf('ED4'), CSTA_NAMESPACES.ed4);
        assert.equal(cstaNamespaceOf('ed9'), undefined);
        assert.equal(cstaNamespaceOf('http://example.com/csta/ed4'), undefined);
        assert.equal(withoutPrivateSuffix(`${CSTA_NAMESPACES.ed3}/priv6`), CSTA_NAMESPACES.ed3);
    });

    it('masks every text of a login element', () => {
        const info = avayaProfile().applicationSpecificInfo({ credentials, previousSessionId: 'S-1' }) ?? [];
        const masked = JSON.stringify(maskXml(info));
        assert.ok(!masked.includes('s3cret'));
        assert.ok(!masked.includes('S-1'));
        assert.ok(masked.includes('***'));
    });
});

describe('reconnect backoff', () => {
    it('grows exponentially up to the cap, with equal jitter', () => {
        const options = { baseDelayMs: 100, maxDelayMs: 1_000 };
        assert.deepEqual(
            [0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, { ...options, random: () => 0 })),
            [50, 100, 200, 400, 500, 500]
        );
        assert.deepEqual(
            [0, 1, 2, 3, 4, 5].map((attempt) =>
                backoffDelay(attempt, { ...options, random: () => 0.999999 })
            ),
            [100, 200, 400, 800, 1_000, 1_000]
        );
    });

    it('always lies within [ceiling/2, ceiling]', () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 0, max: 60 }),
                fc.integer({ min: 1, max: 10_000 }),
                fc.integer({ min: 1, max: 600_000 }),
                fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
                (attempt, base, max, r) => {
                    const ceiling = Math.min(max, base * 2 ** attempt);
                    const delay = backoffDelay(attempt, {
                        baseDelayMs: base,
                        maxDelayMs: max,
                        random: () => r
                    });
                    return delay >= Math.floor(ceiling / 2) && delay <= Math.ceil(ceiling);
                }
            )
        );
    });
});
