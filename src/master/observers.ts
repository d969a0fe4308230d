/**
 * What the master tells observers (the operator API's SUBSCRIBE streams, and
 * later the web UI's feeds) about its state changes. The master calls these
 * after each change; observers must not mutate what they are handed.
 */
import type { AgentRecord } from './agent-record.js';
import type { FrameworkRecord } from './framework.js';
import type { MasterTask } from './task.js';
import type { TaskStatus } from '../mesos/types.js';

export interface MasterObserver {
  taskAdded(task: MasterTask): void;
  taskUpdated(task: MasterTask, status: TaskStatus): void;
  agentAdded(agent: AgentRecord): void;
  agentRemoved(agentId: string): void;
  frameworkAdded(framework: FrameworkRecord): void;
  frameworkUpdated(framework: FrameworkRecord): void;
  frameworkRemoved(framework: FrameworkRecord): void;
}

/** Fans notifications out to every registered observer. */
export class ObserverSet implements MasterObserver {
  private readonly observers = new Set<MasterObserver>();

  add(observer: MasterObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  get size(): number {
    return this.observers.size;
  }

  taskAdded(task: MasterTask): void {
    for (const o of this.observers) o.taskAdded(task);
  }
  taskUpdated(task: MasterTask, status: TaskStatus): void {
    for (const o of this.observers) o.taskUpdated(task, status);
  }
  agentAdded(agent: AgentRecord): void {
    for (const o of this.observers) o.agentAdded(agent);
  }
  agentRemoved(agentId: string): void {
    for (const o of this.observers) o.agentRemoved(agentId);
  }
  frameworkAdded(framework: FrameworkRecord): void {
    for (const o of this.observers) o.frameworkAdded(framework);
  }
  frameworkUpdated(framework: FrameworkRecord): void {
    for (const o of this.observers) o.frameworkUpdated(framework);
  }
  frameworkRemoved(framework: FrameworkRecord): void {
    for (const o of this.observers) o.frameworkRemoved(framework);
  }
}
