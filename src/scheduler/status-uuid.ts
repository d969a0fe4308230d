/**
 * TaskStatus.uuid: 16 raw bytes (an RFC 4122 version-4 UUID), base64 in v1 JSON.
 * The agent refuses executor UPDATE calls whose uuid is not exactly 16 bytes.
 */
import { randomUUID } from 'node:crypto';

/** A fresh status uuid, base64 of 16 bytes (`"3q2+7wAAQACAAAAAAAAAAA=="`-shaped, 24 chars). */
export function newTaskStatusUuid(): string {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64');
}

/** True when `uuid` is base64 of exactly 16 bytes. */
export function isTaskStatusUuid(uuid: string): boolean {
  return /^[A-Za-z0-9+/]{22}==$/.test(uuid) && Buffer.from(uuid, 'base64').length === 16;
}
