/**
 * Human-readable renderings the example programs print, shared so the text
 * stays the same everywhere. Pure.
 */
import type { TaskStatus } from '../mesos/types.js';
import { formatResources } from '../mesos/resources.js';

/**
 * mesos-execute's lines for one update (`src/cli/execute.cpp`):
 * ```
 * Received status update TASK_FAILED for task 'x'
 *   message: 'Command exited with status 3'
 *   source: SOURCE_EXECUTOR
 *   reason: REASON_COMMAND_EXECUTOR_FAILED
 * ```
 * `healthy?` prints 1/0 as C++ streams a bool.
 */
export function statusUpdateLines(status: TaskStatus): string[] {
  const lines = [`Received status update ${status.state} for task '${status.task_id.value}'`];
  if (status.message !== undefined) lines.push(`  message: '${status.message}'`);
  if (status.source !== undefined) lines.push(`  source: ${status.source}`);
  if (status.reason !== undefined) lines.push(`  reason: ${status.reason}`);
  if (status.healthy !== undefined) lines.push(`  healthy?: ${status.healthy ? 1 : 0}`);
  const limited = status.limitation?.resources;
  if (limited && limited.length > 0) lines.push(`  resource limit violation: ${formatResources(limited)}`);
  return lines;
}

/**
 * Bytes as Python's `repr(str)` shows them, quotes included:
 * printable ASCII as is, `\t \n \r` escaped, `\\` and `'` escaped, anything
 * else `\xNN` — so `data with a \0 byte` prints as `'data with a \x00 byte'`.
 */
export function reprBytes(data: Buffer): string {
  let out = '';
  for (const byte of data) {
    if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x27) out += "\\'";
    else if (byte === 0x09) out += '\\t';
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x0d) out += '\\r';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `'${out}'`;
}
