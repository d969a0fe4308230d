/**
 * A framework's own leader election in ZooKeeper, shared by Marathon
 * (`--zk=zk://…/marathon`, candidates under `<path>/leader`) and Chronos
 * (`--zk_path`, candidates under `<path>/candidate`): several processes, one
 * leader that schedules; the others stand by and relay the API to it. Two
 * implementations of one seam:
 *
 * - `SoloLeadership` — no ZooKeeper: this process leads as soon as it starts.
 * - `ZooKeeperLeadership` — the same blocks the masters use: a
 *   `ZooKeeperContender` creates our ephemeral sequential member znode (JSON
 *   with our `host:port`, MasterInfo-shaped so a `ZooKeeperMasterDetector` can
 *   read it) and the lowest member leads; a detector follows whoever leads so a
 *   standby knows where to relay.
 *
 * Leadership is lost when the session is lost or on `abdicate()`. Marathon and
 * Chronos exit then and rely on a supervisor; we report `defeated` (the owner
 * stops acting as leader at once) and stand again as a fresh candidate, on a
 * new session when the old one expired.
 */
import { randomUUID } from 'node:crypto';
import { ZooKeeperContender } from './zookeeper/zookeeper-contender.js';
import { ZooKeeperMasterDetector } from './zookeeper/zookeeper-master-detector.js';
import { ZooKeeperSession, type ZooKeeperSessionOptions } from './zookeeper/session.js';
import { joinZnodePath, type ZooKeeperUrl } from './zookeeper/zk-url.js';
import type { MasterInfo } from '../mesos/types.js';
import { Listeners } from '../scheduler/listeners.js';

/** Events of a Leadership: `elected` once per term; `defeated` when a term (or a candidacy) ends. */
export type LeadershipEvents = {
  elected: [];
  defeated: [reason: string];
};

/** The seam between "who leads" and a framework that runs only while it leads. */
export interface Leadership {
  /** Joins the election; resolves once we are a candidate (election is reported by `elected`). Throws when the ensemble cannot be used at all. */
  start(): Promise<void>;
  /** Whether we lead now. */
  readonly isLeader: boolean;
  /** `host:port` of the current leader (ours when leading); undefined when none is known. */
  leader(): string | undefined;
  on<K extends keyof LeadershipEvents>(name: K, listener: (...args: LeadershipEvents[K]) => void): () => void;
  /** Gives up leadership (a standby takes over) and stands again. Resolves once our member is gone. */
  abdicate(): Promise<void>;
  /** Leaves the election for good (no `defeated` event). Idempotent. */
  close(): Promise<void>;
}

/** Always the leader: a single process without ZooKeeper. */
export class SoloLeadership implements Leadership {
  private readonly listeners = new Listeners<LeadershipEvents>();
  private leading = false;
  private closed = false;

  constructor(private readonly self: string) {}

  /** Leads at once: `elected` is emitted before this returns (attach listeners first). */
  async start(): Promise<void> {
    if (this.closed) return;
    this.leading = true;
    this.listeners.emit('elected');
  }

  get isLeader(): boolean {
    return this.leading;
  }

  leader(): string | undefined {
    return this.leading ? this.self : undefined;
  }

  on<K extends keyof LeadershipEvents>(name: K, listener: (...args: LeadershipEvents[K]) => void): () => void {
    return this.listeners.on(name, listener);
  }

  /** Nobody else can lead: a solo process steps down and is re-elected at once, reloading its state. */
  async abdicate(): Promise<void> {
    if (!this.leading || this.closed) return;
    this.leading = false;
    this.listeners.emit('defeated', 'abdicated');
    await this.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.leading = false;
  }
}

/** Tunables of ZooKeeperLeadership; durations in ms. */
export interface ZooKeeperLeadershipOptions extends ZooKeeperSessionOptions {
  /** Delay before standing again after a lost session or a failed attempt. Default 1000. */
  retryDelayMs?: number;
  /** Told about failures the election recovers from by itself. */
  onError?: (error: Error) => void;
}

