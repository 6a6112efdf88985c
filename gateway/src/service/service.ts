/**
 * `switchboard service install|uninstall|status`: registers the gateway to start at login, per platform —
 * a systemd user unit (Linux), a launchd agent (macOS), a Task Scheduler logon task (Windows) — and tells the
 * system (systemctl / launchctl / schtasks). Platform, home, paths and the command runner are injectable, so
 * tests check exactly what would be written and run.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { dirname, join, win32 } from 'node:path';
import {
    LAUNCHD_LABEL,
    SERVICE_NAME,
    launchdPlist,
    systemdUnit,
    windowsTaskXml,
    type ServiceCommand
} from './units.js';

export interface RunResult {
    code: number;
    stdout: string;
    stderr: string;
}

export type Runner = (command: string, args: string[]) => Promise<RunResult>;

export const execRunner: Runner = (command, args) =>
    new Promise((resolve) => {
        execFile(command, args, { windowsHide: true }, (error, stdout, stderr) => {
            const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
            resolve({ code, stdout, stderr: stderr || (error?.message ?? '') });
        });
    });

export interface ServiceContext {
    platform: NodeJS.Platform;
    home: string;
    env: NodeJS.ProcessEnv;
    /** The directory for the Windows task XML and the logs (the config directory). */
    dir: string;
    command: ServiceCommand;
    run: Runner;
    uid: number;
    user: string;
}

export interface ServicePlan {
    /** The file to write (or remove) and its content. */
    file: string;
    content: string | Buffer;
    install: [string, string[]][];
    uninstall: [string, string[]][];
    status: [string, string[]];
}

const WINDOWS_TASK = 'SwitchboardGateway';

export function servicePlan(context: ServiceContext): ServicePlan {
    const { platform, home, env, command } = context;
    if (platform === 'linux' || platform === 'freebsd' || platform === 'openbsd') {
        const unitDir = join(env['XDG_CONFIG_HOME'] ?? join(home, '.config'), 'systemd', 'user');
        const unit = `${SERVICE_NAME}.service`;
        return {
            file: join(unitDir, unit),
            content: systemdUnit(command),
            install: [
                ['systemctl', ['--user', 'daemon-reload']],
                ['systemctl', ['--user', 'enable', '--now', unit]]
            ],
            uninstall: [
                ['systemctl', ['--user', 'disable', '--now', unit]],
                ['systemctl', ['--user', 'daemon-reload']]
            ],
            status: ['systemctl', ['--user', 'is-active', unit]]
        };
    }
    if (platform === 'darwin') {
        const file = join(home, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
        const domain = `gui/${context.uid}`;
        return {
            file,
            content: launchdPlist(command),
            install: [['launchctl', ['bootstrap', domain, file]]],
            uninstall: [['launchctl', ['bootout', `${domain}/${LAUNCHD_LABEL}`]]],
            status: ['launchctl', ['print', `${domain}/${LAUNCHD_LABEL}`]]
        };
    }
    if (platform === 'win32') {
        const file = win32.join(context.dir, `${SERVICE_NAME}.xml`);
        // The XML declares UTF-16: schtasks wants it so, with a byte order mark.
        const content = Buffer.concat([
            Buffer.from([0xff, 0xfe]),
            Buffer.from(windowsTaskXml(command, context.user), 'utf16le')
        ]);
        return {
            file,
            content,
            install: [
                ['schtasks', ['/Create', '/TN', WINDOWS_TASK, '/XML', file, '/F']],
                ['schtasks', ['/Run', '/TN', WINDOWS_TASK]]
            ],
            uninstall: [
                ['schtasks', ['/End', '/TN', WINDOWS_TASK]],
                ['schtasks', ['/Delete', '/TN', WINDOWS_TASK, '/F']]
            ],
            status: ['schtasks', ['/Query', '/TN', WINDOWS_TASK]]
        };
    }
    throw new Error(
        `starting at login is not supported on ${platform}; run \`switchboard serve\` from your session`
    );
}

export function defaultServiceContext(options: {
    dir: string;
    script: string;
    args: string[];
}): ServiceContext {
    const env: Record<string, string> = {};
    const dirOverride = process.env['SWITCHBOARD_CONFIG_DIR'];
    if (dirOverride !== undefined && dirOverride !== '') env['SWITCHBOARD_CONFIG_DIR'] = dirOverride;
    const info = userInfo();
    return {
        platform: process.platform,
        home: homedir(),
        env: process.env,
        dir: options.dir,
        command: {
            node: process.execPath,
            script: options.script,
            args: options.args,
            env,
            logFile: join(options.dir, 'gateway.log')
        },
        run: execRunner,
        uid: info.uid,
        user: info.username
    };
}

export interface ServiceOutcome {
    ok: boolean;
    lines: string[];
}

async function runAll(
    run: Runner,
    steps: [string, string[]][],
    lines: string[],
    tolerate = false
): Promise<boolean> {
    for (const [command, args] of steps) {
        const result = await run(command, args);
        lines.push(`$ ${command} ${args.join(' ')}${result.code === 0 ? '' : `  (exit ${result.code})`}`);
        if (result.code !== 0 && !tolerate) {
            if (result.stderr.trim() !== '') lines.push(result.stderr.trim());
            return false;
        }
    }
    return true;
}

export async function installService(context: ServiceContext, dryRun = false): Promise<ServiceOutcome> {
    const plan = servicePlan(context);
    const lines = [`${dryRun ? 'would write' : 'wrote'} ${plan.file}`];
    if (dryRun) {
        lines.push(typeof plan.content === 'string' ? plan.content : '(UTF-16 task XML)');
        lines.push(...plan.install.map(([c, a]) => `would run: ${c} ${a.join(' ')}`));
        return { ok: true, lines };
    }
    await mkdir(dirname(plan.file), { recursive: true });
    await writeFile(plan.file, plan.content, { mode: 0o644 });
    const ok = await runAll(context.run, plan.install, lines);
    if (ok) lines.push('The gateway now starts when you log in.');
    return { ok, lines };
}

export async function uninstallService(context: ServiceContext, dryRun = false): Promise<ServiceOutcome> {
    const plan = servicePlan(context);
    const lines: string[] = [];
    if (dryRun) {
        lines.push(
            ...plan.uninstall.map(([c, a]) => `would run: ${c} ${a.join(' ')}`),
            `would remove ${plan.file}`
        );
        return { ok: true, lines };
    }
    // Stopping a task that is not running is fine: go on and remove it.
    await runAll(context.run, plan.uninstall, lines, true);
    await rm(plan.file, { force: true });
    lines.push(`removed ${plan.file}`);
    return { ok: true, lines };
}

export async function serviceStatus(context: ServiceContext): Promise<ServiceOutcome & { running: boolean }> {
    const plan = servicePlan(context);
    const [command, args] = plan.status;
    const result = await context.run(command, args);
    const running = result.code === 0 && !/inactive|failed/.test(result.stdout);
    return {
        ok: true,
        running,
        lines: [plan.file, `${running ? 'running' : 'not running'} (${command} ${args.join(' ')})`]
    };
}
