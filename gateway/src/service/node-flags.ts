/**
 * The Node.js options the gateway runs with, wherever its command line is ours: the service units, the
 * `switchboard` executable's shebang (bin/switchboard.js; a test keeps the two equal) and `npm start`.
 *
 * `--max-semi-space-size=4` caps V8's young generation at 2 × 4 MiB instead of 2 × 16 MiB. A scavenge of the big
 * one paused the gateway 2–10 ms, and those pauses were the event path's tail: in five alternating pairs of
 * runs at 1,000 events/s, GC pauses over 2 ms fell from 15–37 to 5–8 per run and p99 stayed within 3× the
 * bare relay in all five (the default: in one of five), for the same CPU per event (docs/performance.md).
 *
 * `--single-threaded-gc` has the main thread do all of a collection's work instead of handing parts of it to
 * V8's helper threads. For a heap this small the hand-off costs about what it saves, and on a busy machine a
 * woken helper thread can hold the core the main thread needs for the next CSTA event: the main thread was
 * preempted 40 % less often, and in six of six alternating pairs of runs at 1,000 events/s p99, p99.9 and the
 * longest event-loop delay were lower (p99 0.76–1.45 ms against 1.45–2.65 ms; docs/performance.md, round 4).
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--single-threaded-gc'];
