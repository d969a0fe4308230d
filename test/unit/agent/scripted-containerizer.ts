/**
 * A containerizer for unit tests: records launches and destroys, and ends a
 * container when the test says so (or when destroyed, as killed by SIGTERM).
 */
import type {
  ContainerConfig,
  ContainerInfoRuntime,
  ContainerTermination,
  Containerizer,
} from '../../../src/agent/containerizer/containerizer.js';
import { ContainerLaunchError, UnknownContainerError } from '../../../src/agent/containerizer/containerizer.js';
import { createSandbox } from '../../../src/agent/sandbox.js';

interface Scripted {
  config: ContainerConfig;
  ended: Promise<ContainerTermination>;
  hasEnded: boolean;
  end(t: ContainerTermination): void;
}

export class ScriptedContainerizer implements Containerizer {
  readonly isolation = 'posix/cpu,posix/mem';
  readonly launched: ContainerConfig[] = [];
  readonly destroyed: Array<{ containerId: string; gracePeriodMs: number }> = [];
  /** Containers the agent let go of (forget), in order. */
  readonly forgotten: string[] = [];
  private readonly containers = new Map<string, Scripted>();
  private nextPid = 1000;
  /** When set, the next launch rejects with this message. */
  failNextLaunch: string | undefined;
  /** When set, launch waits for this promise before resolving. */
  launchGate: Promise<void> | undefined;

  async launch(config: ContainerConfig): Promise<ContainerInfoRuntime> {
    if (this.failNextLaunch) {
      const message = this.failNextLaunch;
      this.failNextLaunch = undefined;
      throw new ContainerLaunchError(message);
    }
    // The seam's contract: the sandbox exists once launch resolves.
    if (config.createSandbox) await createSandbox(config.sandbox, config.createSandbox.latestLink);
    let resolve!: (t: ContainerTermination) => void;
    const ended = new Promise<ContainerTermination>((r) => (resolve = r));
    const scripted: Scripted = {
      config,
      ended,
      hasEnded: false,
      end: (t) => {
        scripted.hasEnded = true;
        resolve(t);
      },
    };
    this.containers.set(config.containerId, scripted);
    this.launched.push(config);
    if (this.launchGate) await this.launchGate;
    return { containerId: config.containerId, pid: this.nextPid++ };
  }

  wait(containerId: string): Promise<ContainerTermination> {
    const c = this.containers.get(containerId);
    if (!c) return Promise.reject(new UnknownContainerError(containerId));
    return c.ended;
  }

  async destroy(containerId: string, gracePeriodMs: number): Promise<void> {
    this.destroyed.push({ containerId, gracePeriodMs });
    this.containers.get(containerId)?.end({ signal: 'SIGTERM', status: 15, message: 'Command terminated with signal Terminated' });
  }

  async forget(containerId: string): Promise<boolean> {
    if (!this.containers.get(containerId)?.hasEnded) return false;
    this.containers.delete(containerId);
    this.forgotten.push(containerId);
    return true;
  }

  async recover(): Promise<ContainerInfoRuntime[]> {
    return [];
  }

  async usage(): Promise<{ memRssBytes?: number; cpuTimeSecs?: number }> {
    return {};
  }

  /** Ends a container as if its process exited. */
  exit(containerId: string, termination: ContainerTermination): void {
    this.containers.get(containerId)!.end(termination);
  }
}
