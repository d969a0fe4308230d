/**
 * What the apps list shows: each app's status as Marathon's UI names it, and
 * the group tree (ids are paths; groups are folders). Pure.
 */
import type { Deployment, MarathonApp, QueueItem } from './marathon-types.js';

/** Marathon UI statuses, in the order a list sorts them. */
export type AppStatus = 'deploying' | 'delayed' | 'waiting' | 'suspended' | 'running';

/**
 * An app's status: deploying while a deployment touches it; delayed while its
 * launch backs off; waiting while instances sit in the launch queue (no fitting
 * offer); suspended at 0 instances with none running; else running.
 */
export function appStatus(app: MarathonApp, queue: QueueItem | undefined, deployments: Deployment[]): AppStatus {
  const deploying = (app.deployments?.length ?? 0) > 0 || deployments.some((d) => d.affectedApps.includes(app.id));
  if (queue && queue.delay && !queue.delay.overdue && (queue.delay.timeLeftSeconds ?? 0) > 0) return 'delayed';
  if (deploying) return 'deploying';
  if (queue && queue.count > 0) return 'waiting';
  if ((app.instances ?? 0) === 0 && (app.tasksRunning ?? 0) === 0) return 'suspended';
  return 'running';
}

/** A folder in the apps list: its full id, and what lies beneath it. */
export interface GroupEntry {
  id: string;
  name: string;
  apps: number;
  instances: number;
  running: number;
  cpus: number;
  mem: number;
}

/** The parent group of an id: `/a/b/c` → `/a/b`; `/a` → `/`. */
export function parentGroup(id: string): string {
  const at = id.lastIndexOf('/');
  return at <= 0 ? '/' : id.slice(0, at);
}

/**
 * The folder view of `group`: its subgroups (with totals over every app below
 * them) and the apps directly in it. Sorted by id.
 */
export function groupView(apps: MarathonApp[], group: string): { groups: GroupEntry[]; apps: MarathonApp[] } {
  const prefix = group === '/' ? '/' : `${group}/`;
  const groups = new Map<string, GroupEntry>();
  const direct: MarathonApp[] = [];
  for (const app of apps) {
    if (!app.id.startsWith(prefix)) continue;
    const rest = app.id.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) {
      direct.push(app);
      continue;
    }
    const name = rest.slice(0, slash);
    const id = `${prefix}${name}`;
    const entry = groups.get(id) ?? { id, name, apps: 0, instances: 0, running: 0, cpus: 0, mem: 0 };
    entry.apps++;
    entry.instances += app.instances ?? 0;
    entry.running += app.tasksRunning ?? 0;
    entry.cpus += (app.cpus ?? 0) * (app.instances ?? 0);
    entry.mem += (app.mem ?? 0) * (app.instances ?? 0);
    groups.set(id, entry);
  }
  return {
    groups: [...groups.values()].sort((a, b) => a.id.localeCompare(b.id)),
    apps: direct.sort((a, b) => a.id.localeCompare(b.id)),
  };
}

/** Apps whose id contains `text` (case-insensitive), anywhere in the tree. */
export function searchApps(apps: MarathonApp[], text: string): MarathonApp[] {
  const needle = text.trim().toLowerCase();
  return apps.filter((a) => a.id.toLowerCase().includes(needle) || (a.cmd ?? '').toLowerCase().includes(needle));
}

/** Health shares for the health bar: healthy, unhealthy, running without a verdict, staged; counts. */
export function healthShares(app: MarathonApp): { healthy: number; unhealthy: number; unknown: number; staged: number } {
  const healthy = app.tasksHealthy ?? 0;
  const unhealthy = app.tasksUnhealthy ?? 0;
  const running = app.tasksRunning ?? 0;
  return { healthy, unhealthy, unknown: Math.max(0, running - healthy - unhealthy), staged: app.tasksStaged ?? 0 };
}
