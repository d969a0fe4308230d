/**
 * The Mesos leader-election layout in ZooKeeper, pure: which children of the
 * group znode are members, which member leads, and how a member's MasterInfo
 * JSON becomes an address to talk to.
 *
 * Mesos masters create ephemeral sequential znodes `<path>/json.info_<10 digits>`
 * holding their MasterInfo as JSON; older ones wrote `info_<10 digits>` holding
 * binary protobuf. The member with the lowest sequence number leads, whatever
 * its label.
 */
import type { MasterInfo } from '../../mesos/types.js';

/** Label of the znodes Meseta (and Mesos ≥ 0.24) writes: `json.info_0000000003`. */
export const MASTER_INFO_LABEL = 'json.info';

/** A member znode of the election group. */
export interface GroupMember {
  /** The znode's name, e.g. `json.info_0000000003`. */
  name: string;
  /** `json.info` (MasterInfo JSON) or `info` (legacy binary protobuf). */
  label: 'json.info' | 'info';
  /** ZooKeeper's sequence number. */
  sequence: number;
}

/** A master's address for HTTP (`host` a hostname or IPv4 literal). Same shape as the scheduler library's MasterAddress. */
export interface MasterInfoAddress {
  host: string;
  port: number;
}

/** A znode's data that is not MasterInfo JSON. Not retryable (the writer is broken or not Mesos). */
export class MasterInfoFormatError extends Error {
  readonly code = 'MASTER_INFO_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'MasterInfoFormatError';
  }
}

const MEMBER = /^(json\.info|info)_(\d{10})$/;

/** Parses a child name as a group member; undefined for anything else (`registry`, `log_replicas`, …). */
export function parseGroupMember(name: string): GroupMember | undefined {
  const match = MEMBER.exec(name);
  if (!match) return undefined;
  return { name, label: match[1] as GroupMember['label'], sequence: Number(match[2]) };
}

/** The leading member among `children` (lowest sequence; ties broken by name), undefined when there is none. */
export function leadingMember(children: readonly string[]): GroupMember | undefined {
  let best: GroupMember | undefined;
  for (const name of children) {
    const member = parseGroupMember(name);
    if (!member) continue;
    if (!best || member.sequence < best.sequence || (member.sequence === best.sequence && member.name < best.name)) best = member;
  }
  return best;
}

/** MasterInfo as the JSON bytes a contender writes into its znode. */
export function encodeMasterInfo(info: MasterInfo): Buffer {
  return Buffer.from(JSON.stringify(info), 'utf8');
}

/**
 * Parses a `json.info_*` znode's data. Throws MasterInfoFormatError unless it is a
 * JSON object with an `id` string and some way to reach the master (an `address`
 * with a port, a `pid`, or `ip` + `port`).
 */
export function decodeMasterInfo(data: Buffer | string): MasterInfo {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch (error) {
    throw new MasterInfoFormatError(`MasterInfo is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new MasterInfoFormatError('MasterInfo JSON is not an object');
  const info = parsed as MasterInfo;
  if (typeof info.id !== 'string') throw new MasterInfoFormatError("MasterInfo JSON has no 'id' string");
  masterInfoAddress(info);
  return info;
}

/**
 * Where to reach a master, from its MasterInfo: `address.ip` (what libprocess
 * connects to), else `address.hostname`, with `address.port`; else the `pid`
 * (`master@10.0.0.1:5050`); else the packed `ip` and `port`, as Mesos's own
 * detectors fall back. Throws MasterInfoFormatError when none is usable.
 */
export function masterInfoAddress(info: MasterInfo): MasterInfoAddress {
  const address = info.address;
  if (address && validPort(address.port)) {
    const host = address.ip || address.hostname;
    if (host) return { host, port: address.port };
  }
  if (typeof info.pid === 'string') {
    const match = /@([^@:]+):(\d+)$/.exec(info.pid);
    if (match && validPort(Number(match[2]))) return { host: match[1]!, port: Number(match[2]) };
  }
  if (typeof info.ip === 'number' && validPort(info.port)) return { host: unpackIPv4(info.ip), port: info.port };
  throw new MasterInfoFormatError('MasterInfo has no usable address, pid or ip/port');
}

/** MasterInfo.ip (network byte order packed little-endian: a | b<<8 | c<<16 | d<<24) as dotted text. */
export function unpackIPv4(ip: number): string {
  const n = ip >>> 0;
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff].join('.');
}

function validPort(port: unknown): port is number {
  return typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535;
}
