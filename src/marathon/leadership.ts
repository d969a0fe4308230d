/**
 * Marathon's leader election: the shared framework election of
 * src/coordination/leadership.ts, with candidates under `<path>/leader`.
 */
import type { ZooKeeperUrl } from '../coordination/zookeeper/zk-url.js';
import { ZooKeeperLeadership as FrameworkLeadership, type ZooKeeperLeadershipOptions } from '../coordination/leadership.js';

export { SoloLeadership } from '../coordination/leadership.js';
export type { Leadership, LeadershipEvents, ZooKeeperLeadershipOptions } from '../coordination/leadership.js';

/** The znode under Marathon's ZooKeeper path where candidates register. */
export const LEADER_ZNODE = 'leader';

/** Marathon processes electing one leader under `<path>/leader`. */
export class ZooKeeperLeadership extends FrameworkLeadership {
  constructor(url: ZooKeeperUrl, self: { host: string; port: number }, options: ZooKeeperLeadershipOptions = {}) {
    super(url, LEADER_ZNODE, self, options);
  }
}
