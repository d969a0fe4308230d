/**
 * Roles as `/master/roles` and GET_ROLES show them: every role a framework
 * subscribed with, that has a weight, or that holds resources; with its weight,
 * frameworks, and allocated and offered resources.
 */
import { isTerminalState } from '../mesos/task-states.js';
import { normalizeResources, reservationRole } from '../mesos/resources.js';
import type { Resource } from '../mesos/types.js';
import type { Master } from './master.js';

export interface RoleView {
  name: string;
  weight: number;
  frameworks: string[];
  allocated: Resource[];
  offered: Resource[];
  reserved: Resource[];
}

/** Roles sorted by name. */
export function listRoles(master: Master): RoleView[] {
  const roles = new Map<string, RoleView>();
  const role = (name: string): RoleView => {
    let view = roles.get(name);
    if (!view) {
      view = { name, weight: master.weights[name] ?? 1, frameworks: [], allocated: [], offered: [], reserved: [] };
      roles.set(name, view);
    }
    return view;
  };
  for (const name of Object.keys(master.weights)) role(name);
  // Lists are gathered per role and normalized once at the end: a running total
  // re-normalized per task grew quadratic with port ranges.
  const parts = new Map<RoleView, { allocated: Resource[][]; offered: Resource[][]; reserved: Resource[] }>();
  const partsOf = (name: string) => {
    const view = role(name);
    let p = parts.get(view);
    if (!p) parts.set(view, (p = { allocated: [], offered: [], reserved: [] }));
    return p;
  };
  for (const framework of master.frameworks.values()) {
    for (const name of framework.roles) role(name).frameworks.push(framework.id);
    for (const task of framework.tasks.values()) {
      if (!isTerminalState(task.state)) partsOf(task.role).allocated.push(task.resources);
    }
    for (const offer of framework.offers.values()) partsOf(offer.allocation_info?.role ?? '*').offered.push(offer.resources);
  }
  for (const agent of master.agents.values()) {
    for (const resource of agent.total) {
      const name = reservationRole(resource);
      if (name !== '*') partsOf(name).reserved.push(resource);
    }
  }
  for (const [view, p] of parts) {
    view.allocated = normalizeResources(p.allocated.flat());
    view.offered = normalizeResources(p.offered.flat());
    view.reserved = normalizeResources(p.reserved);
  }
  return [...roles.values()].sort((a, b) => a.name.localeCompare(b.name));
}
