/**
 * One round of `meseta top`: the master's state (for the agents and task
 * names) and every registered agent's `/monitor/statistics`, asked in
 * parallel. An agent that does not answer is reported, not fatal: `top`
 * keeps showing the others.
 */
import type { MasterState } from './classic-json.js';
import { agentEndpoint, fetchMasterState, fetchMonitorStatistics } from './cluster-client.js';
import type { AgentSample } from './cpu-usage.js';
import type { Endpoint } from './http-json.js';
import { isOperatorError } from './operator-error.js';

/** A sampling round. */
export interface MonitorRound {
  state: MasterState;
  samples: AgentSample[];
  /** One line per agent that could not be sampled. */
  problems: string[];
}

/** Samples the cluster once. Throws OperatorError when the master cannot be asked. */
export async function sampleCluster(master: Endpoint): Promise<MonitorRound> {
  const state = await fetchMasterState(master);
  const problems: string[] = [];
  const samples = await Promise.all(
    (state.slaves ?? []).map(async (agent): Promise<AgentSample | undefined> => {
      const endpoint = agentEndpoint(agent);
      if (!endpoint) {
        problems.push(`agent ${agent.id}: no address in its pid`);
        return undefined;
      }
      try {
        return { agentId: agent.id, hostname: agent.hostname ?? '', entries: await fetchMonitorStatistics(endpoint) };
      } catch (error) {
        if (!isOperatorError(error)) throw error;
        problems.push(error.message);
        return undefined;
      }
    }),
  );
  return { state, samples: samples.filter((s): s is AgentSample => s !== undefined), problems: problems.sort() };
}
