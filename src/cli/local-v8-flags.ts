/**
 * V8 flags `meseta local` sets on itself at start: the master and its agents
 * share one process there, and a burst of short tasks runs the whole launch
 * path — scheduler calls, offers, the agent's checkpoints, the containerizer,
 * status updates both ways — a few thousand times.
 *
 * `--interrupt-budget` (how much bytecode a function executes between V8's
 * checks for optimising it; Node 20's V8 defaults to 66 KB, here 8 ×): with
 * the default, V8 optimised ~250 functions during a 1,000-task burst, and its
 * compiler threads took ~0.55 ms of CPU per task, about what the optimised
 * code saved the main thread, on a machine whose other core runs the tasks.
 * Measured with the launch bench (1,000 × `true` in cgroups, work dir on
 * tmpfs; `meseta local` CPU per task, all threads, alternated runs): 1.16–1.20
 * ms with the default; 0.90–0.98 with 4 ×, 0.84–0.99 with 8 ×, 0.77–0.89 with
 * 16 ×; over 4,000 tasks 0.85–0.87 with the default against 0.75–0.78 with
 * 8 ×, so the steady state gains too. It is not set in `meseta master`: the
 * placement bench's 20,000 tasks in ~2 s run a narrower, hotter path there,
 * and 8 × cost the master 102–105 µs per task against 93–98 (3 alternated
 * pairs).
 * Mesos has no such setting (C++ is compiled ahead of time).
 */
import type { ProcessV8Flag } from '../master/v8-heap-flags.js';

/** The flags `meseta local` sets on itself; see the module comment for the measurements. */
export const LOCAL_V8_FLAGS: readonly ProcessV8Flag[] = [{ flag: '--interrupt-budget=540672', name: 'interrupt-budget' }];
