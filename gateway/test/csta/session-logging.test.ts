import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { REDACT_PATHS } from '../../src/log.js';
import { avayaProfile } from '../../src/csta/vendor-profiles.js';
import { harness } from '../helpers/session-harness.js';

function memoryLogger(): { logger: pino.Logger; lines: () => string[] } {
    const chunks: string[] = [];
    const stream = new Writable({
        write(chunk: Buffer, _encoding, callback) {
            chunks.push(chunk.toString('utf8'));
            callback();
        }
    });
    const logger = pino({ level: 'trace', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stream);
    return { logger, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

describe('CstaSession logging', () => {
    it('logs raw XML at trace level with the password and the sessionID masked', async (t) => {
        const { logger, lines } = memoryLogger();
        const { server, session, reached } = await harness(t, {
            logger,
            profile: avayaProfile(),
            credentials: { userName: 'agent1', password: 'pw-Z9x-unique' }
        });
        await session.start();
        await session.monitorStart('4001');
        server.dropAll();
        await reached('ready', 2);
        await session.stop();
        const output = lines();
        const text = output.join('\n');
        assert.ok(!text.includes('pw-Z9x-unique'), 'the password never appears');
        assert.ok(!/SESSION-\d+/.test(text), 'the sessionID never appears');
        const sent = output.map((line) => JSON.parse(line) as { msg: string; kind?: string; xml?: string });
        const logins = sent.filter(
            (entry) => entry.msg === 'csta send' && entry.kind === 'StartApplicationSession'
        );
        assert.equal(logins.length, 2);
        assert.ok(logins.every((entry) => entry.xml?.includes('***')));
        assert.ok(
            sent.some((entry) => entry.msg === 'csta receive' && entry.kind === 'MonitorStartResponse')
        );
        assert.ok(sent.some((entry) => entry.msg === 'csta session ready -> reconnecting'));
    });

    it('logs no XML above trace level', async (t) => {
        const { logger, lines } = memoryLogger();
        logger.level = 'debug';
        const { session } = await harness(t, { logger });
        await session.start();
        await session.stop();
        assert.ok(lines().length > 0);
        assert.ok(lines().every((line) => !line.includes('<?xml')));
    });
});
