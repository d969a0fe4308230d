/**
 * TaskStatus.uuid: 16 raw bytes (an RFC 4122 version-4 UUID, as Mesos's
 * UUID::random()), base64 in v1 JSON. The agent refuses executor UPDATE calls
 * whose uuid is not exactly 16 bytes. The agent, executors and simulated
 * agents make one per status update, so random bytes are drawn 4 kB at a
 * time: one getrandom call per 256 uuids instead of one each.
 */
import { randomFillSync } from 'node:crypto';

const POOL = Buffer.allocUnsafe(16 * 256);
let next = POOL.length;

/** A fresh status uuid, base64 of 16 bytes (`"3q2+7wAAQACAAAAAAAAAAA=="`-shaped, 24 chars). */
export function newTaskStatusUuid(): string {
  if (next === POOL.length) {
    randomFillSync(POOL);
    next = 0;
  }
  // Version 4, variant RFC 4122, as randomUUID() sets them.
  POOL[next + 6] = (POOL[next + 6]! & 0x0f) | 0x40;
  POOL[next + 8] = (POOL[next + 8]! & 0x3f) | 0x80;
  const uuid = POOL.toString('base64', next, next + 16);
  next += 16;
  return uuid;
}

/** True when `uuid` is base64 of exactly 16 bytes. */
export function isTaskStatusUuid(uuid: string): boolean {
  return /^[A-Za-z0-9+/]{22}==$/.test(uuid) && Buffer.from(uuid, 'base64').length === 16;
}
