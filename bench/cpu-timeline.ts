/**
 * Samples, every few tens of ms, where a bench's processes and the machine
 * spent CPU time, so that a slow stretch found afterwards (a latency outlier)
 * can be explained: was a process's event loop busy, was it ready but waiting
 * for a core, or was the machine busy with something the bench did not start?
 *
 * Linux only (/proc); elsewhere every figure reads 0.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpuMs, machineTimes, mainThreadSchedStat, round } from './bench-util.js';

/** A group of processes, e.g. the master, or the five simulators together. */
export interface ProcessGroup {
  name: string;
  pids: number[];
}

/** One group's use of the CPU over a stretch, ms (sums over its processes). */
export interface GroupCpu {
  name: string;
  /** Main threads (event loops) on a CPU. */
  mainRunMs: number;
  /** Main threads ready to run while every CPU was busy with something else. */
  mainWaitMs: number;
  /** All threads (V8's and libuv's helpers too), user + system; 10 ms resolution. */
  processMs: number;
}

/** Where the CPU time went over a stretch [fromMs, toMs] of `performance.now()`. */
export interface CpuStretch {
  fromMs: number;
  toMs: number;
  groups: GroupCpu[];
  /** Busy time of all CPUs together (so up to 2 × the stretch on two cores). */
  machineBusyMs: number;
  /** Of it, the kernel's own time (system, irq, softirq), the groups' system calls included. */
  machineKernelMs: number;
  /** Of it, time the hypervisor gave to other guests while this machine had work (/proc/stat steal). */
  machineStealMs: number;
  /** Machine busy time no group accounts for: steal, the kernel's own threads, processes the bench did not start. */
  otherMs: number;
}

interface Sample {
  at: number;
  machine: { busyMs: number; kernelMs: number; stealMs: number };
  /** Per group: [main run, main wait, process CPU]. */
  groups: Array<[number, number, number]>;
}

/** Takes samples until stopped; `stretch` answers for any time between the first and the last. */
export class CpuTimeline {
  private readonly samples: Sample[] = [];
  private readonly timer: NodeJS.Timeout;

  /** Starts sampling `groups` every `intervalMs` (default 50 ms). */
  constructor(
    private readonly groups: readonly ProcessGroup[],
    intervalMs = 50,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Takes a last sample and stops. */
  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  /**
   * CPU use between the last sample at or before `fromMs` and the first at or
   * after `toMs` (so the stretch reported may be up to one interval wider on
   * each side). All zeros before a second sample exists.
   */
  stretch(fromMs: number, toMs: number): CpuStretch {
    let first = 0;
    while (first + 1 < this.samples.length - 1 && this.samples[first + 1]!.at <= fromMs) first++;
    let last = this.samples.length - 1;
    while (last - 1 > first && this.samples[last - 1]!.at >= toMs) last--;
    const a = this.samples[first]!;
    const b = this.samples[last]!;
    const groups = this.groups.map((g, i): GroupCpu => {
      const [runA, waitA, cpuA] = a.groups[i]!;
      const [runB, waitB, cpuB] = b.groups[i]!;
      return { name: g.name, mainRunMs: round(runB - runA), mainWaitMs: round(waitB - waitA), processMs: round(cpuB - cpuA) };
    });
    const machine = b.machine.busyMs - a.machine.busyMs;
    const accounted = groups.reduce((sum, g) => sum + g.processMs, 0);
    return {
      fromMs: round(a.at),
      toMs: round(b.at),
      groups,
      machineBusyMs: round(machine),
      machineKernelMs: round(b.machine.kernelMs - a.machine.kernelMs),
      machineStealMs: round(b.machine.stealMs - a.machine.stealMs),
      otherMs: round(Math.max(0, machine - accounted)),
    };
  }

  private sample(): void {
    this.samples.push({
      at: performance.now(),
      machine: machineTimes(),
      groups: this.groups.map((g) => {
        let run = 0;
        let wait = 0;
        let cpu = 0;
        for (const pid of g.pids) {
          const s = mainThreadSchedStat(pid);
          run += s.runMs;
          wait += s.waitMs;
          cpu += pid === process.pid ? selfCpuMs() : cpuMs(pid);
        }
        return [run, wait, cpu];
      }),
    });
  }
}

/** This process's CPU time so far (user + system, all threads), ms, at µs resolution. */
function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** One line: the stretch's length and each group's main-thread run/wait and process CPU, and the rest of the machine. */
export function describeStretch(s: CpuStretch): string {
  const groups = s.groups.map((g) => `${g.name} ${g.mainRunMs}/${g.mainWaitMs} (${g.processMs})`).join(', ');
  return `${round(s.toMs - s.fromMs)} ms: main threads ms on a CPU/waiting for one (all threads' CPU ms): ${groups}; machine busy ${s.machineBusyMs} ms (kernel ${s.machineKernelMs}, stolen by the hypervisor ${s.machineStealMs}), of which ${s.otherMs} ms by none of these`;
}

/**
 * The kernel's memory-management threads (kswapd, kcompactd, and kdamond, which
 * DAMON-based proactive reclaim runs), by their names in /proc: work of theirs
 * competes with a bench's processes for the CPU. Empty where /proc is not.
 */
export function kernelMemoryThreads(): ProcessGroup {
  const pids: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return { name: 'kswapd/kcompactd/kdamond', pids };
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (/^(kswapd|kcompactd|kdamond)/.test(readFileSync(`/proc/${entry}/comm`, 'utf8'))) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return { name: 'kswapd/kcompactd/kdamond', pids };
}
