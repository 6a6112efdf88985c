import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ErrorCodes } from '../../src/errors.js';
import { ERROR_DOCS, renderProtocolDoc } from '../../src/protocol/doc.js';
import { REQUEST_EXAMPLES, SERVER_EXAMPLES } from '../../src/protocol/examples.js';
import {
    REQUEST_TYPES,
    clientMessageSchema,
    requestSchemas,
    serverMessageSchema
} from '../../src/protocol/index.js';

describe('protocol', () => {
    it('docs/protocol.md is what the schemas generate (run `npm run docs:protocol` after a change)', () => {
        const file = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
        assert.equal(file, renderProtocolDoc());
    });

    it('every request has a documented example that its schema accepts', () => {
        assert.deepEqual(Object.keys(REQUEST_EXAMPLES).sort(), [...REQUEST_TYPES].sort());
        for (const type of REQUEST_TYPES) {
            const example = REQUEST_EXAMPLES[type];
            requestSchemas[type].parse(example);
            assert.equal(clientMessageSchema.parse(example).type, type);
        }
    });

    it('every server example is a valid frame', () => {
        for (const { frame } of SERVER_EXAMPLES) serverMessageSchema.parse(frame);
    });

    it('every error code is documented', () => {
        assert.deepEqual(Object.keys(ERROR_DOCS).sort(), Object.values(ErrorCodes).sort());
    });

    it('refuses what is not a request: unknown type, extra fields, wrong version, bad values', () => {
        const bad = [
            { v: 1, id: 'a', type: 'dance' },
            { v: 1, id: 'a', type: 'hold', extra: true },
            { v: 2, id: 'a', type: 'hold' },
            { v: 1, id: '', type: 'hold' },
            { v: 1, id: 'a', type: 'makeCall', to: 'DROP TABLE' },
            { v: 1, id: 'a', type: 'sendDigits', digits: '12x' },
            { v: 1, id: 'a', type: 'relate', recordId: 'short', objectType: 'Contact' },
            {
                v: 1,
                id: 'a',
                type: 'hello',
                client: { name: 'x', version: '1' },
                salesforce: { instanceUrl: 'http://acme.my.salesforce.com', sessionId: 'x'.repeat(20) }
            }
        ];
        for (const message of bad)
            assert.equal(clientMessageSchema.safeParse(message).success, false, JSON.stringify(message));
    });
});
