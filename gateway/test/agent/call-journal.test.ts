import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { fileJournal, type JournalEntry } from '../../src/agent/index.js';

interface Line {
    msg?: string;
    level?: number;
}

/** A logger whose lines (parsed) land in `lines`. */
function recordingLogger(): { logger: pino.Logger; lines: Line[] } {
    const lines: Line[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Line) });
    return { logger, lines };
}

/** The pid of a process that has ended (a child that ran and exited). */
function endedPid(): number {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    return Number(child.stdout.toString());
}

const ENTRY = { device: '4001', phase: 'wrapUp', record: { id: 'c1' } } as unknown as JournalEntry;

describe('file journal', () => {
    it("removes the temp files of gateways that no longer run, and nobody else's", () => {
        const dir = mkdtempSync(join(tmpdir(), 'journal-'));
        const path = join(dir, 'calls.json');
        writeFileSync(path, JSON.stringify({ version: 1, entries: [ENTRY] }));
        const dead = `calls.json.${endedPid()}.tmp`;
        const alive = `calls.json.${process.ppid}.tmp`;
        const own = `calls.json.${process.pid}.tmp`;
        for (const name of [dead, alive, own, 'calls.json.x.tmp', 'other.json.1.tmp'])
            writeFileSync(join(dir, name), '{}');
        const { logger, lines } = recordingLogger();

        const entries = fileJournal(path, { logger }).load();

        assert.deepEqual(entries, [ENTRY], 'the journal itself is read as before');
        assert.deepEqual(
            readdirSync(dir).sort(),
            [alive, own, 'calls.json', 'calls.json.x.tmp', 'other.json.1.tmp'].sort()
        );
        assert.equal(lines.filter((l) => l.msg?.includes('temp file') === true).length, 1);
    });

    it('makes its directory when it is missing, also after the first write', async () => {
        const dir = join(mkdtempSync(join(tmpdir(), 'journal-')), 'gateway');
        const path = join(dir, 'calls.json');
        const { logger, lines } = recordingLogger();
        const journal = fileJournal(path, { delayMs: 1, logger });
        for (let round = 0; round < 2; round++) {
            journal.save(() => [ENTRY]);
            await journal.flush();
            assert.deepEqual(fileJournal(path).load(), [ENTRY]);
            rmSync(dir, { recursive: true });
        }
        assert.deepEqual(lines, [], 'no write failed');
    });
});
