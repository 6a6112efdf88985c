import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';

const script = fileURLToPath(new URL('../helpers/retained-texts.ts', import.meta.url));

describe('CSTA codec: decoded values and the message text', () => {
    it('a value kept after decoding does not keep the whole XML text alive', async () => {
        const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
            maxBuffer: 1024 * 1024
        });
        const result = JSON.parse(stdout) as { texts: number; kept: number };
        assert.equal(result.kept, 800, 'the values were kept');
        assert.equal(result.texts, 0, 'no XML text of the 200 messages is left in the heap');
    });
});
