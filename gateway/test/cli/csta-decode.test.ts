import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { encodeFrame } from '../../src/csta/framing.js';
import { main, type Io } from '../../src/cli/main.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/switchboard.js', import.meta.url));

const delivered = `<?xml version="1.0" encoding="UTF-8"?><DeliveredEvent xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed4"><monitorCrossRefID>77</monitorCrossRefID><connection><callID>C1</callID><deviceID>4001</deviceID></connection><alertingDevice><deviceIdentifier>4001</deviceIdentifier></alertingDevice><callingDevice><deviceIdentifier>N&lt;+4930555&gt;;displayNumber=030555</deviceIdentifier></callingDevice><calledDevice><deviceIdentifier>4001</deviceIdentifier></calledDevice><userData><string>3132333435</string></userData></DeliveredEvent>`;
const makeCall = `<MakeCall xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed3"><callingDevice>4001</callingDevice><calledDirectoryNumber>+4930555</calledDirectoryNumber></MakeCall>`;
const login = `<StartApplicationSession xmlns="http://www.ecma-international.org/standards/ecma-354/appl_session"><applicationInfo><applicationID>crm</applicationID><applicationSpecificInfo><SessionLoginInfo><userName>agent1</userName><password>s3cret</password></SessionLoginInfo></applicationSpecificInfo></applicationInfo><requestedProtocolVersions><protocolVersion>http://www.ecma-international.org/standards/ecma-323/csta/ed3</protocolVersion></requestedProtocolVersions></StartApplicationSession>`;

function capture(stdin: Buffer = Buffer.alloc(0)): Io & { out: string; err: string } {
    const io = {
        out: '',
        err: '',
        stdout: (text: string) => {
            io.out += text;
        },
        stderr: (text: string) => {
            io.err += text;
        },
        readStdin: () => Promise.resolve(stdin)
    };
    return io;
}

const lines = (text: string) =>
    text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('switchboard csta decode', () => {
    it('prints one JSON line per frame with kind, invokeID and decoded fields', async () => {
        const io = capture(Buffer.concat([encodeFrame(12, makeCall), encodeFrame(9999, delivered)]));
        assert.equal(await main(['csta', 'decode'], io), 0);
        const [first, second] = lines(io.out);
        assert.equal(first?.['kind'], 'MakeCall');
        assert.equal(first['invokeId'], 12);
        assert.equal(first['offset'], 0);
        assert.equal(second?.['kind'], 'DeliveredEvent');
        assert.equal(second['invokeId'], 9999);
        const message = second['message'] as { userData: string; callingDevice: { number: string } };
        assert.equal(message.userData, '12345');
        assert.equal(message.callingDevice.number, '+4930555');
    });

    it('reads hex text with --hex', async () => {
        const hex = encodeFrame(9999, delivered).toString('hex').replace(/(..)/g, '$1 ');
        const io = capture(Buffer.from(hex));
        assert.equal(await main(['csta', 'decode', '--hex'], io), 0);
        assert.equal(lines(io.out)[0]?.['kind'], 'DeliveredEvent');
    });

    it('decodes one bare XML document', async () => {
        const io = capture(Buffer.from(`\n  ${makeCall}`));
        assert.equal(await main(['csta', 'decode'], io), 0);
        const [line] = lines(io.out);
        assert.equal(line?.['kind'], 'MakeCall');
        assert.equal(line['invokeId'], undefined);
    });

    it('reports a broken frame with a coded error and its offset, then continues with the next frame', async () => {
        const good = encodeFrame(1, makeCall);
        const broken = encodeFrame(2, '<MakeCall><callingDevice>4001</callingDevice>'); // not well-formed
        const garbage = Buffer.from('xx', 'ascii');
        const io = capture(Buffer.concat([good, broken, garbage, good]));
        assert.equal(await main(['csta', 'decode'], io), 1);
        const out = lines(io.out);
        assert.deepEqual(
            out.map((line) => line['kind'] ?? (line['error'] as { code: string }).code),
            ['MakeCall', 'CSTA_DECODE', 'CSTA_FRAMING', 'MakeCall']
        );
        assert.equal(out[1]?.['offset'], good.length);
        assert.equal(out[2]?.['offset'], good.length + broken.length);
        assert.match((out[2]['error'] as { message: string }).message, /frame marker/);
    });

    it('says where the stream ends inside a frame', async () => {
        const frame = encodeFrame(1, makeCall);
        const io = capture(Buffer.concat([frame, frame.subarray(0, 20)]));
        assert.equal(await main(['csta', 'decode'], io), 1);
        const last = lines(io.out).at(-1);
        assert.equal((last?.['error'] as { code: string }).code, 'CSTA_FRAMING');
        assert.equal(last?.['offset'], frame.length);
    });

    it('masks passwords unless --show-secrets', async () => {
        const masked = capture(encodeFrame(1, login));
        await main(['csta', 'decode'], masked);
        assert.doesNotMatch(masked.out, /s3cret/);
        assert.match(masked.out, /\[redacted\]/);
        const shown = capture(encodeFrame(1, login));
        await main(['csta', 'decode', '--show-secrets'], shown);
        assert.match(shown.out, /s3cret/);
    });

    it('rejects bad hex and unknown options as usage errors (exit 2)', async () => {
        const io = capture(Buffer.from('00 0g'));
        assert.equal(await main(['csta', 'decode', '--hex'], io), 2);
        assert.match(io.err, /non-hex character/);
        assert.equal(await main(['csta', 'decode', '--bogus'], capture()), 2);
        assert.equal(await main(['nonsense'], capture()), 2);
    });

    it('runs as the switchboard executable on a file', async () => {
        const dir = await mkdtemp(join(tmpdir(), 'switchboard-decode-'));
        try {
            const file = join(dir, 'capture.bin');
            await writeFile(file, Buffer.concat([encodeFrame(3, makeCall), encodeFrame(9999, delivered)]));
            const { stdout } = await run(process.execPath, [bin, 'csta', 'decode', file]);
            assert.deepEqual(
                lines(stdout).map((line) => line['kind']),
                ['MakeCall', 'DeliveredEvent']
            );
        } finally {
            await rm(dir, { recursive: true, force: true });
        }
    });
});
