/**
 * V8 flags a master process sets on itself at start (`meseta master`).
 *
 * Why: a master's steady work (offers, ACCEPTs, status updates) replaces small
 * per-agent records — offers, the allocator's resource lists — that live until
 * that agent's next launch, seconds later, and then die. Measured with the
 * master-scale bench (1,000 launches/s, 10,000 and 50,000 agents), V8's
 * allocation-site pretenuring made this much worse: during agent registration
 * nearly everything the resource arithmetic allocates survives, so V8 decides
 * to allocate those sites (e.g. in `normalizeResources`) straight into the old
 * generation, and keeps doing so once the same code runs on the launch path,
 * where its results are temporaries. They then sit in the old generation until
 * the next mark-compact, which at a 350 MB live heap is hundreds of MB away.
 * Old-generation growth per launched task: ~8.6 kB with pretenuring, ~4 kB
 * without; the live heap per task is ~1.4 kB either way. Without pretenuring
 * those objects die in the young generation, where collecting them is cheap.
 * Mesos itself has no such setting (C++ frees at once); this has no Mesos field.
 */

/** A V8 flag a meseta process sets on itself, and the name it goes by among node's own arguments. */
export interface ProcessV8Flag {
  /** The flag as `v8.setFlagsFromString` takes it, e.g. `--no-allocation-site-pretenuring`. */
  readonly flag: string;
  /** The flag's name without `--`/`--no-` and with `_` as `-`, to recognise it in node's own arguments. */
  readonly name: string;
}

/** The flags a master sets on itself; see the module comment for the measurements behind each. */
export const MASTER_V8_FLAGS: readonly ProcessV8Flag[] = [
  { flag: '--no-allocation-site-pretenuring', name: 'allocation-site-pretenuring' },
];

/**
 * The flags of `flags` to set, given node's own command-line arguments
 * (`process.execArgv`) and `NODE_OPTIONS`: a flag the operator gave node
 * explicitly, in either form (`--x`, `--no-x`, `--x=…`, `_` or `-`), is left
 * to the operator. Pure: returns a new list, throws nothing.
 */
export function v8FlagsToSet(flags: readonly ProcessV8Flag[], execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = new Set<string>();
  for (const arg of [...execArgv, ...nodeOptions.split(/\s+/)]) {
    if (!arg.startsWith('--')) continue;
    const name = arg.slice(2).split('=')[0]!.replace(/_/g, '-');
    given.add(name.startsWith('no-') ? name.slice(3) : name);
  }
  return flags.filter((f) => !given.has(f.name)).map((f) => f.flag);
}
