/**
 * The `uuid` of a status update the agent makes (TaskStatus.uuid, 16 random
 * bytes, base64 in JSON, as Mesos's UUID::random() bytes). Random bytes are
 * drawn 4 kB at a time: one getrandom call per 256 updates instead of one each.
 */
import { randomFillSync } from 'node:crypto';

const POOL = Buffer.allocUnsafe(16 * 256);
let next = POOL.length;

/** 16 fresh random bytes, base64 (24 characters). */
export function statusUuid(): string {
  if (next === POOL.length) {
    randomFillSync(POOL);
    next = 0;
  }
  const uuid = POOL.toString('base64', next, next + 16);
  next += 16;
  return uuid;
}
