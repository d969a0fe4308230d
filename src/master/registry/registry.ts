/**
 * The master's registry: admitted agents and known frameworks, persisted through
 * the `Store` so a restarted master accepts its agents' reregistration and its
 * frameworks' resubscription with their old ids. Mirrors Mesos's Registry
 * (slaves, unreachable slaves) plus the framework infos newer Mesos keeps.
 *
 * Keys: `registry/agents/<agent-id>`, `registry/frameworks/<framework-id>`,
 * `registry/gone/<agent-id>` (Mesos `slaves.gone`) and `registry/weights`
 * (Mesos `weights`, set by UPDATE_WEIGHTS).
 *
 * Admissions are batched: the `admitAgent` calls of a short window (10 ms by
 * default), and those arriving while a batch is being written, go to the
 * Store as one `putMany` — one SQLite transaction, a few ZooKeeper multi-ops —
 * rather than one write each; after a failover thousands of agents reregister
 * a second. A window rather than one event-loop turn: registrations arrive one
 * HTTP request per turn, so per-turn batches held a single agent. The master
 * sends REGISTERED without waiting for the write (as before), so the window
 * delays only persistence.
 * Batches are written one after another, and every other operation first
 * waits for the admissions queued before it, so writes to a key keep the
 * order of the calls.
 *
 * Re-admitting an agent whose record is unchanged (same AgentInfo and pid, not
 * unreachable) writes nothing, as Mesos skips its registry operation when a
 * reregistering agent's SlaveInfo equals the recovered one (MESOS-7711): after
 * a failover every agent comes back, and rewriting 10,000 unchanged records
 * was a tenth of the new leader's work.
 */
import { sameJson } from '../../mesos/same-json.js';
import type { Store } from '../../coordination/store.js';
import type { AgentInfo, FrameworkInfo, Resource } from '../../mesos/types.js';

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
  /** Agents an operator marked gone; they are refused if they come back. */
  goneAgents: string[];
  /** Role weights set through UPDATE_WEIGHTS, if any (they override `--weights`, as in Mesos). */
  weights?: Record<string, number>;
}

/** What `registry/gone/<agent-id>` holds. */
interface GoneAgent {
  /** When it was marked gone, ms since the epoch. */
  goneTime: number;
}

const AGENTS = 'registry/agents/';
const FRAMEWORKS = 'registry/frameworks/';
const GONE = 'registry/gone/';
const WEIGHTS = 'registry/weights';
/** Default gathering window of agent admissions, ms. */
export const DEFAULT_BATCH_WINDOW_MS = 10;

interface PendingAdmission {
  agent: RegistryAgent;
  waiters: Array<{ resolve: () => void; reject: (error: Error) => void }>;
}

/** Registry operations; admissions batched per turn, the others one Store write each (compare-and-set where it matters). */
export class Registry {
  /** Admissions not yet handed to the Store, by key (a later admission of the same agent replaces the earlier one). */
  private pending = new Map<string, PendingAdmission>();
  private flushScheduled = false;
  /** Set while batches are being written; settles when the queue is empty (never rejects). */
  private draining: Promise<void> | undefined;

  private readonly batchWindowMs: number;
  /**
   * By agent id, the record the Store holds once the queued writes are done, as
   * far as this registry knows (recovered or admitted here). An agent missing
   * here is always written. The records themselves, compared field by field,
   * not their JSON: after a failover every agent is re-admitted, and encoding
   * each one to compare it was ~5 % of the new leader's reregistration work
   * (comparing fields costs somewhat less, and keeps no 10,000 strings).
   * Admitted records are never changed afterwards (the master replaces an
   * agent's info, it does not edit it), so holding them is safe.
   */
  private readonly persisted = new Map<string, RegistryAgent>();
  /** The batch being written, so an unchanged re-admission can wait for it. */
  private writing: Map<string, PendingAdmission> | undefined;

  /** `options.batchWindowMs`: how long admissions gather before a batch is written (0: end of this turn). Default 10. */
  constructor(
    private readonly store: Store,
    options: { batchWindowMs?: number } = {},
  ) {
    this.batchWindowMs = options.batchWindowMs ?? DEFAULT_BATCH_WINDOW_MS;
  }

  /**
   * Agents recovered from the registry that have not registered or
   * reregistered with this master yet (Mesos `slaves.recovered`): until they
   * do, the master cannot say whether their tasks exist, so explicit
   * reconciliation of an unknown task on one of them gets no reply.
   */
  private readonly recoveredAgents = new Set<string>();

  /**
   * Reads everything persisted by earlier masters. `share`, when given, gets
   * each recovered agent's resource list and returns the list to keep in its
   * place (e.g. a frozen one shared with equal lists, which later comparisons
   * then settle by identity); it must return a list equal to the one given.
   */
  async recover(share?: (resources: Resource[]) => Resource[]): Promise<RecoveredRegistry> {
    const agents = await this.store.list<RegistryAgent>(AGENTS);
    if (share) for (const e of agents) if (e.value.info.resources) e.value.info.resources = share(e.value.info.resources);
    const frameworks = await this.store.list<RegistryFramework>(FRAMEWORKS);
    const gone = await this.store.list<GoneAgent>(GONE);
    const weights = await this.store.get<{ weights: Record<string, number> }>(WEIGHTS);
    // Agents already unreachable stay so (Mesos `slaves.unreachable`); only the others are awaited.
    for (const e of agents) if (e.value.unreachableTime === undefined) this.recoveredAgents.add(e.value.info.id.value);
    this.persisted.clear();
    for (const e of agents) this.persisted.set(e.value.info.id.value, e.value);
    return {
      agents: agents.map((e) => e.value),
      frameworks: frameworks.map((e) => e.value),
      goneAgents: gone.map((e) => e.key.slice(GONE.length)),
      ...(weights ? { weights: weights.value.weights } : {}),
    };
  }

