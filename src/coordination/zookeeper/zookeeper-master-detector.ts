/**
 * Finding the leading master through ZooKeeper, as Mesos's
 * ZooKeeperMasterDetector: watch the group znode's children, read the lowest
 * `json.info_*` member's MasterInfo JSON, report its address when it changes.
 *
 * Structurally a `MasterDetector` of the scheduler library (detect / onChange /
 * close) so `--master=zk://…` plugs into frameworks, agents and the CLI; it does
 * not import the scheduler (the scheduler imports it).
 *
 * The detector owns its session and outlives session losses: after an expiry
 * it reports "no leader", opens a new session and watches again. A mere
 * disconnection keeps the last leader (as Mesos does until the session expires).
 */
import type { MasterInfo } from '../../mesos/types.js';
import { ZooKeeperError } from './errors.js';
import { ListenerSet } from './listener-set.js';
import { decodeMasterInfo, leadingMember, masterInfoAddress, type MasterInfoAddress } from './master-info-znode.js';
import { ZooKeeperSession, type ZooKeeperSessionOptions } from './session.js';
import { joinZnodePath, parseZooKeeperUrl, type ZooKeeperUrl } from './zk-url.js';

/** The current leader as read from ZooKeeper. */
export interface DetectedLeader {
  /** Its znode name (`json.info_0000000002`); a new name means a new leader, even at the same address. */
  member: string;
  info: MasterInfo;
  address: MasterInfoAddress;
}

/** Detector tunables; durations in ms. */
export interface ZooKeeperMasterDetectorOptions extends ZooKeeperSessionOptions {
  /** Delay before reconnecting or re-reading after a failure. Default 1000. */
  retryDelayMs?: number;
  /** Told about failures the detector recovers from by itself (unreachable ensemble, unreadable MasterInfo), for logs. */
  onError?: (error: Error) => void;
}

/** Follows the leader of `url`'s group. Starts at construction; `close()` stops it. */
export class ZooKeeperMasterDetector {
  /** Ensemble and group path. */
  readonly url: ZooKeeperUrl;
  private session: ZooKeeperSession | undefined;
  private current: DetectedLeader | undefined;
  private closed = false;
  private refreshing = false;
  private refreshAgain = false;
  private readonly changes = new ListenerSet<[MasterInfoAddress]>();
  private readonly leaders = new ListenerSet<[DetectedLeader | undefined]>();
  private waiters: Array<{ resolve: (address: MasterInfoAddress) => void; reject: (error: Error) => void }> = [];
  private readonly retryDelayMs: number;
  private readonly abort = new AbortController();

  /** Throws ZooKeeperUrlError for malformed `zk://` text; never for an unreachable ensemble (it keeps trying). */
  constructor(
    url: ZooKeeperUrl | string,
    private readonly options: ZooKeeperMasterDetectorOptions = {},
  ) {
    this.url = typeof url === 'string' ? parseZooKeeperUrl(url) : url;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    void this.connect();
  }

  /** Resolves with the leader's address, waiting while there is none. Rejects with Error once closed. */
  detect(): Promise<MasterInfoAddress> {
    if (this.closed) return Promise.reject(new Error('The ZooKeeper master detector is closed'));
    if (this.current) return Promise.resolve(this.current.address);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Reports each newly detected leader's address. Returns an unsubscribe function. */
  onChange(listener: (master: MasterInfoAddress) => void): () => void {
    return this.changes.add(listener);
  }

  /** Reports each leader change with its MasterInfo, and `undefined` when there is no leader. Returns an unsubscribe function. */
  onLeader(listener: (leader: DetectedLeader | undefined) => void): () => void {
    return this.leaders.add(listener);
  }

  /** The leader known now, if any. */
  get leader(): DetectedLeader | undefined {
    return this.current;
  }

  /** Stops watching and closes the session. Idempotent. Pending `detect()` calls reject. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    void this.session?.close();
    this.session = undefined;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('The ZooKeeper master detector is closed'));
    this.changes.clear();
    this.leaders.clear();
  }

  private async connect(): Promise<void> {
    while (!this.closed) {
      try {
        const session = await ZooKeeperSession.connect(this.url, { ...this.options, signal: this.abort.signal });
        if (this.closed) {
          await session.close();
          return;
        }
        this.session = session;
        session.onExpired(() => {
          if (this.session !== session) return;
          this.session = undefined;
          this.setLeader(undefined);
          void this.connect();
        });
        void this.refresh();
        return;
      } catch (error) {
        this.report(error);
        await this.delay();
      }
    }
  }

  /** Re-reads the group; serialised, with notifications during a read coalesced into one more read. */
  private async refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    try {
      do {
        this.refreshAgain = false;
        const session = this.session;
        if (this.closed || !session) return;
        try {
          await this.readLeader(session);
        } catch (error) {
          if (this.closed || this.session !== session) return;
          this.report(error);
          if (!(error instanceof ZooKeeperError) || error.code !== 'SESSION_EXPIRED') {
            setTimeout(() => void this.refresh(), this.retryDelayMs).unref();
          }
          return;
        }
      } while (this.refreshAgain);
    } finally {
      this.refreshing = false;
    }
  }

  /** One watcher function per session, so re-reads register the watch once. */
  private readonly rearms = new WeakMap<ZooKeeperSession, () => void>();

  private async readLeader(session: ZooKeeperSession): Promise<void> {
    let rearm = this.rearms.get(session);
    if (!rearm) {
      rearm = () => {
        if (this.session === session) void this.refresh();
      };
      this.rearms.set(session, rearm);
    }
    const children = await session.getChildren(this.url.path, rearm);
    if (children === undefined) {
      // No group yet: wait for its creation.
      if ((await session.exists(this.url.path, rearm)) === undefined) this.setLeader(undefined);
      else rearm();
      return;
    }
    const lowest = leadingMember(children);
    if (!lowest) {
      this.setLeader(undefined);
      return;
    }
    if (lowest.name === this.current?.member) return;
    if (lowest.label !== 'json.info') {
      this.setLeader(undefined);
      this.report(new Error(`Leading member ${lowest.name} holds binary MasterInfo (pre-JSON Mesos), which Meseta cannot read`));
      return;
    }
    const node = await session.getData(joinZnodePath(this.url.path, lowest.name));
    // Gone between the two reads: the children watch fires and we read again.
    if (!node || this.session !== session) return;
    try {
      const info = decodeMasterInfo(node.data);
      this.setLeader({ member: lowest.name, info, address: masterInfoAddress(info) });
    } catch (error) {
      this.setLeader(undefined);
      this.report(error);
    }
  }

  private setLeader(next: DetectedLeader | undefined): void {
    if (this.closed || next?.member === this.current?.member) return;
    this.current = next;
    this.leaders.emit(next);
    if (!next) return;
    for (const waiter of this.waiters.splice(0)) waiter.resolve(next.address);
    this.changes.emit(next.address);
  }

  private report(error: unknown): void {
    this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
  }

  private delay(): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.abort.signal.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, this.retryDelayMs);
      this.abort.signal.addEventListener('abort', wake);
    });
  }
}
