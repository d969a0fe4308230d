/**
 * The master's registry: admitted agents and known frameworks, persisted through
 * the `Store` so a restarted master accepts its agents' reregistration and its
 * frameworks' resubscription with their old ids. Mirrors Mesos's Registry
 * (slaves, unreachable slaves) plus the framework infos newer Mesos keeps.
 *
 * Keys: `registry/agents/<agent-id>`, `registry/frameworks/<framework-id>`.
 */
import type { Store } from '../../coordination/store.js';
import type { AgentInfo, FrameworkInfo } from '../../mesos/types.js';

export interface RegistryAgent {
  info: AgentInfo & { id: { value: string } };
  pid: string;
  /** Set (ms since the epoch) when marked unreachable. */
  unreachableTime?: number;
}

export interface RegistryFramework {
  info: FrameworkInfo & { id: { value: string } };
}

export interface RecoveredRegistry {
  agents: RegistryAgent[];
  frameworks: RegistryFramework[];
}

const AGENTS = 'registry/agents/';
const FRAMEWORKS = 'registry/frameworks/';

/** Registry operations; each one is a single Store write (compare-and-set where it matters). */
export class Registry {
  constructor(private readonly store: Store) {}

  /** Reads everything persisted by earlier masters. */
  async recover(): Promise<RecoveredRegistry> {
    const agents = await this.store.list<RegistryAgent>(AGENTS);
    const frameworks = await this.store.list<RegistryFramework>(FRAMEWORKS);
    return { agents: agents.map((e) => e.value), frameworks: frameworks.map((e) => e.value) };
  }

  /** Admits (or re-admits) an agent. */
  async admitAgent(agent: RegistryAgent): Promise<void> {
    await this.store.put(AGENTS + agent.info.id.value, agent);
  }

  /** Records that an agent became unreachable at `time` (ms). No-op if unknown. */
  async markAgentUnreachable(agentId: string, time: number): Promise<void> {
    const entry = await this.store.get<RegistryAgent>(AGENTS + agentId);
    if (!entry) return;
    await this.store.put(AGENTS + agentId, { ...entry.value, unreachableTime: time }, entry.version);
  }

  /** Forgets an agent (removed for good). */
  async removeAgent(agentId: string): Promise<void> {
    await this.store.delete(AGENTS + agentId);
  }

  /** Records a framework's current FrameworkInfo. */
  async addFramework(framework: RegistryFramework): Promise<void> {
    await this.store.put(FRAMEWORKS + framework.info.id.value, framework);
  }

  /** Forgets a removed framework. */
  async removeFramework(frameworkId: string): Promise<void> {
    await this.store.delete(FRAMEWORKS + frameworkId);
  }
}
