/**
 * `npm run screenshots`: the softphone's main states, taken from a real demo stack in Debian's Chromium, saved
 * to docs/images/*.png for docs/agent-guide.md and the README. Each run starts a fresh stack on ephemeral ports
 * in a temporary config directory.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type FrameLocator, type Page } from 'playwright-core';
import { demoSeed } from '../sfstandin/index.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';
import { REPO_ROOT } from './lwc-build.js';
import { DEMO_AGENT, startDemo } from './stack.js';

const OUT = join(REPO_ROOT, 'docs', 'images');

async function panel(page: Page, name: string): Promise<void> {
    await page.waitForTimeout(300); // let the last render and the font settle before the picture
    await page.locator('#phone-panel').screenshot({ path: join(OUT, `${name}.png`) });
    process.stdout.write(`docs/images/${name}.png\n`);
}

/** Scrolls the softphone so that `selector` is at the top (or bottom) of the panel. */
async function scrollTo(
    phone: FrameLocator,
    selector: string,
    text: string | undefined,
    block: 'start' | 'end'
): Promise<void> {
    const target =
        text === undefined
            ? phone.locator(selector).first()
            : phone.locator(selector, { hasText: text }).first();
    await target.evaluate((element, where) => {
        (element as unknown as { scrollIntoView(options: { block: string }): void }).scrollIntoView({
            block: where
        });
    }, block);
}

async function state(phone: FrameLocator, text: string | RegExp): Promise<void> {
    await phone
        .locator('article [data-id="state"]', { hasText: text })
        .first()
        .waitFor({ state: 'attached' });
}

async function main(): Promise<void> {
    await mkdir(OUT, { recursive: true });
    const dir = await mkdtemp(join(tmpdir(), 'switchboard-screenshots-'));
    const demo = await startDemo({ dir, ports: { cti: 0, control: 0, console: 0, gateway: 0 } });
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
        const context = await browser.newContext({
            ignoreHTTPSErrors: true,
            viewport: { width: 1280, height: 800 }
        });
        context.setDefaultTimeout(20_000);
        const page = await context.newPage();
        await page.goto(`${demo.consoleUrl}/`);
        const phone = page.frameLocator('#softphone-frame');
        await page.locator('#phone-item').click();
        await phone.locator('[data-field="username"]').waitFor();
        await phone.locator('[data-field="username"]').fill(DEMO_AGENT.username);
        await phone.locator('[data-field="password"]').fill(DEMO_AGENT.password);
        await phone.locator('[data-field="device"]').fill(DEMO_AGENT.device);
        await phone.locator('[data-field="agentId"]').fill(DEMO_AGENT.agentId);
        await panel(page, 'softphone-login');

        await phone.locator('form button[type="submit"]').click();
        await phone.locator('[data-status="cti"]', { hasText: 'Connected' }).waitFor();
        await panel(page, 'softphone-ready');

        // An inbound call from Jane Doe: the panel shows the match, the console pops her record.
        demo.simulator.placeInboundCall({ from: '+14155550101', to: DEMO_AGENT.device });
        await state(phone, 'Incoming call');
        await phone.locator('[data-id="match"]').waitFor();
        await page.locator(`.record-page[data-page-record-id="${demoSeed.JANE_DOE.Id}"]`).waitFor();
        await panel(page, 'softphone-ringing');
        await page.screenshot({ path: join(OUT, 'demo-console.png') });
        process.stdout.write('docs/images/demo-console.png\n');

        await phone.locator('[data-action="answer"]').click();
        await state(phone, 'Connected');
        await phone.locator('[data-id="notes"]').fill('Printer on fire again: technician booked for Monday.');
        await page.waitForTimeout(2200); // a timer that has run a little
        await panel(page, 'softphone-on-call');

        await phone.locator('[data-id="target"]').fill('4002');
        await phone.locator('[data-action="consult"]').click();
        await state(phone, /Dialling|Ringing/);
        demo.simulator.answer('4002');
        await phone.locator('[data-action="swap"]').waitFor();
        await phone
            .locator('article [data-id="state"]', { hasText: 'On hold' })
            .waitFor({ state: 'attached' });
        await scrollTo(phone, '[data-action="swap"]', undefined, 'end');
        await panel(page, 'softphone-consult');

        await phone.locator('[data-action="cancelConsult"]').click();
        await phone.locator('[data-action="swap"]').waitFor({ state: 'detached' });
        await state(phone, 'Connected');
        await phone.locator('[data-action="hangup"]').click();
        await phone.locator('h2', { hasText: 'Wrap-up' }).waitFor();
        await phone.locator('[data-field="disposition"]').selectOption('Resolved');
        await scrollTo(phone, 'h2', 'Wrap-up', 'start');
        await panel(page, 'softphone-wrap-up');

        await phone.locator('[data-id="save"]').click();
        await phone.locator('h2', { hasText: 'Wrap-up' }).waitFor({ state: 'detached' });
        await phone.locator('button[data-task-id]').first().waitFor();
        await scrollTo(phone, 'h2', "Today's calls", 'start');
        await panel(page, 'softphone-todays-calls');
        await page.locator('#phone-panel-minimize').click();
        await page.locator('[data-related="tasks"] [data-task-id]').first().waitFor();
        await page.screenshot({ path: join(OUT, 'demo-console-task.png') });
        process.stdout.write('docs/images/demo-console-task.png\n');
    } finally {
        await browser.close();
        await demo.close();
        await rm(dir, { recursive: true, force: true });
    }
}

await main();
