/**
 * Links from a Chronos run to its sandbox in the master's UI
 * (`http://<master>/#/browse?path=…`). The path is the executor's virtual
 * sandbox path `/frameworks/<fw>/executors/<executor>/runs/latest`, which
 * every agent attaches for its executors (running or completed) and which the
 * master forwards to the owning agent — the same form the Marathon UI links
 * to, so no agent `work_dir` is needed. Pure.
 */
import { href } from '../lib/route.js';
import type { MasterLink, TaskStat } from './chronos-types.js';

/** The master UI's root (`http://host:port/`) for `GET /master`'s answer; undefined while Chronos follows none. */
export function masterUiRoot(link: MasterLink | undefined, protocol = 'http:'): string | undefined {
  if (!link?.master) return undefined;
  return `${protocol}//${link.master}/`;
}

/** The run's sandbox directory as the master's files API names it, or undefined without the ids it needs. */
export function sandboxPath(run: TaskStat, frameworkId: string | null | undefined): string | undefined {
  const fw = run.frameworkId || frameworkId;
  const executor = run.executorId || run.taskId;
  if (!fw || !executor) return undefined;
  return `/frameworks/${fw}/executors/${executor}/runs/latest`;
}

/** `<root>#/browse?path=<sandbox>` (or `#/view?path=<sandbox>/<file>` when `file` is given), or undefined. */
export function sandboxHref(root: string | undefined, run: TaskStat, frameworkId: string | null | undefined, file?: string): string | undefined {
  const path = sandboxPath(run, frameworkId);
  if (!root || !path) return undefined;
  return `${root}${file ? href('view', { path: `${path}/${file}` }) : href('browse', { path })}`;
}
