/**
 * What registers the gateway to start when the agent logs in: a systemd user unit (Linux), a launchd agent
 * (macOS) and a Task Scheduler task (Windows, as the XML `schtasks /create /xml` takes). Pure functions of
 * the command to run; service.ts writes them and tells the system.
 */
import { GATEWAY_NODE_FLAGS } from './node-flags.js';

export interface ServiceCommand {
    /** The Node.js executable (process.execPath). */
    node: string;
    /** gateway/bin/switchboard.js, absolute. */
    script: string;
    /** Extra arguments after `serve` (e.g. --config FILE). */
    args: string[];
    /** Environment for the gateway (e.g. SWITCHBOARD_CONFIG_DIR). */
    env: Record<string, string>;
    /** Where launchd / the task write the gateway's output. */
    logFile: string;
}

export const SERVICE_NAME = 'switchboard-gateway';
export const LAUNCHD_LABEL = 'org.switchboard-cti.gateway';

function argv(command: ServiceCommand): string[] {
    return [command.node, ...GATEWAY_NODE_FLAGS, command.script, 'serve', ...command.args];
}

/** systemd quoting: double quotes, with backslash and quote escaped; % doubled (specifier). */
function systemdQuote(value: string): string {
    return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%')}"`;
}

export function systemdUnit(command: ServiceCommand): string {
    return [
        '[Unit]',
        'Description=Switchboard CTI gateway (softphone WebSocket, CSTA, call logging)',
        'After=network-online.target',
        'Wants=network-online.target',
        '',
        '[Service]',
        'Type=simple',
        `ExecStart=${argv(command).map(systemdQuote).join(' ')}`,
        ...Object.entries(command.env).map(
            ([key, value]) => `Environment=${systemdQuote(`${key}=${value}`)}`
        ),
        'Restart=on-failure',
        'RestartSec=5',
        // close-with-grace needs the signal and a little time to log out of the CTI server.
        'KillSignal=SIGTERM',
        'TimeoutStopSec=15',
        '',
        '[Install]',
        'WantedBy=default.target',
        ''
    ].join('\n');
}

function xml(value: string): string {
    return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function launchdPlist(command: ServiceCommand): string {
    const env = Object.entries(command.env);
    return [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
        '<plist version="1.0">',
        '<dict>',
        '    <key>Label</key>',
        `    <string>${LAUNCHD_LABEL}</string>`,
        '    <key>ProgramArguments</key>',
        '    <array>',
        ...argv(command).map((arg) => `        <string>${xml(arg)}</string>`),
        '    </array>',
        ...(env.length === 0
            ? []
            : [
                  '    <key>EnvironmentVariables</key>',
                  '    <dict>',
                  ...env.flatMap(([key, value]) => [
                      `        <key>${xml(key)}</key>`,
                      `        <string>${xml(value)}</string>`
                  ]),
                  '    </dict>'
              ]),
        '    <key>RunAtLoad</key>',
        '    <true/>',
        '    <key>KeepAlive</key>',
        '    <dict>',
        '        <key>SuccessfulExit</key>',
        '        <false/>',
        '    </dict>',
        '    <key>StandardOutPath</key>',
        `    <string>${xml(command.logFile)}</string>`,
        '    <key>StandardErrorPath</key>',
        `    <string>${xml(command.logFile)}</string>`,
        '</dict>',
        '</plist>',
        ''
    ].join('\n');
}

/** Windows command-line quoting for one argument (CommandLineToArgvW rules). */
function windowsQuote(value: string): string {
    if (value !== '' && !/[\s"]/.test(value)) return value;
    return `"${value.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}

export function windowsTaskXml(command: ServiceCommand, user: string): string {
    const env = Object.entries(command.env);
    // Task Scheduler has no environment block: set it through cmd for the one process.
    const sets = env.map(([key, value]) => `set "${key}=${value}" && `).join('');
    // The node flags as in the systemd and launchd units: node itself is the Command (or cmd's first word).
    const line = argv(command).slice(1).map(windowsQuote).join(' ');
    const program = env.length === 0 ? command.node : 'cmd.exe';
    const args = env.length === 0 ? line : `/d /c ${sets}${windowsQuote(command.node)} ${line}`;
    return [
        '<?xml version="1.0" encoding="UTF-16"?>',
        '<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">',
        '  <RegistrationInfo>',
        '    <Description>Switchboard CTI gateway (softphone WebSocket, CSTA, call logging)</Description>',
        '  </RegistrationInfo>',
        '  <Triggers>',
        '    <LogonTrigger>',
        '      <Enabled>true</Enabled>',
        `      <UserId>${xml(user)}</UserId>`,
        '    </LogonTrigger>',
        '  </Triggers>',
        '  <Principals>',
        '    <Principal id="Author">',
        `      <UserId>${xml(user)}</UserId>`,
        '      <LogonType>InteractiveToken</LogonType>',
        '      <RunLevel>LeastPrivilege</RunLevel>',
        '    </Principal>',
        '  </Principals>',
        '  <Settings>',
        '    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>',
        '    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>',
        '    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>',
        '    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>',
        '    <RestartOnFailure>',
        '      <Interval>PT1M</Interval>',
        '      <Count>999</Count>',
        '    </RestartOnFailure>',
        '  </Settings>',
        '  <Actions Context="Author">',
        '    <Exec>',
        `      <Command>${xml(program)}</Command>`,
        `      <Arguments>${xml(args)}</Arguments>`,
        '    </Exec>',
        '  </Actions>',
        '</Task>',
        ''
    ].join('\n');
}
