/**
 * CPU profile of the bench process itself over a chosen window, the same
 * `.cpuprofile` format `node --cpu-prof` writes (so `summarizeCpuProfile`
 * reads it). Why not `--cpu-prof`: that flag covers the whole life of the
 * process, start-up and cluster setup included, while a bench wants the window
 * where it drives the load; and it must be given when node starts.
 */
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';

/** A running profile; `stop` writes it to `path` and returns that path. */
export interface SelfProfile {
  stop(path: string): Promise<string>;
}

/**
 * Starts sampling this process every `intervalUs` microseconds (default 1000,
 * `--cpu-prof-interval`'s default). Rejects if the inspector cannot be opened.
 */
export async function startSelfProfile(intervalUs = 1000): Promise<SelfProfile> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await session.post('Profiler.start');
  return {
    async stop(path: string): Promise<string> {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      writeFileSync(path, JSON.stringify(profile));
      return path;
    },
  };
}
