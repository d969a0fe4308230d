/**
 * The master↔agent channel. Mesos speaks libprocess messages here; Meseta uses the
 * same HTTP + RecordIO pattern as the scheduler API:
 *
 *   agent ── POST /master/api/v1/agent {type: REGISTER | REREGISTER} ──► master
 *         ◄── 200, RecordIO stream of AgentEvent (REGISTERED first, then RUN_TASK, KILL_TASK, PING, …)
 *   agent ── POST /master/api/v1/agent {type: STATUS_UPDATE | PONG | …, agent_id} ──► 202
 *   master ─ POST <agent>/slave(1)/api/v1/master is not used: everything the master
 *            tells the agent rides the stream the agent opened.
 *
 * The stream carries header `Mesos-Stream-Id`; every later call from the agent must
 * carry it, so a stale agent connection cannot act after a newer one replaced it.
 * Many agents of one process may share one connection, a *link*, as every actor of
 * a libprocess process shares one socket to a peer (Mesos's own emulated agents in
 * its master benchmarks are such actors):
 *
 *   process ── POST {type: LINK} ──► master
 *           ◄── 200, RecordIO stream of LinkEnvelope, `Mesos-Stream-Id` = the link's id
 *   process ── POST {type: BATCH, batch: {calls: [{channel, call}, …]}} with the link's id ──► 200 {statuses}
 *
 * Each agent's channel on a link is named by the process (`channel`, new for each
 * registration attempt); a REGISTER/REREGISTER in a batch opens that channel, its
 * events arrive in envelopes naming it, and the master ends it with `closed` where a
 * separate stream would end. Later calls of the agent name the same channel, which
 * plays the part of `Mesos-Stream-Id`.
 *
 * Field names follow Mesos's internal messages (`messages.proto`): RegisterSlaveMessage,
 * RunTaskMessage, KillTaskMessage, StatusUpdateMessage, StatusUpdateAcknowledgementMessage,
 * FrameworkToExecutorMessage, ExecutorToFrameworkMessage, ShutdownFrameworkMessage, PingSlaveMessage.
 */
import type {
  AgentID,
  AgentInfo,
  ExecutorID,
  ExecutorInfo,
  FrameworkID,
  FrameworkInfo,
  KillPolicy,
  Resource,
  TaskGroupInfo,
  TaskID,
  TaskInfo,
  TaskState,
  TaskStatus,
} from './types.js';
import type { ReportedTaskInfo } from './reported-task-info.js';

/**
 * A task as the agent reports it when reregistering: Mesos's `Task` message, as
 * ReregisterSlaveMessage carries it, not the TaskInfo it was launched with. The
 * command, executor, checks and `data` stay on the agent, so a reregistration is
 * about half the JSON of one carrying TaskInfos (the new leader parses every
 * agent's tasks at once after a failover). `slave_id` is left out: it is the
 * reregistering agent's own id.
 */
export interface AgentTask extends ReportedTaskInfo {
  framework_id: FrameworkID;
  /** The custom executor running the task; absent for a command task (as in Mesos). */
  executor_id?: ExecutorID;
  state: TaskState;
  /** As launched, with allocation_info (Mesos's MULTI_ROLE agents report it too). */
  resources: Resource[];
  /**
   * The latest status the agent holds for the task, which may not be acknowledged
   * yet: at most one entry (Mesos `Task.statuses`).
   */
  statuses?: TaskStatus[];
  /** The command's user (`CommandInfo.user`), if it named one. */
  user?: string;
}

/** A reregistering agent's task within an {@link AgentTaskSet}: the set holds its framework id and resources. */
export type AgentTaskEntry = Omit<AgentTask, 'framework_id' | 'resources'>;

/**
 * Tasks of one framework holding equal resources, reported once for all of
 * them (src/mesos/agent-task-sets.ts says why). Each task means what the
 * `AgentTask` with this `framework_id` and `resources` would.
 */
export interface AgentTaskSet {
  framework_id: FrameworkID;
  /** As launched, with allocation_info, as in `AgentTask.resources`. */
  resources: Resource[];
  tasks: AgentTaskEntry[];
}

/** What a REREGISTER carries (Mesos ReregisterSlaveMessage). */
export interface ReregisterInfo {
  agent_info: AgentInfo & { id: AgentID };
  version: string;
  pid: string;
  frameworks: FrameworkInfo[];
  executors: ExecutorInfo[];
  /** Tasks reported one by one (what agents before task sets sent); Meseta's agents send `[]` and use `task_sets`. */
  tasks: AgentTask[];
  /** The rest of the agent's tasks, in sets; absent means none. */
  task_sets?: AgentTaskSet[];
}

