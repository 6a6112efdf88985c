/**
 * The demo's build of the REAL force-app softphone with LWC OSS: rollup + @lwc/rollup-plugin, one alias module
 * record per force-app component (`c/<name>` → force-app/main/default/lwc/<name>/<name>.js, the SFDX layout
 * is not a namespace folder), `lwc` from the lwc 9 package, and stubs for the two Salesforce-only imports
 * (lightning/messageService, the message channel). The output is one IIFE script that defines the demo's
 * `$Lightning` (browser/softphone-entry.js).
 *
 * Builds are cached by a hash of every input file, so a second start (or the next e2e stack) reuses the script.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import lwcPlugin from '@lwc/rollup-plugin';
import replaceImport from '@rollup/plugin-replace';
import { rollup, type Plugin } from 'rollup';

// Its types are read as CommonJS (module.exports = { default }), while Node loads its ESM build.
const replace = replaceImport as unknown as typeof replaceImport.default;

const here = fileURLToPath(new URL('.', import.meta.url));
/** The repository root (gateway/src/demo → ../../..). */
export const REPO_ROOT = join(here, '..', '..', '..');
export const FORCE_APP_DIR = join(REPO_ROOT, 'force-app', 'main', 'default');
export const LWC_DIR = join(FORCE_APP_DIR, 'lwc');
export const BRIDGE_SCRIPT = join(FORCE_APP_DIR, 'staticresources', 'ctiBridge.js');
/** lwc 9's own engine (the root @lwc/engine-dom is sfdx-lwc-jest's older one). */
const LWC_ENGINE = join(REPO_ROOT, 'node_modules', 'lwc', 'node_modules', '@lwc');
const ENTRY = join(here, 'browser', 'softphone-entry.js');
const STUBS: Record<string, string> = {
    'lightning/messageService': join(here, 'lwc-stubs', 'messageService.js'),
    '@salesforce/messageChannel/Switchboard_Call_State__c': join(here, 'lwc-stubs', 'messageChannel.js')
};

export interface SoftphoneBuild {
    /** Absolute path of the built script. */
    path: string;
    /** True when this call compiled it (false: taken from the cache). */
    built: boolean;
}

/** Where builds are kept unless told otherwise: node_modules/.cache (ignored by git, kept between runs). */
export function defaultCacheDir(): string {
    return join(REPO_ROOT, 'node_modules', '.cache', 'switchboard-demo');
}

async function componentNames(): Promise<string[]> {
    const entries = await readdir(LWC_DIR, { withFileTypes: true });
    const names: string[] = [];
    for (const entry of entries) {
        if (!entry.isDirectory()) continue;
        try {
            await stat(join(LWC_DIR, entry.name, `${entry.name}.js`));
            names.push(entry.name);
        } catch {
            // not a component bundle
        }
    }
    return names.sort();
}

async function filesUnder(dir: string): Promise<string[]> {
    const out: string[] = [];
    for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (entry.name === '__tests__') continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) out.push(...(await filesUnder(path)));
        else out.push(path);
    }
    return out.sort();
}

async function inputHash(): Promise<string> {
    const hash = createHash('sha256');
    const lwcVersion = (
        JSON.parse(await readFile(join(REPO_ROOT, 'node_modules', 'lwc', 'package.json'), 'utf8')) as {
            version: string;
        }
    ).version;
    hash.update(`lwc ${lwcVersion}\n`);
    for (const file of [ENTRY, ...Object.values(STUBS), ...(await filesUnder(LWC_DIR))]) {
        hash.update(file.slice(REPO_ROOT.length));
        hash.update(await readFile(file));
    }
    return hash.digest('hex').slice(0, 16);
}

/** Resolves the Salesforce-only imports to the demo's stubs. */
function stubs(): Plugin {
    return {
        name: 'switchboard-demo-stubs',
        resolveId(source) {
            return STUBS[source] ?? null;
        }
    };
}

/** Compiles the softphone into one IIFE script (no cache). */
export async function compileSoftphone(): Promise<string> {
    const names = await componentNames();
    const bundle = await rollup({
        input: ENTRY,
        plugins: [
            stubs(),
            lwcPlugin({
                rootDir: REPO_ROOT,
                modules: names.map((name) => ({
                    name: `c/${name}`,
                    path: join(LWC_DIR, name, `${name}.js`)
                })),
                defaultModules: [
                    { name: 'lwc', path: join(LWC_ENGINE, 'engine-dom', 'dist', 'index.js') },
                    {
                        name: '@lwc/synthetic-shadow',
                        path: join(LWC_ENGINE, 'synthetic-shadow', 'dist', 'index.js')
                    }
                ]
            }),
            replace({
                preventAssignment: true,
                values: {
                    'process.env.NODE_ENV': JSON.stringify('production'),
                    'import.meta.env.SSR': 'false'
                }
            })
        ],
        onwarn(warning, warn) {
            if (warning.code === 'CIRCULAR_DEPENDENCY') return;
            warn(warning);
        }
    });
    try {
        const { output } = await bundle.generate({ format: 'iife', inlineDynamicImports: true });
        const chunk = output.find((item) => item.type === 'chunk');
        if (chunk === undefined) throw new Error('rollup produced no script');
        return chunk.code;
    } finally {
        await bundle.close();
    }
}

/** The built softphone script, compiled now unless the cache holds a build of the same sources. */
export async function buildSoftphone(cacheDir: string = defaultCacheDir()): Promise<SoftphoneBuild> {
    const path = join(cacheDir, `softphone-${await inputHash()}.js`);
    try {
        await stat(path);
        return { path, built: false };
    } catch {
        // not cached yet
    }
    const code = await compileSoftphone();
    await mkdir(cacheDir, { recursive: true });
    const temp = `${path}.${String(process.pid)}.tmp`;
    await writeFile(temp, code);
    await rename(temp, path);
    return { path, built: true };
}