/** Leader election among a framework's processes in ZooKeeper (see the module comment). */
export class ZooKeeperLeadership implements Leadership {
  private readonly listeners = new Listeners<LeadershipEvents>();
  private readonly electionUrl: ZooKeeperUrl;
  private readonly detector: ZooKeeperMasterDetector;
  private session: ZooKeeperSession | undefined;
  private contender: ZooKeeperContender | undefined;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;

  /**
   * `url` is the framework's ZooKeeper location (`zk://h:2181/marathon`);
   * `candidates` the child znode candidates register under (`leader` for
   * Marathon, `candidate` for Chronos); `self` our advertised `host:port`
   * (what standbys relay to and the leader endpoint shows).
   */
  constructor(
    url: ZooKeeperUrl,
    candidates: string,
    private readonly self: { host: string; port: number },
    private readonly options: ZooKeeperLeadershipOptions = {},
  ) {
    this.electionUrl = { ...url, path: joinZnodePath(url.path, candidates) };
    this.detector = new ZooKeeperMasterDetector(this.electionUrl, options);
  }

  /** Connects and registers our candidacy. Throws ZooKeeperError when the ensemble cannot be reached. */
  async start(): Promise<void> {
    await this.stand();
  }

  get isLeader(): boolean {
    return this.contender?.isLeader ?? false;
  }

  leader(): string | undefined {
    if (this.isLeader) return `${this.self.host}:${this.self.port}`;
    const known = this.detector.leader;
    // The detector may still show our own, withdrawn member for a moment: that is no leader to proxy to.
    if (!known || known.member === this.contender?.membership) return undefined;
    return `${known.address.host}:${known.address.port}`;
  }

  on<K extends keyof LeadershipEvents>(name: K, listener: (...args: LeadershipEvents[K]) => void): () => void {
    return this.listeners.on(name, listener);
  }

  async abdicate(): Promise<void> {
    const contender = this.contender;
    if (!contender || this.closed) return;
    const wasLeader = contender.isLeader;
    this.contender = undefined;
    await contender.withdraw();
    if (wasLeader) this.listeners.emit('defeated', 'abdicated');
    // A new member sorts after every standing one, so another candidate leads first.
    await this.stand().catch((error: unknown) => this.retry(error));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.detector.close();
    await this.contender?.withdraw().catch(() => undefined);
    this.contender = undefined;
    await this.session?.close();
  }

  /** One candidacy: a live session (a new one after an expiry) and a new member znode. */
  private async stand(): Promise<void> {
    if (this.closed) return;
    if (!this.session || this.session.state === 'expired' || this.session.state === 'closed') {
      this.session = await ZooKeeperSession.connect(this.electionUrl, this.options);
      if (this.closed) {
        await this.session.close();
        return;
      }
    }
    const contender = new ZooKeeperContender(this.session, this.electionUrl.path, this.memberInfo());
    this.contender = contender;
    let elected = false;
    contender.onElected(() => {
      if (this.contender !== contender || this.closed) return;
      elected = true;
      this.listeners.emit('elected');
    });
    contender.onLostLeadership((reason) => {
      if (this.contender !== contender || this.closed) return;
      this.contender = undefined;
      if (elected) this.listeners.emit('defeated', reason);
      this.retry(new Error(reason));
    });
    await contender.contend();
  }

  private retry(error: unknown): void {
    if (this.closed) return;
    this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.stand().catch((e: unknown) => this.retry(e));
    }, this.options.retryDelayMs ?? 1000);
    this.retryTimer.unref();
  }

  /** Our member's data: MasterInfo-shaped JSON, so the detector (and `zkCli.sh get`) read our address. */
  private memberInfo(): MasterInfo {
    const { host, port } = this.self;
    const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
    return { id: randomUUID(), ip: 0, port, hostname: host, address: { hostname: host, ...(ipv4 ? { ip: host } : {}), port } };
  }
}
