/**
 * Flags as the strings `/flags` and `/master/state` show, Mesos style
 * (`15secs`, `true`), from loaded values.
 */
import { formatBytes, formatDuration } from '../mesos/durations.js';
import type { FlagDef, FlagValues } from './flags.js';

/** Renders every flag that has a value (given or default). */
export function flagStrings(defs: FlagDef[], values: FlagValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const def of defs) {
    const value = values[def.name];
    if (value === undefined) continue;
    if (def.type === 'duration' && typeof value === 'number') out[def.name] = formatDuration(value);
    else if (def.type === 'bytes' && typeof value === 'number') out[def.name] = formatBytes(value);
    else out[def.name] = String(value);
  }
  return out;
}
