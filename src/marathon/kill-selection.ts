/**
 * Which instances go when an app scales down (§6.4): instances not launched
 * yet first, then by condition (Unreachable < Staging < Starting < Running <
 * others), then — for apps with a GROUP_BY constraint — those on the most
 * crowded values, ties broken by `killSelection` (YOUNGEST_FIRST: most
 * recently staged first). Pure.
 */
import type { AppDefinition } from './app-definition.js';
import { fieldValue, parseConstraint } from './constraints.js';
import type { Instance } from './instance.js';

const WEIGHT: Record<string, number> = {
  Scheduled: 0,
  Unreachable: 1,
  UnreachableInactive: 1,
  Staging: 2,
  Starting: 3,
  Running: 4,
};

function weight(i: Instance): number {
  return WEIGHT[i.condition] ?? 5;
}

function stagedAt(i: Instance): number {
  return i.task?.stagedAt ?? i.scheduledAt;
}

/**
 * Picks `count` victims among `instances` (the app's goal-Running instances),
 * in kill order. Deterministic: ties end on instance id.
 */
export function selectVictims(app: Pick<AppDefinition, 'killSelection' | 'constraints'>, instances: readonly Instance[], count: number): Instance[] {
  if (count <= 0) return [];
  const groupBy = app.constraints.map(parseConstraint).find((c) => c.operator === 'GROUP_BY');
  const left = [...instances];
  const victims: Instance[] = [];
  while (victims.length < count && left.length > 0) {
    const crowd = new Map<string, number>();
    if (groupBy) {
      for (const i of left) {
        const v = i.task ? fieldValue(groupBy.field, { hostname: i.task.host, attributes: i.task.attributes }) : undefined;
        if (v !== undefined) crowd.set(v, (crowd.get(v) ?? 0) + 1);
      }
    }
    const crowdOf = (i: Instance): number => {
      if (!groupBy || !i.task) return 0;
      const v = fieldValue(groupBy.field, { hostname: i.task.host, attributes: i.task.attributes });
      return v === undefined ? 0 : (crowd.get(v) ?? 0);
    };
    left.sort((a, b) => {
      const w = weight(a) - weight(b);
      if (w !== 0) return w;
      const c = crowdOf(b) - crowdOf(a);
      if (c !== 0) return c;
      const t = app.killSelection === 'YOUNGEST_FIRST' ? stagedAt(b) - stagedAt(a) : stagedAt(a) - stagedAt(b);
      if (t !== 0) return t;
      return a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0;
    });
    victims.push(left.shift()!);
  }
  return victims;
}
