import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runDemo } from '../../src/cli/demo.js';
import { main, type Io } from '../../src/cli/main.js';

function capture(): Io & { out: string; err: string } {
    const io = {
        out: '',
        err: '',
        stdout: (text: string) => {
            io.out += text;
        },
        stderr: (text: string) => {
            io.err += text;
        },
        readStdin: () => Promise.resolve(Buffer.alloc(0))
    };
    return io;
}

async function waitFor(predicate: () => boolean, what: string, io: { out: string }): Promise<void> {
    for (let i = 0; i < 6000 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(predicate(), `timed out waiting for ${what}; output so far:\n${io.out}`);
}

/** GET over HTTPS, trusting only the demo's local CA (so the certificate really comes from it). */
function get(url: string, ca: string): Promise<{ status: number; type: string; body: string }> {
    return new Promise((resolve, reject) => {
        https
            .get(url, { ca, agent: false }, (res) => {
                const chunks: Buffer[] = [];
                res.on('data', (chunk: Buffer) => chunks.push(chunk));
                res.on('end', () => {
                    resolve({
                        status: res.statusCode ?? 0,
                        type: res.headers['content-type'] ?? '',
                        body: Buffer.concat(chunks).toString('utf8')
                    });
                });
            })
            .on('error', reject);
    });
}

/** POST over HTTPS with a given content type. */
function post(url: string, ca: string, type: string, body: string): Promise<number> {
    return new Promise((resolve, reject) => {
        const req = https.request(
            url,
            { method: 'POST', ca, agent: false, headers: { 'content-type': type } },
            (res) => {
                res.resume();
                res.on('end', () => {
                    resolve(res.statusCode ?? 0);
                });
            }
        );
        req.on('error', reject);
        req.end(body);
    });
}

describe('switchboard demo (npm start)', () => {
    it('starts the simulator, stand-in, gateway and console over HTTPS, and stops cleanly', async (t) => {
        const dir = await mkdtemp(join(tmpdir(), 'switchboard-demo-cli-'));
        const previous = process.env['SWITCHBOARD_CONFIG_DIR'];
        process.env['SWITCHBOARD_CONFIG_DIR'] = dir;
        t.after(async () => {
            if (previous === undefined) delete process.env['SWITCHBOARD_CONFIG_DIR'];
            else process.env['SWITCHBOARD_CONFIG_DIR'] = previous;
            await rm(dir, { recursive: true, force: true });
        });
        const stop = new AbortController();
        const io = capture();
        const running = runDemo(
            ['--console-port', '0', '--gateway-port', '0', '--cti-port', '0', '--control-port', '0'],
            io,
            stop.signal
        );
        try {
            await waitFor(() => io.out.includes('Press Ctrl+C'), 'the demo to start', io);
            // The first start created the certificates in SWITCHBOARD_CONFIG_DIR.
            assert.ok(existsSync(join(dir, 'ca.pem')), 'the local CA is in the config directory');
            assert.ok(existsSync(join(dir, 'gateway.pem')));
            const ca = await readFile(join(dir, 'ca.pem'), 'utf8');
            const consoleUrl = /demo console\s+(https:\/\/127\.0\.0\.1:\d+)\//.exec(io.out)?.[1];
            assert.ok(consoleUrl, `the console URL is printed:\n${io.out}`);
            assert.match(io.out, /gateway\s+wss:\/\/127\.0\.0\.1:\d+\/ws/);
            assert.match(io.out, /user agent1, password "demo", device 4001, agent ID 1001/);

            const page = await get(`${consoleUrl}/`, ca);
            assert.equal(page.status, 200);
            assert.match(page.body, /id="softphone-frame"[^>]*src="\/softphone"/);
            const host = await get(`${consoleUrl}/softphone`, ca);
            assert.match(host.body, /\/static\/ctiBridge\.js/);
            const bridge = await get(`${consoleUrl}/static/ctiBridge.js`, ca);
            const original = await readFile(
                new URL('../../../force-app/main/default/staticresources/ctiBridge.js', import.meta.url),
                'utf8'
            );
            assert.equal(bridge.body, original, 'the console serves the real force-app bridge');
            const softphone = await get(`${consoleUrl}/static/softphone.js`, ca);
            assert.equal(softphone.status, 200);
            assert.match(softphone.type, /javascript/);
            assert.match(softphone.body, /\$Lightning/);
            const records = JSON.parse(
                (await get(`${consoleUrl}/api/search?q=%2B49%2030%20123456`, ca)).body
            ) as {
                records: { Name: string; type: string }[];
            };
            assert.deepEqual(records.records.map((r) => r.type).sort(), ['Contact', 'Lead']);

            // The caller panel's API takes JSON only (a cross-site form cannot drop the CTI link).
            assert.equal(await post(`${consoleUrl}/api/caller/drop`, ca, 'text/plain', 'x'), 415);
            assert.equal(
                await post(`${consoleUrl}/api/caller/drop`, ca, 'application/x-www-form-urlencoded', 'a=1'),
                415
            );
            assert.equal(await post(`${consoleUrl}/api/caller/drop`, ca, 'application/json', '{}'), 200);

            // The printed control URL drives the simulator of this run.
            const controlUrl = /--control-url (http:\/\/\S+)/.exec(io.out)?.[1];
            assert.ok(controlUrl);
            const simIo = capture();
            assert.equal(await main(['sim', 'calls', '--control-url', controlUrl], simIo), 0, simIo.err);
        } finally {
            stop.abort();
            assert.equal(await running, 0);
        }
        assert.match(io.out, /Stopped\.\n$/);
        assert.equal(io.err, '');
    });

    it('refuses a bad port', async () => {
        const io = capture();
        assert.equal(await main(['demo', '--console-port', '70000'], io), 2);
        assert.match(io.err, /--console-port must be 0-65535/);
    });
});
