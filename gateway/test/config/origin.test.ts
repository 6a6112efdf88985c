import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOriginAllowed, normalizeOrigin, parseOrigin } from '../../src/config/origin.js';

describe('origins', () => {
    it('normalises like a browser serialises the Origin header', () => {
        assert.equal(normalizeOrigin('https://ACME--c.vf.force.com'), 'https://acme--c.vf.force.com');
        assert.equal(normalizeOrigin('https://acme--c.vf.force.com:443/'), 'https://acme--c.vf.force.com');
        assert.equal(
            normalizeOrigin(' https://acme--c.vf.force.com:8443 '),
            'https://acme--c.vf.force.com:8443'
        );
        assert.equal(normalizeOrigin('http://127.0.0.1:8080'), 'http://127.0.0.1:8080');
        assert.equal(normalizeOrigin('http://[::1]:8080'), 'http://[::1]:8080');
        assert.equal(normalizeOrigin('https://bücher.example'), 'https://xn--bcher-kva.example');
    });

    it('refuses what is not exactly an origin', () => {
        const refused = {
            '': 'must not be empty',
            'https://*.force.com': 'wildcards are not allowed; list each origin exactly',
            'acme.force.com': '"acme.force.com" is not an origin like https://mydomain--c.vf.force.com',
            'ftp://acme.example.com': 'scheme must be https (got ftp)',
            'http://acme.example.com':
                'plain http is only allowed for loopback origins (localhost, 127.0.0.1)',
            'https://user:pw@acme.example.com': 'must not contain a user name or password',
            'https://acme.example.com/apex/page':
                'must be an origin only (scheme://host[:port]) without path, query or fragment',
            'https://acme.example.com/?q':
                'must be an origin only (scheme://host[:port]) without path, query or fragment',
            'https://acme.example.com#x':
                'must be an origin only (scheme://host[:port]) without path, query or fragment',
            null: '"null" is not an origin like https://mydomain--c.vf.force.com'
        };
        for (const [input, problem] of Object.entries(refused)) {
            assert.deepEqual(parseOrigin(input), { ok: false, problem }, input);
        }
    });

    it('matches exactly: scheme, host and port, no suffix or prefix matches', () => {
        const allowed = ['https://acme--c.vf.force.com'];
        assert.equal(isOriginAllowed('https://acme--c.vf.force.com', allowed), true);
        assert.equal(isOriginAllowed('https://ACME--c.vf.force.com:443', allowed), true);
        for (const origin of [
            undefined,
            'null',
            'http://acme--c.vf.force.com',
            'https://acme--c.vf.force.com:8443',
            'https://evil-acme--c.vf.force.com',
            'https://acme--c.vf.force.com.evil.test',
            'https://vf.force.com',
            'https://acme--c.vf.force.com/apex/x'
        ]) {
            assert.equal(isOriginAllowed(origin, allowed), false, String(origin));
        }
        assert.equal(isOriginAllowed('https://acme--c.vf.force.com', []), false);
    });
});
