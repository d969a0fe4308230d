/**
 * Children a test or bench started are SIGKILLed, by pid, when this process
 * ends for any reason: an uncaught error, `process.exit`, SIGTERM or SIGINT.
 * Their owners still stop them in order (`stopAll`, `stopProcess`); this only
 * covers a crash, after which a failover bench once left a ZooKeeper, two
 * masters and four simulators running for 25 minutes, loading the machine the
 * next benchmarks measured.
 */
import type { ChildProcess } from 'node:child_process';

const children = new Set<ChildProcess>();
let hooked = false;

function killAll(): void {
  for (const child of children) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // ESRCH: it went meanwhile.
      }
    }
  }
  children.clear();
}

/** Registers `child` (spawned by this process) to be SIGKILLed if this process ends first; returns it. */
export function reapOnExit<T extends ChildProcess>(child: T): T {
  if (!hooked) {
    hooked = true;
    process.on('exit', killAll);
    // Without a handler these signals end the process without 'exit'; with one, exit as they would.
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      if (process.listenerCount(signal) === 0) process.once(signal, () => process.exit(128 + (signal === 'SIGTERM' ? 15 : 2)));
    }
  }
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
