import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runLogin } from '../../src/cli/login.js';
import { loadLogin } from '../../src/crm/index.js';
import { startSalesforceStandin, type SalesforceStandin } from '../../src/sfstandin/index.js';
import { capture, tempDir } from '../config/support.js';

async function until(check: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 500; i++) {
        if (check()) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`timed out waiting for ${what}`);
}

let sf: SalesforceStandin;
let dir: { dir: string; cleanup: () => Promise<void> };

describe('switchboard login', () => {
    before(async () => {
        sf = await startSalesforceStandin({ seed: 5 });
        dir = await tempDir('switchboard-login-');
    });
    after(async () => {
        await sf.close();
        await dir.cleanup();
    });

    it('logs in with the instance and consumer key of the configuration when no flags name them', async () => {
        const configFile = join(dir.dir, 'config.json');
        await writeFile(
            configFile,
            JSON.stringify({ callLogging: { instanceUrl: sf.url, oauthClientId: 'switchboard-standin' } })
        );
        const tokenFile = join(dir.dir, 'salesforce-token.json');
        const io = capture();
        let authorizeUrl = '';
        const done = runLogin(['--config', configFile, '--port', '0', '--token-file', tokenFile], io, {
            env: {},
            onAuthorizeUrl: (url) => (authorizeUrl = url)
        });
        await until(() => authorizeUrl !== '', 'the authorize URL');
        const url = new URL(authorizeUrl);
        assert.equal(url.origin, new URL(sf.url).origin);
        assert.equal(url.searchParams.get('client_id'), 'switchboard-standin');
        // The CLI's own listener: plain http on 127.0.0.1 without --cert/--key.
        assert.match(
            url.searchParams.get('redirect_uri') ?? '',
            /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/
        );
        const redirect = await fetch(authorizeUrl, { redirect: 'manual' });
        assert.equal((await fetch(redirect.headers.get('location') ?? '')).status, 200);
        assert.equal(await done, 0, io.err);
        assert.equal(loadLogin(tokenFile)?.clientId, 'switchboard-standin');
    });

    it('--client-id, then SWITCHBOARD_SF_CLIENT_ID, come before the configured key', async () => {
        const configFile = join(dir.dir, 'config.json');
        await writeFile(
            configFile,
            JSON.stringify({ callLogging: { instanceUrl: sf.url, oauthClientId: 'from-file' } })
        );
        const clientIdOf = async (args: string[], env: NodeJS.ProcessEnv) => {
            let authorizeUrl = '';
            const done = runLogin(['--config', configFile, '--port', '0', ...args], capture(), {
                env,
                onAuthorizeUrl: (url) => (authorizeUrl = url)
            });
            await until(() => authorizeUrl !== '', 'the authorize URL');
            const url = new URL(authorizeUrl);
            // End the wait: a callback with a forged state fails the login.
            const callback = new URL(url.searchParams.get('redirect_uri') ?? '');
            callback.search = '?code=x&state=forged';
            assert.equal((await fetch(callback)).status, 400);
            assert.equal(await done, 1);
            return url.searchParams.get('client_id');
        };
        assert.equal(await clientIdOf([], {}), 'from-file');
        assert.equal(await clientIdOf([], { SWITCHBOARD_SF_CLIENT_ID: 'from-env' }), 'from-env');
        assert.equal(
            await clientIdOf(['--client-id', 'from-flag'], { SWITCHBOARD_SF_CLIENT_ID: 'from-env' }),
            'from-flag'
        );
    });

    it('says where the instance and the key can come from when neither is given', async () => {
        const configFile = join(dir.dir, 'empty.json');
        await writeFile(configFile, '{}');
        await assert.rejects(runLogin(['--config', configFile], capture(), { env: {} }), {
            code: 'USAGE',
            message: /callLogging\.instanceUrl/
        });
        await assert.rejects(
            runLogin(['--config', configFile, '--instance', sf.url], capture(), { env: {} }),
            { code: 'USAGE', message: /callLogging\.oauthClientId/ }
        );
    });
});
