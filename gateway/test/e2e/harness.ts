/**
 * The browser end-to-end harness: Debian's Chromium driven by playwright-core (no downloaded browsers), one
 * browser per test file, and one fresh demo stack per test (simulator, stand-in, gateway, console) on ephemeral
 * loopback ports with its own config directory. Chromium is started so that it never reaches for the network.
 *
 * When /usr/bin/chromium is missing the suite is skipped with a message, except under CI=true, where a
 * failing test says what to install (.ci/run installs it).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import type { CstaMessage } from '../../src/csta/codec/index.js';
import { CA_FILE, CA_KEY_FILE, CERT_FILE, KEY_FILE, ensureCertificates } from '../../src/edge/certs.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../src/demo/chromium.js';
import { DEMO_AGENT, startDemo, type Demo } from '../../src/demo/stack.js';

export { CHROMIUM_ARGS, CHROMIUM_PATH };

/** How long a wait for a state may take before the test fails (a hang, not a speed check). */
export const WAIT_MS = 20_000;

export const chromiumMissing = !existsSync(CHROMIUM_PATH);

/**
 * A describe() for browser tests: skipped (with the reason) when Chromium is missing, or one failing test
 * under CI=true.
 */
export function browserSuite(name: string, body: () => void): void {
    if (!chromiumMissing) {
        describe(name, body);
        return;
    }
    const reason = `${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install -y chromium)`;
    if (process.env['CI'] === 'true') {
        describe(name, () => {
            it('needs Chromium', () => {
                assert.fail(`browser end-to-end tests cannot run under CI: ${reason}`);
            });
        });
    } else {
        describe(name, { skip: `browser end-to-end tests skipped: ${reason}` }, body);
    }
}

let shared: Promise<Browser> | undefined;
let certDir: Promise<string> | undefined;

// At the root of the file: these run once, after every test of the file.
after(async () => {
    const b = await shared;
    await b?.close();
    const dir = await certDir;
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** The file's one browser (closed when the file's tests are done). */
export function browser(): Promise<Browser> {
    shared ??= chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    return shared;
}

/** One set of local certificates per test file, copied into each stack's config directory. */
function sharedCerts(): Promise<string> {
    certDir ??= (async () => {
        const dir = await mkdtemp(join(tmpdir(), 'switchboard-e2e-certs-'));
        await ensureCertificates(dir);
        return dir;
    })();
    return certDir;
}

export interface Stack {
    demo: Demo;
    dir: string;
    /** Every CSTA message the simulator received (kind names), in order. */
    received: () => string[];
    /** The simulator's calls (control view). */
    calls: () => ReturnType<Demo['simulator']['calls']>;
}

export async function startStack(t: TestContext, options: { wrapUpSeconds?: number } = {}): Promise<Stack> {
    const certs = await sharedCerts();
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-e2e-'));
    for (const file of [CA_FILE, CA_KEY_FILE, CERT_FILE, KEY_FILE])
        await copyFile(join(certs, file), join(dir, file));
    const demo = await startDemo({
        dir,
        ports: { cti: 0, control: 0, console: 0, gateway: 0, standin: 0 },
        wrapUpSeconds: options.wrapUpSeconds ?? 600
    });
    const traffic: CstaMessage[] = [];
    demo.simulator.on('traffic', (record) => {
        if (record.direction === 'in') traffic.push(record.message);
    });
    t.after(async () => {
        await demo.close();
        await rm(dir, { recursive: true, force: true });
    });
    return {
        demo,
        dir,
        received: () => traffic.map((m) => m.kind),
        calls: () => demo.simulator.calls()
    };
}

export interface Console {
    page: Page;
    /** The softphone inside the utility panel's iframe. */
    phone: FrameLocator;
}

/** Opens the demo console (by default at the stack's own origin) in a fresh browser context. */
export async function openConsole(
    t: TestContext,
    stack: Stack,
    url = `${stack.demo.consoleUrl}/`
): Promise<Console> {
    const context = await (
        await browser()
    ).newContext({
        ignoreHTTPSErrors: true,
        viewport: { width: 1280, height: 800 }
    });
    context.setDefaultTimeout(WAIT_MS);
    t.after(() => context.close());
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    t.after(() => {
        assert.deepEqual(errors, [], 'no uncaught errors in the console or the softphone');
    });
    await page.goto(url);
    return { page, phone: page.frameLocator('#softphone-frame') };
}

/** Polls a condition outside the browser (the stand-in, the simulator) until it holds. */
export async function until<T>(what: string, probe: () => T | undefined | false): Promise<T> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
        const value = probe();
        if (value !== undefined && value !== false) return value;
        if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
    }
}

