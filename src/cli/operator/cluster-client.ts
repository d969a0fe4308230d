/**
 * Where the master and agents are, and fetching their public documents.
 * Only HTTP: the operator commands never import master or agent code, so they
 * work the same against a real Mesos cluster.
 */
import { createMasterDetector, parseMasterAddress, MasterSpecError } from '../../scheduler/master-detector.js';
import { getJson, type Endpoint } from './http-json.js';
import { OperatorError } from './operator-error.js';
import type { AgentState, ClassicAgent, MasterState, MonitorEntry } from './classic-json.js';

/**
 * The leading master for a `--master` value: `zk://…/mesos` asks ZooKeeper
 * (waiting up to `timeoutMs` for a leader), anything else as `masterEndpoint`.
 * Throws OperatorError UNSUPPORTED_MASTER for bad text, NO_LEADER when ZooKeeper names none in time.
 */
export async function resolveMasterEndpoint(spec: string, timeoutMs = 10_000): Promise<Endpoint> {
  const text = spec.trim();
  if (!/^zk:\/\//i.test(text)) return masterEndpoint(text);
  let detector: ReturnType<typeof createMasterDetector>;
  try {
    detector = createMasterDetector(text);
  } catch (error) {
    throw new OperatorError('UNSUPPORTED_MASTER', (error as Error).message, { cause: error });
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const leader = await Promise.race([
      detector.detect(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new OperatorError('NO_LEADER', `No leading master found in ${text} within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
    return { host: leader.host, port: leader.port, label: 'master' };
  } finally {
    clearTimeout(timer);
    detector.close();
  }
}

/**
 * The master endpoint for a `--master` value: `host:port`, `host` (port
 * 5050), `http://host:port`, `master@host:port`. Throws OperatorError
 * UNSUPPORTED_MASTER for text that is not an address (`zk://` goes through
 * `resolveMasterEndpoint`).
 */
export function masterEndpoint(spec: string): Endpoint {
  const text = spec.trim();
  if (/^zk:\/\//i.test(text)) {
    throw new OperatorError('UNSUPPORTED_MASTER', `'${text}' names a ZooKeeper group, not a master address`);
  }
  try {
    return { ...parseMasterAddress(text), label: 'master' };
  } catch (error) {
    if (error instanceof MasterSpecError) throw new OperatorError('UNSUPPORTED_MASTER', error.message, { cause: error });
    throw error;
  }
}

/**
 * The agent's HTTP endpoint from its `pid` (`slave(1)@10.0.0.5:5051`), or
 * from `hostname` + `port` when there is no pid. Undefined when neither is
 * there. Pure.
 */
export function agentEndpoint(agent: Pick<ClassicAgent, 'id' | 'pid' | 'hostname' | 'port'>): Endpoint | undefined {
  const label = `agent ${agent.id}`;
  const pid = agent.pid ?? '';
  const at = pid.lastIndexOf('@');
  if (at >= 0) {
    const address = pid.slice(at + 1);
    const colon = address.lastIndexOf(':');
    const port = Number(address.slice(colon + 1));
    if (colon > 0 && Number.isInteger(port) && port > 0) return { host: address.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port, label };
  }
  if (agent.hostname && agent.port) return { host: agent.hostname, port: agent.port, label };
  return undefined;
}

/** `/master/state` (Mesos ≥ 1.x; `/state` is the delegated alias). Throws OperatorError. */
export function fetchMasterState(master: Endpoint): Promise<MasterState> {
  return getJson<MasterState>(master, '/master/state');
}

/** The agent's `/slave(1)/state`. Throws OperatorError. */
export function fetchAgentState(agent: Endpoint): Promise<AgentState> {
  return getJson<AgentState>(agent, '/slave(1)/state');
}

/** The agent's `/monitor/statistics`. Throws OperatorError. */
export async function fetchMonitorStatistics(agent: Endpoint): Promise<MonitorEntry[]> {
  const entries = await getJson<unknown>(agent, '/monitor/statistics');
  if (!Array.isArray(entries)) throw new OperatorError('BAD_RESPONSE', `${agent.label} sent a non-array for /monitor/statistics`);
  return entries as MonitorEntry[];
}
