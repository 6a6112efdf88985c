import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import { runService } from '../../src/cli/service.js';
import {
    defaultServiceContext,
    installService,
    serviceLocation,
    servicePlan,
    serviceStatus,
    uninstallService,
    type ServiceContext
} from '../../src/service/service.js';
import { GATEWAY_NODE_FLAGS } from '../../src/service/node-flags.js';
import { launchdPlist, systemdUnit, windowsTaskXml, type ServiceCommand } from '../../src/service/units.js';

const COMMAND: ServiceCommand = {
    node: '/opt/node 20/bin/node',
    script: '/home/ada/switchboard/gateway/bin/switchboard.js',
    args: ['--config', '/home/ada/my "cfg"/config.json'],
    env: { SWITCHBOARD_CONFIG_DIR: '/home/ada/.sb & co' },
    logFile: '/home/ada/.config/switchboard/gateway.log'
};

function context(
    platform: NodeJS.Platform,
    calls: string[][] = [],
    codes: Record<string, number> = {},
    stdout: Record<string, string> = {}
): ServiceContext {
    const home = mkdtempSync(join(tmpdir(), 'switchboard-home-'));
    return {
        platform,
        home,
        env: {},
        dir: join(home, 'cfg'),
        command: COMMAND,
        uid: 501,
        user: 'ada',
        run: (command, args) => {
            calls.push([command, ...args]);
            const key = args.join(' ');
            return Promise.resolve({ code: codes[key] ?? 0, stdout: stdout[key] ?? '', stderr: '' });
        }
    };
}

