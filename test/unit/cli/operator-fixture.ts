/**
 * A small `/master/state` and `/slave(1)/state` pair in classic JSON, shaped
 * as our master and agent (and Mesos 1.x) serve them, for the operator
 * command tests.
 */
import type { AgentState, MasterState } from '../../../src/cli/operator/classic-json.js';

export const FW_A = 'f0-0000';
export const FW_B = 'f0-0001';
export const AGENT_1 = 'a1-S0';
export const AGENT_2 = 'a1-S1';

const cpusMem = (cpus: number, mem: number) => ({ cpus, mem, disk: 0, gpus: 0 });

export const MASTER_STATE: MasterState = {
  id: 'm1',
  pid: 'master@127.0.0.1:5050',
  slaves: [
    {
      id: AGENT_2,
      pid: 'slave(1)@10.0.0.2:5052',
      hostname: 'host-b',
      port: 5052,
      resources: { cpus: 4, mem: 8192, disk: 1024 * 1024 },
      used_resources: cpusMem(0, 0),
      attributes: {},
      active: false,
    },
    {
      id: AGENT_1,
      pid: 'slave(1)@10.0.0.1:5051',
      hostname: 'host-a',
      port: 5051,
      resources: { cpus: 2, mem: 1536, disk: 2048 },
      used_resources: { cpus: 0.6, mem: 160, disk: 0 },
      attributes: { zone: 'z1', rack: 3 },
      active: true,
    },
  ],
  frameworks: [
    {
      id: FW_A,
      name: 'marathon',
      active: true,
      connected: true,
      role: '*',
      used_resources: cpusMem(0.6, 160),
      tasks: [
        {
          id: 'web.1',
          name: 'web',
          framework_id: FW_A,
          executor_id: '',
          slave_id: AGENT_1,
          state: 'TASK_RUNNING',
          resources: cpusMem(0.5, 128),
          statuses: [
            { state: 'TASK_STARTING', timestamp: 1000 },
            { state: 'TASK_RUNNING', timestamp: 1001.5 },
          ],
        },
        {
          id: 'job-1',
          name: 'job',
          framework_id: FW_A,
          executor_id: 'custom-ex',
          slave_id: AGENT_1,
          state: 'TASK_STAGING',
          resources: cpusMem(0.1, 32),
          statuses: [],
        },
      ],
      unreachable_tasks: [],
      completed_tasks: [
        {
          id: 'web.0',
          name: 'web',
          framework_id: FW_A,
          executor_id: '',
          slave_id: AGENT_1,
          state: 'TASK_FAILED',
          resources: cpusMem(0.5, 128),
          statuses: [
            { state: 'TASK_RUNNING', timestamp: 900 },
            { state: 'TASK_FAILED', timestamp: 950 },
          ],
        },
      ],
    },
    {
      id: FW_B,
      name: 'chronos',
      active: false,
      connected: false,
      roles: ['batch', 'dev'],
      tasks: [],
      completed_tasks: [
        {
          id: 'web.1',
          name: 'nightly',
          framework_id: FW_B,
          slave_id: 'gone-S9',
          state: 'TASK_FINISHED',
          resources: cpusMem(1, 64),
          statuses: [{ state: 'TASK_FINISHED', timestamp: 800 }],
        },
      ],
    },
  ],
  completed_frameworks: [
    {
      id: 'f0-0002',
      name: 'mesos-execute instance',
      active: false,
      connected: false,
      role: '*',
      tasks: [],
      completed_tasks: [
        {
          id: 'hello',
          name: 'hello',
          framework_id: 'f0-0002',
          slave_id: AGENT_1,
          state: 'TASK_FINISHED',
          resources: cpusMem(1, 128),
          statuses: [
            { state: 'TASK_RUNNING', timestamp: 700 },
            { state: 'TASK_FINISHED', timestamp: 701 },
          ],
        },
      ],
    },
  ],
};

export const AGENT_STATE: AgentState = {
  id: AGENT_1,
  pid: 'slave(1)@10.0.0.1:5051',
  frameworks: [
    {
      id: FW_A,
      executors: [
        {
          id: 'web.1',
          directory: '/w/slaves/a1-S0/frameworks/f0-0000/executors/web.1/runs/c2',
          tasks: [{ id: 'web.1', framework_id: FW_A, slave_id: AGENT_1, state: 'TASK_RUNNING' }],
          queued_tasks: [],
          completed_tasks: [],
        },
        {
          id: 'group-ex',
          type: 'DEFAULT',
          directory: '/w/slaves/a1-S0/frameworks/f0-0000/executors/group-ex/runs/c3',
          tasks: [{ id: 'job-1', framework_id: FW_A, slave_id: AGENT_1, state: 'TASK_RUNNING' }],
          queued_tasks: [],
          completed_tasks: [],
        },
      ],
      completed_executors: [
        {
          id: 'web.0',
          directory: '/w/slaves/a1-S0/frameworks/f0-0000/executors/web.0/runs/c1',
          tasks: [],
          queued_tasks: [],
          completed_tasks: [{ id: 'web.0', framework_id: FW_A, slave_id: AGENT_1, state: 'TASK_FAILED' }],
        },
      ],
    },
  ],
  completed_frameworks: [
    {
      id: 'f0-0002',
      executors: [],
      completed_executors: [
        {
          id: 'hello',
          directory: '/w/slaves/a1-S0/frameworks/f0-0002/executors/hello/runs/c0',
          completed_tasks: [{ id: 'hello', framework_id: 'f0-0002', slave_id: AGENT_1, state: 'TASK_FINISHED' }],
        },
      ],
    },
  ],
};
