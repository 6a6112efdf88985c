// Which build `switchboard` runs: the compiled dist/ when it is current, the TypeScript sources through tsx
// otherwise (see switchboard.js). Plain JavaScript: it decides before anything is compiled or loaded.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest modification time of any file under `dir`, ms. */
function newestIn(dir) {
    let newest = 0;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
    }
    return newest;
}

/**
 * 'dist' when `root`/dist/BUILT (written last by scripts/build.mjs) is at least as new as every file of
 * `root`/src (or there is no src/), else 'tsx'. SWITCHBOARD_RUNTIME=tsx|dist in `env` decides instead.
 */
export function chooseRuntime(root, env = process.env) {
    const chosen = env.SWITCHBOARD_RUNTIME;
    if (chosen === 'tsx' || chosen === 'dist') return chosen;
    if (chosen !== undefined && chosen !== '') {
        throw new Error(`SWITCHBOARD_RUNTIME must be tsx or dist, not ${JSON.stringify(chosen)}`);
    }
    const stamp = join(root, 'dist', 'BUILT');
    if (!existsSync(stamp)) return 'tsx';
    const src = join(root, 'src');
    return !existsSync(src) || statSync(stamp).mtimeMs >= newestIn(src) ? 'dist' : 'tsx';
}