describe('service: start the gateway at login', () => {
    it('writes a systemd user unit that systemd itself accepts', async () => {
        const unit = systemdUnit(COMMAND);
        assert.match(
            unit,
            /^ExecStart="\/opt\/node 20\/bin\/node" "--max-semi-space-size=4" "--single-threaded-gc" "\/home\/ada\/switchboard\/gateway\/bin\/switchboard.js" "serve" "--config" "\/home\/ada\/my \\"cfg\\"\/config.json"$/m
        );
        assert.match(unit, /^Environment="SWITCHBOARD_CONFIG_DIR=\/home\/ada\/.sb & co"$/m);
        assert.match(unit, /^WantedBy=default.target$/m);
        assert.match(unit, /^Restart=on-failure$/m);
        // systemd-analyze verifies the unit when it is on this machine (it is on Debian with systemd).
        let analyze: string | undefined;
        try {
            analyze = execFileSync('sh', ['-c', 'command -v systemd-analyze'], { encoding: 'utf8' }).trim();
        } catch {
            analyze = undefined;
        }
        if (analyze !== undefined && analyze !== '') {
            const dir = mkdtempSync(join(tmpdir(), 'switchboard-unit-'));
            const file = join(dir, 'switchboard-gateway.service');
            const { writeFileSync } = await import('node:fs');
            writeFileSync(file, systemdUnit({ ...COMMAND, node: process.execPath, script: '/bin/true' }));
            const out = execFileSync(analyze, ['verify', '--man=no', file], {
                encoding: 'utf8',
                stdio: ['ignore', 'pipe', 'pipe']
            });
            assert.doesNotMatch(out, /error/i);
        }
    });

    it('writes a launchd plist that is well-formed XML with every argument escaped', () => {
        const plist = launchdPlist(COMMAND);
        assert.match(plist, /<key>Label<\/key>\n\s*<string>org.switchboard-cti.gateway<\/string>/);
        assert.match(plist, /<string>\/home\/ada\/my &quot;cfg&quot;\/config.json<\/string>/);
        assert.match(
            plist,
            /<key>SWITCHBOARD_CONFIG_DIR<\/key>\n\s*<string>\/home\/ada\/.sb &amp; co<\/string>/
        );
        assert.match(plist, /<key>RunAtLoad<\/key>\n\s*<true\/>/);
        const strings = [...plist.matchAll(/<string>(.*?)<\/string>/g)].map((m) => m[1]);
        assert.deepEqual(strings.slice(1, 8), [
            '/opt/node 20/bin/node',
            '--max-semi-space-size=4',
            '--single-threaded-gc',
            '/home/ada/switchboard/gateway/bin/switchboard.js',
            'serve',
            '--config',
            '/home/ada/my &quot;cfg&quot;/config.json'
        ]);
        // Every opened element is closed, in order.
        const stack: string[] = [];
        for (const [, close, name, self] of plist.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
            if (name === undefined || self === '/') continue;
            if (close === '/') assert.equal(stack.pop(), name);
            else stack.push(name);
        }
        assert.deepEqual(stack, []);
    });

    it('writes a Task Scheduler logon task that runs the gateway with its environment', () => {
        const task = windowsTaskXml(COMMAND, 'ACME\\ada');
        assert.match(task, /<LogonTrigger>[\s\S]*<UserId>ACME\\ada<\/UserId>/);
        assert.match(task, /<Command>cmd.exe<\/Command>/);
        assert.match(
            task,
            /<Arguments>\/d \/c set &quot;SWITCHBOARD_CONFIG_DIR=\/home\/ada\/.sb &amp; co&quot; &amp;&amp; &quot;\/opt\/node 20\/bin\/node&quot; /
        );
        assert.match(
            task,
            /serve --config &quot;\/home\/ada\/my \\&quot;cfg\\&quot;\/config.json&quot;<\/Arguments>/
        );
        assert.match(
            task,
            /&quot;\/opt\/node 20\/bin\/node&quot; --max-semi-space-size=4 --single-threaded-gc \/home\/ada\/switchboard\/gateway\/bin\/switchboard.js serve /
        );
        const plain = windowsTaskXml({ ...COMMAND, env: {} }, 'ada');
        assert.match(plain, /<Command>\/opt\/node 20\/bin\/node<\/Command>/);
        const [, args] = /<Arguments>(.*)<\/Arguments>/.exec(plain) ?? [];
        assert.equal(
            args,
            `${GATEWAY_NODE_FLAGS.join(' ')} /home/ada/switchboard/gateway/bin/switchboard.js serve --config &quot;/home/ada/my \\&quot;cfg\\&quot;/config.json&quot;`
        );
    });

    it('install, status and uninstall write the unit and run systemctl --user', async () => {
        const calls: string[][] = [];
        const ctx = context(
            'linux',
            calls,
            {},
            { '--user is-active switchboard-gateway.service': 'active\n' }
        );
        const installed = await installService(ctx);
        assert.equal(installed.ok, true);
        const file = join(ctx.home, '.config', 'systemd', 'user', 'switchboard-gateway.service');
        assert.equal(readFileSync(file, 'utf8'), systemdUnit(COMMAND));
        assert.deepEqual(calls, [
            ['systemctl', '--user', 'daemon-reload'],
            ['systemctl', '--user', 'enable', '--now', 'switchboard-gateway.service']
        ]);
        assert.equal((await serviceStatus(ctx)).running, true);
        await uninstallService(ctx);
        assert.equal(existsSync(file), false);
        assert.deepEqual(calls.slice(-2), [
            ['systemctl', '--user', 'disable', '--now', 'switchboard-gateway.service'],
            ['systemctl', '--user', 'daemon-reload']
        ]);
    });

    it('macOS: a launch agent in ~/Library/LaunchAgents, bootstrapped in the gui domain; Windows: schtasks with a UTF-16 XML', () => {
        const mac = context('darwin');
        assert.deepEqual(servicePlan(mac).install, [
            [
                'launchctl',
                [
                    'bootstrap',
                    'gui/501',
                    join(mac.home, 'Library', 'LaunchAgents', 'org.switchboard-cti.gateway.plist')
                ]
            ]
        ]);
        const win = servicePlan(context('win32'));
        assert.deepEqual(win.install[0]?.slice(0, 1), ['schtasks']);
        assert.ok(Buffer.isBuffer(win.content));
        assert.deepEqual([...win.content.subarray(0, 2)], [0xff, 0xfe]);
        assert.match(win.content.subarray(2).toString('utf16le'), /<Task version="1.2"/);
    });

    it('a failing system command fails the install with its message; --dry-run writes and runs nothing', async () => {
        const calls: string[][] = [];
        const ctx = context('linux', calls, { '--user enable --now switchboard-gateway.service': 1 });
        const outcome = await installService(ctx);
        assert.equal(outcome.ok, false);
        let out = '';
        const dry = context('linux');
        const code = await runService(
            ['install', '--dry-run'],
            {
                stdout: (s) => (out += s),
                stderr: () => undefined,
                readStdin: () => Promise.resolve(Buffer.alloc(0))
            },
            dry
        );
        assert.equal(code, 0);
        assert.match(out, /would run: systemctl --user enable --now switchboard-gateway.service/);
        assert.equal(existsSync(join(dry.home, '.config', 'systemd')), false);
    });

    it('carries the config location of the installing shell into the unit, as absolute paths', () => {
        const cwd = join(tmpdir(), 'admin work');
        const relative = serviceLocation({
            config: 'myconf.json',
            env: { SWITCHBOARD_CONFIG_DIR: './prof2', SWITCHBOARD_CONFIG: '/ignored/config.json' },
            cwd
        });
        assert.deepEqual(relative.args, ['--config', join(cwd, 'myconf.json')]);
        assert.deepEqual(relative.env, { SWITCHBOARD_CONFIG_DIR: join(cwd, 'prof2') });
        assert.equal(relative.dir, join(cwd, 'prof2'));
        const fromEnv = serviceLocation({
            env: {
                SWITCHBOARD_CONFIG: '/srv/sb/config.json',
                SWITCHBOARD_PORT: '9443',
                SWITCHBOARD_HOST: ' '
            },
            cwd
        });
        assert.deepEqual(fromEnv.args, []);
        assert.deepEqual(fromEnv.env, { SWITCHBOARD_CONFIG: '/srv/sb/config.json' });
        assert.deepEqual(fromEnv.notCarried, ['SWITCHBOARD_PORT']);
        const unit = systemdUnit(
            defaultServiceContext({ location: fromEnv, script: '/sb/bin/switchboard.js' }).command
        );
        assert.match(unit, /^Environment="SWITCHBOARD_CONFIG=\/srv\/sb\/config.json"$/m);
        assert.match(unit, /^ExecStart=.* "serve"$/m);
        const relativeFile = serviceLocation({ env: { SWITCHBOARD_CONFIG: 'sb.json' }, cwd });
        assert.deepEqual(relativeFile.env, { SWITCHBOARD_CONFIG: join(cwd, 'sb.json') });
        const command = defaultServiceContext({
            location: relative,
            script: '/sb/bin/switchboard.js'
        }).command;
        assert.equal(command.logFile, join(cwd, 'prof2', 'gateway.log'));
    });

    it('service install --dry-run shows the absolute config location it will use', async () => {
        if (process.platform !== 'linux') return;
        const cwd = mkdtempSync(join(tmpdir(), 'switchboard-cwd-'));
        const home = mkdtempSync(join(tmpdir(), 'switchboard-home-'));
        let out = '';
        const code = await runService(
            ['install', '--dry-run', '--config', 'myconf.json'],
            {
                stdout: (s) => (out += s),
                stderr: () => undefined,
                readStdin: () => Promise.resolve(Buffer.alloc(0))
            },
            undefined,
            {
                env: { SWITCHBOARD_CONFIG_DIR: 'prof2', XDG_CONFIG_HOME: join(home, '.config') },
                cwd
            }
        );
        assert.equal(code, 0);
        assert.match(out, new RegExp(`"serve" "--config" "${join(cwd, 'myconf.json')}"`));
        assert.match(out, new RegExp(`Environment="SWITCHBOARD_CONFIG_DIR=${join(cwd, 'prof2')}"`));
    });

    it('service status exits 0 running, 3 not running, 4 not installed', async () => {
        const io = () => {
            const captured = {
                out: '',
                stdout: (s: string) => (captured.out += s),
                stderr: () => undefined,
                readStdin: () => Promise.resolve(Buffer.alloc(0))
            };
            return captured;
        };
        const isActive = '--user is-active switchboard-gateway.service';
        const stopped = context('linux', [], { [isActive]: 3 }, { [isActive]: 'inactive\n' });
        const notInstalled = io();
        assert.equal(await runService(['status'], notInstalled, stopped), 4);
        assert.match(notInstalled.out, /^not installed \(no .*switchboard-gateway.service;/);
        await installService(stopped);
        const notRunning = io();
        assert.equal(await runService(['status'], notRunning, stopped), 3);
        assert.match(notRunning.out, /not running/);
        const running = context('linux', [], {}, { [isActive]: 'active\n' });
        await installService(running);
        assert.equal(await runService(['status'], io(), running), 0);

        // launchd: loaded is not running; Task Scheduler: Ready is not running.
        const print = `print gui/501/org.switchboard-cti.gateway`;
        for (const [state, expected] of [
            ['running', true],
            ['not running', false]
        ] as const) {
            const mac = context('darwin', [], {}, { [print]: `{\n\tstate = ${state}\n}\n` });
            await installService(mac);
            assert.equal((await serviceStatus(mac)).running, expected, state);
        }
        const query =
            '-NoProfile -NonInteractive -Command (Get-ScheduledTask -TaskName SwitchboardGateway).State';
        for (const [state, expected] of [
            ['Running', true],
            ['Ready', false]
        ] as const) {
            // (No install: the task XML's Windows path would be a file name with backslashes here.)
            const plan = servicePlan(context('win32'));
            assert.deepEqual([plan.status[0], plan.status[1].join(' ')], ['powershell.exe', query]);
            assert.equal(plan.running({ code: 0, stdout: `${state}\r\n`, stderr: '' }), expected, state);
        }
    });
});
