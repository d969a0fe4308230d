/**
 * Master leader election in ZooKeeper, as Mesos's ZooKeeperMasterContender:
 * each master creates an ephemeral sequential `<path>/json.info_<seq>` znode
 * holding its MasterInfo JSON; the lowest sequence leads. Standbys watch the
 * group and take over when every lower member is gone.
 *
 * Losing the candidacy is final, as in Mesos (where the master then aborts and
 * its supervisor restarts it): when the session is lost or our znode vanishes,
 * `onLostLeadership` fires once — immediately, not after a retry — and the
 * contender does nothing more. A partitioned leader's session is declared lost
 * locally before the ensemble can expire it (see `session.ts`), so the old
 * leader steps down before a new one can be elected.
 */
import type { MasterInfo } from '../../mesos/types.js';
import { ZooKeeperError } from './errors.js';
import { ListenerSet } from './listener-set.js';
import { encodeMasterInfo, leadingMember, MASTER_INFO_LABEL } from './master-info-znode.js';
import type { ZooKeeperSession } from './session.js';
import { joinZnodePath } from './zk-url.js';

/** Delay (ms) before re-reading the group after a transient failure (connection loss, timeout). */
const RETRY_DELAY_MS = 200;

/** One master's candidacy. Call `contend()` once. */
export class ZooKeeperContender {
  private member: string | undefined;
  private leading = false;
  private finished = false;
  private checking = false;
  private recheck = false;
  private stopSessionWatch: (() => void) | undefined;
  private readonly elected = new ListenerSet<[]>();
  private readonly lost = new ListenerSet<[reason: string]>();
  /** One function for every re-read, so the session registers the watch once. */
  private readonly onGroupChange = (): void => void this.check();

  constructor(
    private readonly session: ZooKeeperSession,
    /** The group znode (`/mesos`), the `--zk` URL's path. */
    private readonly path: string,
    private readonly info: MasterInfo,
  ) {}

  /**
   * Joins the election: creates the group path if missing and our
   * `json.info_` znode, then resolves (leadership is reported by `onElected`).
   * Throws ZooKeeperError if the znode cannot be created, Error if called twice.
   */
  async contend(): Promise<void> {
    if (this.member !== undefined || this.finished || this.stopSessionWatch) throw new Error('ZooKeeperContender.contend() may be called once');
    this.stopSessionWatch = this.session.onExpired((reason) => this.lose(`ZooKeeper session lost (${reason})`));
    await this.session.ensurePath(this.path);
    const created = await this.session.create(joinZnodePath(this.path, `${MASTER_INFO_LABEL}_`), encodeMasterInfo(this.info), 'ephemeral-sequential');
    this.member = created.slice(created.lastIndexOf('/') + 1);
    if (this.finished) {
      await this.removeMember();
      return;
    }
    await this.check();
  }

  /** Whether we lead right now. */
  get isLeader(): boolean {
    return this.leading;
  }

  /** Our znode's name (`json.info_0000000004`) once created. */
  get membership(): string | undefined {
    return this.member;
  }

  /** Reports that we became the leader (at most once). Returns an unsubscribe function. */
  onElected(listener: () => void): () => void {
    return this.elected.add(listener);
  }

  /**
   * Reports the end of our candidacy for any reason other than `withdraw()`:
   * session lost or znode deleted, leading or not (at most once). The master
   * must stop acting as leader at once; Mesos aborts the process.
   */
  onLostLeadership(listener: (reason: string) => void): () => void {
    return this.lost.add(listener);
  }

  /** Leaves the election: deletes our znode so a standby takes over at once. Idempotent; reports nothing. */
  async withdraw(): Promise<void> {
    if (this.finished) return;
    this.finish();
    await this.removeMember();
  }

  /** Re-reads the group (and re-arms the watch); serialised so that overlapping notifications coalesce. */
  private async check(): Promise<void> {
    if (this.checking) {
      this.recheck = true;
      return;
    }
    this.checking = true;
    try {
      do {
        this.recheck = false;
        if (this.finished || this.member === undefined) return;
        let children: string[] | undefined;
        try {
          children = await this.session.getChildren(this.path, this.onGroupChange);
        } catch (error) {
          if (this.finished) return;
          if (error instanceof ZooKeeperError && error.retryable) {
            setTimeout(() => void this.check(), RETRY_DELAY_MS).unref();
            return;
          }
          this.lose(`cannot read the group ${this.path}: ${(error as Error).message}`);
          return;
        }
        if (!children || !children.includes(this.member)) {
          this.lose(`our znode ${joinZnodePath(this.path, this.member)} was deleted`);
          return;
        }
        if (!this.leading && leadingMember(children)?.name === this.member) {
          this.leading = true;
          this.elected.emit();
        }
      } while (this.recheck);
    } finally {
      this.checking = false;
    }
  }

  private lose(reason: string): void {
    if (this.finished) return;
    this.finish();
    this.lost.emit(reason);
  }

  private finish(): void {
    this.finished = true;
    this.leading = false;
    this.stopSessionWatch?.();
  }

  private async removeMember(): Promise<void> {
    if (this.member === undefined || this.session.state === 'expired' || this.session.state === 'closed') return;
    try {
      await this.session.remove(joinZnodePath(this.path, this.member), -1);
    } catch (error) {
      if (!(error instanceof ZooKeeperError) || error.code !== 'NO_NODE') throw error;
    }
  }
}
