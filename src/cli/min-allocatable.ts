/**
 * Parses `--min_allocatable_resources` (`cpus:0.01|mem:32`): alternatives joined
 * by `|`, each a `;`-joined list of `name:quantity`. Throws FlagError.
 */
import { FlagError } from './flags.js';

export function parseMinAllocatable(text: string): Array<Record<string, number>> {
  return text.split('|').map((alternative) => {
    const set: Record<string, number> = {};
    for (const part of alternative.split(';')) {
      const [name, value, ...rest] = part.split(':');
      const quantity = Number(value);
      if (!name?.trim() || value === undefined || rest.length > 0 || !Number.isFinite(quantity) || quantity < 0) {
        throw new FlagError(`Invalid --min_allocatable_resources '${text}': bad quantity '${part}'`, 'min_allocatable_resources');
      }
      set[name.trim()] = quantity;
    }
    return set;
  });
}