export async function login(
    c: Console,
    agent: { username: string; device: string } = DEMO_AGENT
): Promise<void> {
    const { phone } = c;
    await phone.locator('[data-status="gateway"]', { hasText: 'Connected' }).waitFor();
    await phone.locator('[data-field="username"]').fill(agent.username);
    await phone.locator('[data-field="password"]').fill(DEMO_AGENT.password);
    await phone.locator('[data-field="device"]').fill(agent.device);
    await phone.locator('form button[type="submit"]').click();
    await phone.locator('[data-id="logout"]').waitFor();
    await phone.locator('[data-status="cti"]', { hasText: 'Connected' }).waitFor();
}

/** Waits until the softphone's call card shows `state` (e.g. 'Connected'), with the panel open or minimised. */
export async function callState(c: Console, state: string | RegExp): Promise<void> {
    await c.phone
        .locator('article [data-id="state"]', { hasText: state })
        .first()
        .waitFor({ state: 'attached' });
}

/** The phone panel: opened from the utility bar if minimised. */
export async function openPhonePanel(c: Console): Promise<void> {
    if ((await c.page.locator('#phone-panel').getAttribute('hidden')) !== null) {
        await c.page.locator('#phone-item').click();
    }
    await c.page.locator('#phone-panel:not([hidden])').waitFor();
}

/** Open CTI calls the softphone made (recorded by the console). */
export async function openCtiCalls(c: Console, method: string): Promise<Record<string, unknown>[]> {
    return c.page.evaluate(
        (m) =>
            (
                globalThis as unknown as {
                    switchboardDemo: { openCtiLog: { method: string; args: Record<string, unknown> }[] };
                }
            ).switchboardDemo.openCtiLog
                .filter((entry) => entry.method === m)
                .map((entry) => entry.args),
        method
    );
}

/** The device the simulator placed a call to for `number` (outbound calls to external parties). */
export function farEnd(stack: Stack, not: string = DEMO_AGENT.device): string | undefined {
    for (const call of stack.calls()) {
        const other = call.connections.find((c) => c.device !== not && c.kind !== 'extension');
        if (other !== undefined) return other.device;
    }
    return undefined;
}

/** GET over HTTPS from this process, trusting the stack's local CA only. */
export async function httpsGet(stack: Stack, url: string): Promise<string> {
    const ca = await readFile(stack.demo.caPath, 'utf8');
    return new Promise((resolve, reject) => {
        https
            .get(url, { ca, agent: false }, (res) => {
                const chunks: Buffer[] = [];
                res.on('data', (chunk: Buffer) => chunks.push(chunk));
                res.on('end', () => {
                    resolve(Buffer.concat(chunks).toString('utf8'));
                });
            })
            .on('error', reject);
    });
}

/** A logged-in softphone on a connected inbound call from `caller` (Jane Doe by default). */
export async function onCall(t: TestContext, caller = '+14155550101'): Promise<{ stack: Stack; c: Console }> {
    const stack = await startStack(t);
    const c = await openConsole(t, stack);
    await openPhonePanel(c);
    await login(c);
    stack.demo.simulator.placeInboundCall({ from: caller, to: '4001' });
    await callState(c, 'Incoming call');
    await c.phone.locator('[data-action="answer"]').click();
    await callState(c, 'Connected');
    return { stack, c };
}
