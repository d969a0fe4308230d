/**
 * TaskGauges as AgentTasks keeps them: after every step of a seeded sequence of
 * filings, state changes, replacements, removals and moves between agents, each
 * agent's gauges equal a recount of the tasks filed on it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentTasks } from '../../../src/master/agent-tasks.js';
import { MasterTask } from '../../../src/master/task.js';
import type { Resource, TaskState } from '../../../src/mesos/types.js';

const STATES: TaskState[] = ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_UNREACHABLE', 'TASK_UNKNOWN', 'TASK_FINISHED', 'TASK_FAILED', 'TASK_LOST'];

const resources = (cpus: number, mem: number): Resource[] => [
  { name: 'cpus', type: 'SCALAR', scalar: { value: cpus } },
  { name: 'mem', type: 'SCALAR', scalar: { value: mem } },
  { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 31001 }] } },
];

/** A small deterministic generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LIVE_COUNTED: Partial<Record<TaskState, number>> = { TASK_STAGING: 0, TASK_STARTING: 1, TASK_RUNNING: 2, TASK_KILLING: 3, TASK_UNREACHABLE: 4, TASK_UNKNOWN: 5 };

/** The gauges' figures recounted from the tasks filed, without TaskGauges: counts by live state, then cpus and mem used. */
function recount(tasks: AgentTasks): number[] {
  const figures = [0, 0, 0, 0, 0, 0, 0, 0];
  for (const task of tasks.values()) {
    const slot = LIVE_COUNTED[task.state];
    if (slot === undefined) continue;
    figures[slot]!++;
    for (const r of task.resources) if (r.name === 'cpus' || r.name === 'mem') figures[r.name === 'cpus' ? 6 : 7]! += r.scalar!.value;
  }
  return figures.map((n) => Math.round(n * 1000) / 1000);
}

function assertGauges(tasks: AgentTasks, step: number): void {
  const g = tasks.gauges;
  const kept = [g.staging, g.starting, g.running, g.killing, g.unreachable, g.otherLive, g.used[0]!, g.used[1]!];
  assert.deepEqual(kept, recount(tasks), `after step ${step}`);
}

describe('TaskGauges', () => {
  it('counts a task by its state while filed, with its scalars used only while live', () => {
    const tasks = new AgentTasks();
    const t = new MasterTask({ name: 't', task_id: { value: 't' } }, 'F1', 'A', '', '*', resources(0.5, 64), undefined);
    tasks.set(t);
    assert.equal(tasks.gauges.staging, 1);
    t.state = 'TASK_RUNNING';
    assert.deepEqual([tasks.gauges.staging, tasks.gauges.running, tasks.gauges.used[0], tasks.gauges.used[1]], [0, 1, 0.5, 64]);
    t.state = 'TASK_FINISHED';
    assert.deepEqual([tasks.gauges.running, tasks.gauges.used[0], tasks.gauges.used[1]], [0, 0, 0]);
    tasks.delete('F1', 't');
    t.state = 'TASK_RUNNING';
    assert.equal(tasks.gauges.running, 0, 'a task taken away is no longer counted');
  });

  it('leaves a task counted where it was filed last when an earlier agent record lets it go', () => {
    const before = new AgentTasks();
    const after = new AgentTasks();
    const t = new MasterTask({ name: 't', task_id: { value: 't' } }, 'F1', 'A', '', '*', resources(1, 64), undefined);
    t.state = 'TASK_RUNNING';
    before.set(t);
    after.set(t);
    assert.deepEqual([before.gauges.running, after.gauges.running], [0, 1]);
    before.delete('F1', 't');
    assert.equal(after.gauges.running, 1);
    assert.equal(after.gauges.used[0], 1);
  });

  it('matches a recount after every step of 5,000 random filings, state changes, replacements, removals and moves', () => {
    const next = random(20261123);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
    const agents = [new AgentTasks(), new AgentTasks(), new AgentTasks()];
    const made: MasterTask[] = [];
    for (let step = 0; step < 5000; step++) {
      const roll = next();
      if (roll < 0.3 || made.length === 0) {
        // Ids from a small pool, so namesakes of two frameworks and replacements happen.
        const id = `t${Math.floor(next() * 12)}`;
        const task = new MasterTask({ name: id, task_id: { value: id } }, pick(['F1', 'F2']), 'A', '', '*', resources(pick([0.1, 0.25, 1]), pick([16, 32])), undefined);
        task.state = pick(STATES);
        made.push(task);
        pick(agents).set(task);
      } else if (roll < 0.7) {
        pick(made).state = pick(STATES);
      } else if (roll < 0.85) {
        const task = pick(made);
        for (const agent of agents) agent.delete(task.frameworkId, task.id);
      } else {
        // Filed again, here or, taken from where it was, on another agent.
        const task = pick(made);
        const target = pick(agents);
        for (const agent of agents) if (agent !== target && agent.get(task.frameworkId, task.id) === task) agent.delete(task.frameworkId, task.id);
        target.set(task);
      }
      for (const agent of agents) assertGauges(agent, step);
    }
  });
});
