/**
 * Time as an input. Daemons take a `Clock` so tests and the simulator can drive
 * time; pure modules take `now` (ms since the epoch) as an argument instead.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };
