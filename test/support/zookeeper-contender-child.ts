/**
 * A master's candidacy in its own process, so a test can SIGKILL a leader:
 * `node zookeeper-contender-child.js <zk-url> <master-port> [session-timeout-ms]`.
 * Prints `member <name>`, then `elected` and/or `lost <reason>` lines; exits on SIGTERM.
 */
import { ZooKeeperSession } from '../../src/coordination/zookeeper/session.js';
import { ZooKeeperContender } from '../../src/coordination/zookeeper/zookeeper-contender.js';
import { parseZooKeeperUrl } from '../../src/coordination/zookeeper/zk-url.js';

const [urlText, portText, timeoutText] = process.argv.slice(2);
const url = parseZooKeeperUrl(urlText!);
const port = Number(portText);
const session = await ZooKeeperSession.connect(url, { sessionTimeoutMs: Number(timeoutText ?? 2000) });
const contender = new ZooKeeperContender(session, url.path, {
  id: `child-${port}`,
  ip: 16777343,
  port,
  pid: `master@127.0.0.1:${port}`,
  hostname: 'localhost',
  address: { hostname: 'localhost', ip: '127.0.0.1', port },
});
contender.onElected(() => console.log('elected'));
contender.onLostLeadership((reason) => console.log(`lost ${reason}`));
await contender.contend();
console.log(`member ${contender.membership}`);
process.on('SIGTERM', () => {
  void contender.withdraw().finally(() => session.close().finally(() => process.exit(0)));
});
