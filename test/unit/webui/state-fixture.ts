/** A small /master/state: two agents, an active framework with running, unreachable and finished tasks, a completed framework. */
import type { ClassicTask, MasterState } from '../../../src/webui/src/master/state-types.js';

function task(id: string, frameworkId: string, agentId: string, state: string, started: number): ClassicTask {
  return {
    id,
    name: id,
    framework_id: frameworkId,
    executor_id: '',
    slave_id: agentId,
    state,
    resources: { cpus: 0.1, mem: 32 },
    statuses: [{ state: 'TASK_RUNNING', timestamp: started }],
  };
}

export const STATE: MasterState = {
  activated_slaves: 2,
  slaves: [
    { id: 'S1', pid: 'slave(1)@10.0.0.1:5051', hostname: 'a1.example', active: true, resources: { cpus: 2, mem: 100 }, used_resources: { cpus: 0.5, mem: 64 } },
    { id: 'S2', pid: 'slave(1)@10.0.0.2:5051', hostname: 'a2.example', active: true, resources: { cpus: 1, mem: 50 }, used_resources: { cpus: 0.1, mem: 32 } },
  ],
  frameworks: [
    {
      id: 'F1',
      name: 'marathon',
      active: true,
      tasks: [task('web-1', 'F1', 'S1', 'TASK_RUNNING', 10), task('web-2', 'F1', 'S2', 'TASK_RUNNING', 20)],
      unreachable_tasks: [task('lost-1', 'F1', 'S1', 'TASK_UNREACHABLE', 5)],
      completed_tasks: [task('done-1', 'F1', 'S1', 'TASK_FINISHED', 3)],
    },
  ],
  completed_frameworks: [{ id: 'F2', name: 'old', active: false, completed_tasks: [task('old-1', 'F2', 'S2', 'TASK_KILLED', 1)] }],
};
