/**
 * The v1 executor API's Call and Event shapes (`mesos.v1.executor.Call` /
 * `Event`, JSON form; reference §3). Shared by the agent (server side) and the
 * executor library (client side). Every Call carries `framework_id` and
 * `executor_id` at top level.
 */
import type {
  AgentInfo,
  ContainerID,
  ExecutorID,
  ExecutorInfo,
  FrameworkID,
  FrameworkInfo,
  KillPolicy,
  TaskGroupInfo,
  TaskID,
  TaskInfo,
  TaskStatus,
} from './types.js';

/** `mesos.v1.executor.Call`. */
export type ExecutorCall =
  | (CallIds & {
      type: 'SUBSCRIBE';
      subscribe: { unacknowledged_tasks?: TaskInfo[]; unacknowledged_updates?: Array<{ status: TaskStatus }> };
    })
  | (CallIds & { type: 'UPDATE'; update: { status: TaskStatus } })
  | (CallIds & { type: 'MESSAGE'; message: { data: string } })
  | (CallIds & { type: 'HEARTBEAT' });

export interface CallIds {
  framework_id: FrameworkID;
  executor_id: ExecutorID;
}

/** `mesos.v1.executor.Event`. */
export type ExecutorEvent =
  | {
      type: 'SUBSCRIBED';
      subscribed: {
        executor_info: ExecutorInfo;
        framework_info: FrameworkInfo & { id: FrameworkID };
        agent_info: AgentInfo;
        container_id: ContainerID;
      };
    }
  | { type: 'LAUNCH'; launch: { task: TaskInfo } }
  | { type: 'LAUNCH_GROUP'; launch_group: { task_group: TaskGroupInfo } }
  | { type: 'KILL'; kill: { task_id: TaskID; kill_policy?: KillPolicy } }
  | { type: 'ACKNOWLEDGED'; acknowledged: { task_id: TaskID; uuid: string } }
  | { type: 'MESSAGE'; message: { data: string } }
  | { type: 'ERROR'; error: { message: string } }
  | { type: 'SHUTDOWN' }
  | { type: 'HEARTBEAT' };
