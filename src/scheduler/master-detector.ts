/**
 * Finding the master a framework (or an agent) should talk to.
 *
 * Mirrors Mesos's `MasterDetector`: `--master` is either `host:port` (standalone:
 * one fixed address, which may be a standby that redirects us to the leader) or
 * `zk://host1:2181,host2:2181/mesos` (ZooKeeper: the leader's MasterInfo from the
 * lowest `json.info_*` znode). Only the standalone form is implemented here; the
 * ZooKeeper one plugs in behind the same interface.
 */

import { ZooKeeperMasterDetector } from '../coordination/zookeeper/zookeeper-master-detector.js';
import { parseZooKeeperUrl, ZooKeeperUrlError } from '../coordination/zookeeper/zk-url.js';

/** A master's HTTP address. `host` is a hostname or IPv4 literal; `port` defaults to 5050. */
export interface MasterAddress {
  host: string;
  port: number;
}

/**
 * The seam between "where is the master" and everything that talks to it.
 * `detect()` resolves with the current master (waiting while none is known);
 * `onChange` reports a newly detected master and returns an unsubscribe function.
 */
export interface MasterDetector {
  detect(): Promise<MasterAddress>;
  onChange(listener: (master: MasterAddress) => void): () => void;
  /** Releases whatever the detector holds (sessions, watches). Idempotent. */
  close(): void;
}

/** `--master` text that is not a usable master location. Not retryable. */
export class MasterSpecError extends Error {
  readonly code = 'MASTER_SPEC_INVALID';
  constructor(
    message: string,
    /** The offending `--master` value. */
    readonly spec: string,
  ) {
    super(message);
    this.name = 'MasterSpecError';
  }
}

/** Mesos's default master port. */
export const DEFAULT_MASTER_PORT = 5050;

/**
 * Parses `host:port`, `host` (port 5050), `http://host:port[/…]`, `master@host:port`
 * (a libprocess pid, as in MasterInfo.pid) or `[::1]:port`.
 * Throws MasterSpecError on an empty host or a port outside 1..65535.
 */
export function parseMasterAddress(text: string): MasterAddress {
  let rest = text.trim();
  const scheme = /^https?:\/\//i.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length);
  const at = rest.indexOf('@');
  if (at >= 0) rest = rest.slice(at + 1);
  const slash = rest.indexOf('/');
  if (slash >= 0) rest = rest.slice(0, slash);
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2];
  } else {
    const colon = rest.lastIndexOf(':');
    host = colon >= 0 ? rest.slice(0, colon) : rest;
    portText = colon >= 0 ? rest.slice(colon + 1) : undefined;
  }
  if (host === '') throw new MasterSpecError(`Failed to parse master '${text}': no host`, text);
  const port = portText === undefined || portText === '' ? DEFAULT_MASTER_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new MasterSpecError(`Failed to parse master '${text}': invalid port '${portText}'`, text);
  }
  return { host, port };
}

/** A detector for one fixed master address (`--master=host:port`). */
export class StandaloneMasterDetector implements MasterDetector {
  private listeners = new Set<(master: MasterAddress) => void>();

  constructor(private master: MasterAddress) {}

  detect(): Promise<MasterAddress> {
    return Promise.resolve(this.master);
  }

  onChange(listener: (master: MasterAddress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Points the detector at another master (as Mesos's `StandaloneMasterDetector::appoint`). */
  appoint(master: MasterAddress): void {
    this.master = master;
    for (const listener of [...this.listeners]) listener(master);
  }

  close(): void {
    this.listeners.clear();
  }
}

/**
 * Creates the detector for a `--master` value: `zk://[user:pass@]h1:p1,…/path`
 * gives a ZooKeeperMasterDetector following the leader's `json.info_*` znode
 * (MasterSpecError for a malformed URL); `host:port` a standalone one.
 * `file://…` (a file holding the value) is recognised but not supported here:
 * it throws MasterSpecError saying so, rather than being mistaken for a host name.
 */
export function createMasterDetector(spec: string): MasterDetector {
  const text = spec.trim();
  if (/^zk:\/\//i.test(text)) {
    try {
      return new ZooKeeperMasterDetector(parseZooKeeperUrl(text));
    } catch (error) {
      if (error instanceof ZooKeeperUrlError) throw new MasterSpecError(error.message, spec);
      throw error;
    }
  }
  if (/^file:\/\//i.test(text)) {
    throw new MasterSpecError(`'file://' master values are not supported yet; pass --master=host:port`, spec);
  }
  return new StandaloneMasterDetector(parseMasterAddress(text));
}

/** `host:port` text for logs (`127.0.0.1:5050`). */
export function formatMasterAddress(master: MasterAddress): string {
  return master.host.includes(':') ? `[${master.host}]:${master.port}` : `${master.host}:${master.port}`;
}
