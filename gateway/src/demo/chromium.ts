/**
 * How the demo's screenshots and the browser tests start Debian's Chromium: headless, as root (no sandbox),
 * and with everything off that would try to reach the internet (this machine's network is closed).
 */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--disable-default-apps',
    '--disable-extensions',
    '--no-first-run',
    '--no-default-browser-check',
    '--metrics-recording-only',
    '--disable-domain-reliability',
    '--disable-client-side-phishing-detection'
];
