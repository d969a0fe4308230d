/**
 * Leadership terms of a framework process (Marathon, Chronos): `takeOver` when
 * elected, `stepDown` when defeated or stopping, one after the other and never
 * overlapping. A term that fails to start abdicates under ZooKeeper, so another
 * candidate can lead; a solo process (no ZooKeeper) has its first term as part
 * of starting, so a bad store or master fails the start instead.
 */
import type { Leadership } from './leadership.js';

/** What `runLeadershipTerms` needs from its caller. */
export interface LeadershipTermsOptions {
  /** The election; started here. */
  leadership: Leadership;
  /** True when `leadership` is a solo one (this process leads at once, no ZooKeeper). */
  solo: boolean;
  /** Starts leading; should return quietly when the process stopped meanwhile. */
  takeOver(): Promise<void>;
  /** Stops leading (`reason`: why; 'stopping' on shutdown). */
  stepDown(reason: string): Promise<void>;
  /** Framework name for log lines (`Marathon`, `Chronos`). */
  name: string;
  logger: { error(message: string): void };
}

/** Handle on the running terms. */
export interface LeadershipTerms {
  /** Runs `step` after every transition queued so far; resolves when it has run. */
  enqueue(step: () => Promise<void>): Promise<void>;
}

/**
 * Wires `options.leadership` to the terms and starts it; with a solo
 * leadership, also waits for the first term.
 * @throws what `leadership.start()` throws, or (solo) what the first `takeOver` throws.
 */
export async function runLeadershipTerms(options: LeadershipTermsOptions): Promise<LeadershipTerms> {
  const { leadership, logger } = options;
  let transitions: Promise<void> = Promise.resolve();
  const enqueue = (step: () => Promise<void>): Promise<void> => {
    // A failed term must not stop the ones after it.
    const next = transitions.catch(() => undefined).then(step);
    transitions = next;
    return next;
  };
  let firstTerm: Promise<void> | undefined;
  leadership.on('elected', () => {
    const started = enqueue(options.takeOver);
    if (options.solo && !firstTerm) firstTerm = started;
    started.catch(async (error: unknown) => {
      logger.error(`Failed to take over as the ${options.name} leader: ${(error as Error).message}`);
      if (!options.solo) await leadership.abdicate().catch(() => undefined);
    });
  });
  leadership.on('defeated', (reason) => {
    enqueue(() => options.stepDown(reason)).catch((e: unknown) => logger.error(`Stepping down failed: ${(e as Error).message}`));
  });
  await leadership.start();
  if (firstTerm) await firstTerm;
  return { enqueue };
}

/**
 * Waits for `pending` (e.g. a store flush) at most `boundMs` ms: a store that
 * stopped answering must not keep a stepping-down leader from finishing.
 */
export async function settleWithin(pending: Promise<unknown>, boundMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([pending.then(() => undefined, () => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, boundMs)))]);
  clearTimeout(timer);
}
