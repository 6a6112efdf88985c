/**
 * The Node.js options the gateway runs with, wherever its command line is ours: the service units, the
 * `switchboard` executable's shebang (bin/switchboard.js; a test keeps the two equal) and `npm start`.
 *
 * `--max-semi-space-size=4` caps V8's young generation at 2 × 4 MiB instead of 2 × 16 MiB. A scavenge of the big
 * one paused the gateway 2–10 ms, and those pauses were the event path's tail: in five alternating pairs of
 * runs at 1,000 events/s, GC pauses over 2 ms fell from 15–37 to 5–8 per run and p99 stayed within 3× the
 * bare relay in all five (the default: in one of five), for the same CPU per event (docs/performance.md).
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