  /** Ids of the agents recovered and not back yet (see `isRecovering`). */
  recoveringAgents(): string[] {
    return [...this.recoveredAgents];
  }

  /** Whether agent `id` was recovered and has not come back yet; without `id`: whether any such agent remains. */
  isRecovering(id?: string): boolean {
    return id === undefined ? this.recoveredAgents.size > 0 : this.recoveredAgents.has(id);
  }

  /**
   * Admits (or re-admits) an agent. Resolves once its batch is written; rejects
   * with the Store's error if that batch failed. An unchanged record is not
   * written again: the call resolves at once, or with the write of that same
   * record already queued or under way.
   */
  admitAgent(agent: RegistryAgent): Promise<void> {
    const id = agent.info.id.value;
    this.recoveredAgents.delete(id);
    const key = AGENTS + id;
    const persisted = this.persisted.get(id);
    const unchanged = persisted !== undefined && sameJson(persisted, agent);
    this.persisted.set(id, agent);
    return new Promise((resolve, reject) => {
      const queued = this.pending.get(key) ?? (unchanged ? this.writing?.get(key) : undefined);
      if (unchanged && !queued) {
        resolve();
        return;
      }
      if (queued) {
        queued.agent = agent;
        queued.waiters.push({ resolve, reject });
      } else {
        this.pending.set(key, { agent, waiters: [{ resolve, reject }] });
      }
      if (!this.flushScheduled && !this.draining) {
        this.flushScheduled = true;
        if (this.batchWindowMs > 0) setTimeout(() => void this.flush(), this.batchWindowMs);
        else setImmediate(() => void this.flush());
      }
    });
  }

  /** Resolves once every admission queued so far is written (or failed). Never rejects. */
  drain(): Promise<void> {
    return this.flush();
  }

  /**
   * Writes the queued admissions, batch after batch, until none is left:
   * admissions arriving while a batch is being written make the next batch.
   * Resolves when the queue is empty and written (never rejects: waiters get errors).
   */
  private flush(): Promise<void> {
    this.flushScheduled = false;
    if (this.draining) return this.draining;
    if (this.pending.size === 0) return Promise.resolve();
    this.draining = (async () => {
      while (this.pending.size > 0) {
        const batch = this.pending;
        this.pending = new Map();
        await this.write(batch);
      }
      this.draining = undefined;
    })();
    return this.draining;
  }

  private async write(batch: Map<string, PendingAdmission>): Promise<void> {
    this.writing = batch;
    try {
      const entries = [...batch].map(([key, { agent }]) => ({ key, value: agent }));
      if (this.store.putMany) await this.store.putMany(entries);
      else await Promise.all(entries.map((e) => this.store.put(e.key, e.value)));
      for (const { waiters } of batch.values()) for (const w of waiters) w.resolve();
    } catch (error) {
      // What the Store holds for these agents is unknown now: the next admission writes.
      for (const key of batch.keys()) this.persisted.delete(key.slice(AGENTS.length));
      for (const { waiters } of batch.values()) for (const w of waiters) w.reject(error as Error);
    } finally {
      this.writing = undefined;
    }
  }

  /** Records that an agent became unreachable at `time` (ms). No-op if unknown. */
  async markAgentUnreachable(agentId: string, time: number): Promise<void> {
    await this.changingRecord(agentId, async () => {
      const entry = await this.store.get<RegistryAgent>(AGENTS + agentId);
      if (entry) await this.store.put(AGENTS + agentId, { ...entry.value, unreachableTime: time }, entry.version);
    });
  }

  /** Forgets an agent (removed for good). */
  async removeAgent(agentId: string): Promise<void> {
    await this.changingRecord(agentId, () => this.store.delete(AGENTS + agentId));
  }

  /**
   * Records that an operator marked an agent gone at `time` (ms) and forgets
   * its admission. Resolves once both are written; throws the Store's error
   * (the master then answers the operator with 503 and changes nothing).
   */
  async markAgentGone(agentId: string, time: number): Promise<void> {
    await this.changingRecord(agentId, async () => {
      await this.store.put(GONE + agentId, { goneTime: time } satisfies GoneAgent);
      await this.store.delete(AGENTS + agentId);
    });
  }

  /**
   * Runs `change` on an agent's record after the admissions queued before it.
   * The record is then no longer what an admission would write, so the next
   * admission of that agent is written whatever it holds.
   */
  private async changingRecord(agentId: string, change: () => Promise<void>): Promise<void> {
    this.recoveredAgents.delete(agentId);
    this.persisted.delete(agentId);
    try {
      await this.flush();
      await change();
    } finally {
      // An admission made meanwhile may have recorded its own record; it is not what the Store holds.
      this.persisted.delete(agentId);
    }
  }

  /** Persists the whole map of role weights (UPDATE_WEIGHTS). Throws the Store's error. */
  async updateWeights(weights: Record<string, number>): Promise<void> {
    await this.flush();
    await this.store.put(WEIGHTS, { weights });
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