/** Calls from agent to master (request bodies of POST /master/api/v1/agent). */
export type AgentCall =
  | {
      type: 'REGISTER';
      register: { agent_info: AgentInfo; version: string; pid: string };
    }
  | {
      type: 'REREGISTER';
      reregister: ReregisterInfo;
    }
  | {
      /** A status update from an executor (or the agent itself), to be forwarded reliably. */
      type: 'STATUS_UPDATE';
      agent_id: AgentID;
      /**
       * `latest_state` (Mesos `StatusUpdate.latest_state`): the newest state the agent
       * holds for the task when `status` is an older, still unacknowledged update, so
       * the master can free a finished task's resources before the backlog drains.
       */
      status_update: { framework_id: FrameworkID; status: TaskStatus; latest_state?: TaskState };
    }
  | {
      /** Executor → scheduler message (base64 `data`), best effort. */
      type: 'EXECUTOR_MESSAGE';
      agent_id: AgentID;
      executor_message: { framework_id: FrameworkID; executor_id: ExecutorID; data: string };
    }
  | {
      /** An executor process ended; `status` is the raw wait status as in FAILURE events. */
      type: 'EXECUTOR_EXITED';
      agent_id: AgentID;
      executor_exited: { framework_id: FrameworkID; executor_id: ExecutorID; status: number };
    }
  | { type: 'PONG'; agent_id: AgentID }
  | { type: 'UNREGISTER'; agent_id: AgentID }
  | {
      /** Opens a link: a stream of {@link LinkEnvelope} for many agents' channels. */
      type: 'LINK';
    }
  | {
      /**
       * In a BATCH only: the agent left its channel (it gave up on the attempt or
       * is reconnecting); the master treats the agent as disconnected, as when a
       * separate stream's connection ends.
       */
      type: 'DISCONNECT';
    }
  | {
      /** Calls of a link's agents, applied in order; answered 200 {@link BatchResult}. */
      type: 'BATCH';
      batch: { calls: LinkedCall[] };
    };

/** One call of a BATCH: `channel` names the calling agent's channel on the link. */
export interface LinkedCall {
  channel: string;
  call: AgentCall;
}

/**
 * Answer of a BATCH: one HTTP-like status per call, in order (202 accepted; 400
 * malformed or unknown agent; 403 not on this channel), and the message of each
 * refusal (empty string when accepted).
 */
export interface BatchResult {
  statuses: number[];
  messages: string[];
}

/**
 * One record of a link stream: an event for the agent on `channel`, or the end of
 * that channel (`closed`, with why), which a separate stream would signal by ending.
 */
export type LinkEnvelope = { channel: string; event: AgentEvent } | { channel: string; closed: { message: string } };

/** Events from master to agent, on the agent's RecordIO stream. */
export type AgentEvent =
  | { type: 'REGISTERED'; registered: { agent_id: AgentID; master_id: string; ping_interval_seconds: number } }
  | { type: 'REREGISTERED'; reregistered: { agent_id: AgentID; master_id: string; ping_interval_seconds: number } }
  | {
      type: 'RUN_TASK';
      run_task: { framework: FrameworkInfo & { id: FrameworkID }; task: TaskInfo };
    }
  | {
      type: 'RUN_TASK_GROUP';
      run_task_group: {
        framework: FrameworkInfo & { id: FrameworkID };
        executor: ExecutorInfo;
        task_group: TaskGroupInfo;
      };
    }
  | {
      type: 'KILL_TASK';
      kill_task: { framework_id: FrameworkID; task_id: TaskID; kill_policy?: KillPolicy };
    }
  | {
      /** Scheduler ACKNOWLEDGE relayed; `uuid` base64. */
      type: 'ACKNOWLEDGE';
      acknowledge: { framework_id: FrameworkID; task_id: TaskID; uuid: string };
    }
  | {
      type: 'FRAMEWORK_MESSAGE';
      framework_message: { framework_id: FrameworkID; executor_id: ExecutorID; data: string };
    }
  | { type: 'SHUTDOWN_FRAMEWORK'; shutdown_framework: { framework_id: FrameworkID } }
  | { type: 'SHUTDOWN_EXECUTOR'; shutdown_executor: { framework_id: FrameworkID; executor_id: ExecutorID } }
  | {
      /** Master asks the agent to report these tasks' states (reconciliation after reregistration). */
      type: 'UPDATE_FRAMEWORK';
      update_framework: { framework: FrameworkInfo & { id: FrameworkID } };
    }
  | { type: 'PING' }
  | { type: 'SHUTDOWN'; shutdown: { message: string } }
  | { type: 'ERROR'; error: { message: string } };

/** Canonical path of the agent channel on the master. */
export const AGENT_API_PATH = '/master/api/v1/agent';
