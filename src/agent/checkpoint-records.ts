/**
 * The `task.updates` record format and its replay (Mesos
 * `StatusUpdateRecord`: UPDATE carries a status update, ACK the uuid the
 * scheduler acknowledged). One JSON object per line, appended in the order the
 * agent's status update stream saw them. Pure: text in, records out.
 *
 * A crash can leave the last line cut short (the agent died mid-append): such a
 * torn tail is dropped, as Mesos drops a truncated last record. A bad line
 * anywhere else means the file was damaged and is reported as an error.
 */
import { isTerminalState } from '../mesos/task-states.js';
import type { TaskState, TaskStatus } from '../mesos/types.js';
import type { StatusUpdate } from './status-update-streams.js';

/** One line of `task.updates`. */
export type TaskUpdateRecord = { type: 'UPDATE'; update: StatusUpdate } | { type: 'ACK'; uuid: string };

/** Serializes a record as one line, `\n` included. */
export function encodeUpdateRecord(record: TaskUpdateRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/** What `parseUpdateRecords` found. */
export interface ParsedUpdateRecords {
  records: TaskUpdateRecord[];
  /** The last line was incomplete and was dropped. */
  torn: boolean;
  /** Lines that are not records (1-based line numbers in the messages). */
  errors: string[];
}

function isRecord(value: unknown): value is TaskUpdateRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as { type?: unknown; update?: { status?: { task_id?: unknown; state?: unknown; uuid?: unknown } }; uuid?: unknown };
  if (r.type === 'ACK') return typeof r.uuid === 'string';
  if (r.type === 'UPDATE') {
    const status = r.update?.status;
    return typeof status?.state === 'string' && typeof status.uuid === 'string' && typeof status.task_id === 'object';
  }
  return false;
}

/** Parses the text of a `task.updates` file (see the module comment for torn tails). */
export function parseUpdateRecords(text: string): ParsedUpdateRecords {
  const lines = text.split('\n');
  // A complete file ends with '\n', so the last element is '' unless the tail is torn.
  const tail = lines.pop() ?? '';
  const records: TaskUpdateRecord[] = [];
  const errors: string[] = [];
  lines.forEach((line, index) => {
    if (line === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      errors.push(`line ${index + 1} is not JSON`);
      return;
    }
    if (isRecord(value)) records.push(value);
    else errors.push(`line ${index + 1} is not a status update record`);
  });
  return { records, torn: tail !== '', errors };
}

/** A task's status update stream as the records leave it. */
export interface ReplayedUpdates {
  /** Updates not acknowledged yet, oldest first: they are sent again. */
  pending: StatusUpdate[];
  /** Every update's uuid, oldest first (to drop an executor's resent duplicates). */
  uuids: string[];
  /** Every status, oldest first (for the task's state and `/state` history). */
  statuses: TaskStatus[];
  /** The newest state, or undefined if no update was recorded (the task is STAGING). */
  latestState?: TaskState;
  /** A terminal update was recorded. */
  terminalReceived: boolean;
  /** The terminal update was acknowledged: the task is done. */
  terminalAcknowledged: boolean;
  /** Records that do not fit the stream (an ACK that is not for the oldest pending update). */
  errors: string[];
}

/**
 * Replays records the way the status update manager produced them: UPDATE
 * appends to the stream, ACK must name the oldest pending update (Mesos
 * `StatusUpdateStream::replay`). UPDATEs the live stream refused (a uuid seen
 * before, anything after a terminal update, TASK_STAGING) are skipped: the
 * agent records an update just before offering it to the stream.
 */
export function replayUpdates(records: readonly TaskUpdateRecord[]): ReplayedUpdates {
  const out: ReplayedUpdates = { pending: [], uuids: [], statuses: [], terminalReceived: false, terminalAcknowledged: false, errors: [] };
  for (const record of records) {
    if (record.type === 'UPDATE') {
      // The same rules as the live stream: duplicates and anything after a terminal update were refused.
      const uuid = record.update.status.uuid!;
      if (out.uuids.includes(uuid) || out.terminalReceived || record.update.status.state === 'TASK_STAGING') continue;
      out.uuids.push(uuid);
      out.pending.push(record.update);
      out.statuses.push(record.update.status);
      out.latestState = record.update.status.state;
      if (isTerminalState(record.update.status.state)) out.terminalReceived = true;
      continue;
    }
    const head = out.pending[0];
    if (!head || head.status.uuid !== record.uuid) {
      out.errors.push(`acknowledgement ${record.uuid} does not match the oldest pending update (${head?.status.uuid ?? 'none'})`);
      continue;
    }
    out.pending.shift();
    if (isTerminalState(head.status.state)) out.terminalAcknowledged = true;
  }
  return out;
}
