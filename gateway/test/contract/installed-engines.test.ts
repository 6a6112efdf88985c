/**
 * Every package the lockfile installs supports every Node version the project says it runs on (the root
 * `engines.node`): a fresh `npm install` prints no EBADENGINE warning, and nothing in the tree relies on a newer
 * Node than the README promises. The lowest version of each range the project accepts (20.19.0, 22.13.0) is
 * checked against each locked package's own `engines.node`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface LockedPackage {
    version?: string;
    engines?: unknown;
}

function readJson(name: string): unknown {
    return JSON.parse(readFileSync(new URL(name, `file://${root}`), 'utf8'));
}

/** The lowest version of each alternative of a range: `>=20.19 <21 || >=22.13` → 20.19.0, 22.13.0. */
function lowestOfEach(range: string): string[] {
    return new semver.Range(range).set.map((comparators) => {
        const lowest = semver.minVersion(comparators.map((c) => c.value).join(' '));
        assert.ok(lowest, `no version satisfies ${range}`);
        return lowest.version;
    });
}

function nodeRangeOf(engines: unknown): string | undefined {
    if (typeof engines !== 'object' || engines === null || Array.isArray(engines)) return undefined;
    const node = (engines as Record<string, unknown>)['node'];
    return typeof node === 'string' ? node : undefined;
}

describe('installed packages and the Node versions the project supports', () => {
    const project = (readJson('package.json') as { engines: { node: string } }).engines.node;
    const lock = readJson('package-lock.json') as { packages: Record<string, LockedPackage> };
    const supported = lowestOfEach(project);

    it('the project range has a lowest version per alternative', () => {
        assert.deepEqual(supported, ['20.19.0', '22.13.0']);
        assert.ok(
            supported.every((v) => semver.satisfies(v, project)),
            'each lowest version is inside the range'
        );
    });

    it('every locked package accepts each of them', () => {
        const refusals: string[] = [];
        let checked = 0;
        for (const [path, entry] of Object.entries(lock.packages)) {
            const range = nodeRangeOf(entry.engines);
            if (path === '' || range === undefined || semver.validRange(range) === null) continue;
            checked += 1;
            for (const version of supported) {
                if (!semver.satisfies(version, range)) {
                    refusals.push(
                        `${path.replace(/^.*node_modules\//, '')}@${entry.version ?? '?'} needs node ${range}, not ${version}`
                    );
                }
            }
        }
        assert.ok(
            checked > 100,
            `only ${checked} locked packages declare engines: is this the project's lockfile?`
        );
        assert.deepEqual(refusals, []);
    });

    it('the running Node is one the project supports', () => {
        assert.ok(semver.satisfies(process.version, project), `${process.version} is outside ${project}`);
    });
});
