/**
 * One Containerizer over several (Mesos's `ComposingContainerizer`), built from
 * `--containerizers=docker,mesos`: each container goes to the containerizer that
 * can run it, and later calls for that container go to the same one.
 *
 * Routing (`chooseContainerizer`, pure): a DOCKER ContainerInfo needs `docker`;
 * anything else (no ContainerInfo, or MESOS) needs `mesos`. When several could
 * run a container, the flag's order decides (only one can today). A MESOS
 * ContainerInfo with an `image` is refused: Meseta's Mesos containerizer has no
 * image provisioner, and running the command on the host instead would be wrong.
 */
import {
  ContainerLaunchError,
  UnknownContainerError,
  type ContainerConfig,
  type ContainerInfoRuntime,
  type ContainerTermination,
  type Containerizer,
} from './containerizer.js';

/** Containerizer names of `--containerizers`. */
export type ContainerizerKind = 'mesos' | 'docker';

/** Which containerizer runs `config`, or why none can. Pure. */
export function chooseContainerizer(
  config: Pick<ContainerConfig, 'container'>,
  enabled: readonly ContainerizerKind[],
): { kind: ContainerizerKind } | { error: string } {
  const flag = `--containerizers=${enabled.join(',')}`;
  const type = config.container?.type ?? 'MESOS';
  if (type === 'DOCKER') {
    return enabled.includes('docker') ? { kind: 'docker' } : { error: `Docker containerizer is not enabled (${flag})` };
  }
  if (type !== 'MESOS') return { error: `Unsupported container type '${String(type)}'` };
  if (config.container?.mesos?.image) {
    return {
      error:
        'The Mesos containerizer cannot run container images (no image provisioner in Meseta); ' +
        `use a DOCKER ContainerInfo with --containerizers=docker,mesos`,
    };
  }
  return enabled.includes('mesos') ? { kind: 'mesos' } : { error: `Mesos containerizer is not enabled (${flag})` };
}

/**
 * Parses `--containerizers` (already split on commas).
 * @throws Error `Unknown or unsupported containerizer: <name>` (Mesos's words), or for an empty list.
 */
export function parseContainerizers(names: readonly string[]): ContainerizerKind[] {
  const kinds: ContainerizerKind[] = [];
  for (const name of names.map((n) => n.trim()).filter((n) => n !== '')) {
    if (name !== 'mesos' && name !== 'docker') throw new Error(`Unknown or unsupported containerizer: ${name}`);
    if (!kinds.includes(name)) kinds.push(name);
  }
  if (kinds.length === 0) throw new Error('--containerizers must name at least one containerizer');
  return kinds;
}

/** See the module comment. */
export class ComposingContainerizer implements Containerizer {
  private readonly owners = new Map<string, Containerizer>();
  private readonly kinds: ContainerizerKind[];

  /** `members` in preference order (the flag's order). */
  constructor(private readonly members: ReadonlyArray<{ kind: ContainerizerKind; containerizer: Containerizer }>) {
    this.kinds = members.map((m) => m.kind);
  }

  /** The Mesos containerizer's isolators when it is a member, else the first member's. */
  get isolation(): string {
    const mesos = this.members.find((m) => m.kind === 'mesos') ?? this.members[0];
    return mesos?.containerizer.isolation ?? '';
  }

  /** The member of `kind`, if enabled. */
  member(kind: ContainerizerKind): Containerizer | undefined {
    return this.members.find((m) => m.kind === kind)?.containerizer;
  }

  async launch(config: ContainerConfig): Promise<ContainerInfoRuntime> {
    const choice = chooseContainerizer(config, this.kinds);
    if ('error' in choice) throw new ContainerLaunchError(choice.error);
    const containerizer = this.member(choice.kind)!;
    this.owners.set(config.containerId, containerizer);
    try {
      return await containerizer.launch(config);
    } catch (error) {
      this.owners.delete(config.containerId);
      throw error;
    }
  }

  async wait(containerId: string): Promise<ContainerTermination> {
    return this.ownerOf(containerId).wait(containerId);
  }

  async destroy(containerId: string, gracePeriodMs: number): Promise<void> {
    // Unknown containers are a no-op, as the seam promises.
    await this.owners.get(containerId)?.destroy(containerId, gracePeriodMs);
  }

  /** Asks every member; a container is owned by whichever re-adopted it. */
  async recover(containerIds: string[]): Promise<ContainerInfoRuntime[]> {
    const out: ContainerInfoRuntime[] = [];
    for (const { containerizer } of this.members) {
      for (const runtime of await containerizer.recover(containerIds.filter((id) => !this.owners.has(id)))) {
        this.owners.set(runtime.containerId, containerizer);
        out.push(runtime);
      }
    }
    return out;
  }

  async usage(containerId: string): ReturnType<Containerizer['usage']> {
    return this.ownerOf(containerId).usage(containerId);
  }

  async forget(containerId: string): Promise<boolean> {
    const owner = this.owners.get(containerId);
    if (!owner || !(await owner.forget(containerId))) return false;
    this.owners.delete(containerId);
    return true;
  }

  /** Lets every member that can be closed stop its timers (running containers are left alone). */
  close(): void {
    for (const { containerizer } of this.members) (containerizer as Partial<{ close(): void }>).close?.();
  }

  private ownerOf(containerId: string): Containerizer {
    const owner = this.owners.get(containerId);
    if (!owner) throw new UnknownContainerError(`Unknown container '${containerId}'`);
    return owner;
  }
}
