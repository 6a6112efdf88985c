/**
 * `switchboard service install|uninstall|status`: registers the gateway to start at login, per platform —
 * a systemd user unit (Linux), a launchd agent (macOS), a Task Scheduler logon task (Windows) — and tells the
 * system (systemctl / launchctl / schtasks). Platform, home, paths and the command runner are injectable, so
 * tests check exactly what would be written and run.
 */
import { execFile } from 'node:child_process';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { dirname, join, resolve, win32 } from 'node:path';
import { CONFIG_DIR_ENV, CONFIG_FILE_ENV, ENV_OVERRIDES, configDir } from '../config/index.js';
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
    /** Whether the status command's result says the gateway is running. */
    running: (result: RunResult) => boolean;
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
            status: ['systemctl', ['--user', 'is-active', unit]],
            // is-active: exit 0 and "active" only while it runs (activating, inactive, failed: not 0).
            running: (result) => result.code === 0 && result.stdout.trim() === 'active'
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
            status: ['launchctl', ['print', `${domain}/${LAUNCHD_LABEL}`]],
            // print: exit 0 once loaded; "state = running" only while the process runs.
            running: (result) => result.code === 0 && /^\s*state = running\s*$/m.test(result.stdout)
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
            // schtasks /Query's status column is in the system's language; the task's State is not.
            status: [
                'powershell.exe',
                [
                    '-NoProfile',
                    '-NonInteractive',
                    '-Command',
                    `(Get-ScheduledTask -TaskName ${WINDOWS_TASK}).State`
                ]
            ],
            running: (result) => result.code === 0 && result.stdout.trim() === 'Running'
        };
    }
    throw new Error(
        `starting at login is not supported on ${platform}; run \`switchboard serve\` from your session`
    );
}

function nonEmpty(value: string | undefined): string | undefined {
    return value === undefined || value.trim() === '' ? undefined : value;
}

/** Where the installed gateway finds its configuration, as the command that installs it does. */
export interface ServiceLocation {
    /** The config directory, absolute: the Windows task XML and gateway.log go here. */
    dir: string;
    /** Arguments after `serve`: `--config FILE` (absolute) when the installing command had one. */
    args: string[];
    /** SWITCHBOARD_CONFIG_DIR and SWITCHBOARD_CONFIG (absolute) when the installing command had them. */
    env: Record<string, string>;
    /** Environment overrides set here that the service does not get (they are not written to the unit). */
    notCarried: string[];
}

/**
 * The configuration the service will run with is the one `config validate` / `config set` edit in this shell:
 * `--config FILE`, SWITCHBOARD_CONFIG and SWITCHBOARD_CONFIG_DIR go into the unit, resolved against `cwd`
 * (systemd would resolve a relative path from $HOME, launchd from /, Task Scheduler from System32).
 */
export function serviceLocation(options: {
    config?: string;
    env: NodeJS.ProcessEnv;
    cwd: string;
}): ServiceLocation {
    const { env, cwd } = options;
    const unitEnv: Record<string, string> = {};
    const dirOverride = nonEmpty(env[CONFIG_DIR_ENV]);
    if (dirOverride !== undefined) unitEnv[CONFIG_DIR_ENV] = resolve(cwd, dirOverride);
    const args: string[] = [];
    const fileOverride = nonEmpty(env[CONFIG_FILE_ENV]);
    if (options.config !== undefined) args.push('--config', resolve(cwd, options.config));
    else if (fileOverride !== undefined) unitEnv[CONFIG_FILE_ENV] = resolve(cwd, fileOverride);
    return {
        dir: resolve(cwd, configDir(env)),
        args,
        env: unitEnv,
        notCarried: Object.keys(ENV_OVERRIDES).filter((name) => nonEmpty(env[name]) !== undefined)
    };
}

export function defaultServiceContext(options: {
    location: ServiceLocation;
    script: string;
}): ServiceContext {
    const { location } = options;
    const info = userInfo();
    return {
        platform: process.platform,
        home: homedir(),
        env: process.env,
        dir: location.dir,
        command: {
            node: process.execPath,
            script: options.script,
            args: location.args,
            env: location.env,
            logFile: join(location.dir, 'gateway.log')
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

export type ServiceState = 'running' | 'stopped' | 'not-installed';

/** `service status`'s exit codes (as `systemctl status`): 0 running, 3 installed but not running, 4 not installed. */
export const STATUS_EXIT_CODES: Record<ServiceState, number> = { running: 0, stopped: 3, 'not-installed': 4 };

async function exists(file: string): Promise<boolean> {
    try {
        await access(file);
        return true;
    } catch {
        return false;
    }
}

export async function serviceStatus(
    context: ServiceContext
): Promise<ServiceOutcome & { running: boolean; state: ServiceState }> {
    const plan = servicePlan(context);
    if (!(await exists(plan.file))) {
        return {
            ok: false,
            running: false,
            state: 'not-installed',
            lines: [`not installed (no ${plan.file}; \`switchboard service install\` installs it)`]
        };
    }
    const [command, args] = plan.status;
    const result = await context.run(command, args);
    const running = plan.running(result);
    return {
        ok: running,
        running,
        state: running ? 'running' : 'stopped',
        lines: [plan.file, `${running ? 'running' : 'not running'} (${command} ${args.join(' ')})`]
    };
}
