import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  ComposingContainerizer,
  chooseContainerizer,
  parseContainerizers,
} from '../../../src/agent/containerizer/composing-containerizer.js';
import {
  ContainerLaunchError,
  UnknownContainerError,
  type ContainerConfig,
  type ContainerInfoRuntime,
  type ContainerTermination,
  type Containerizer,
} from '../../../src/agent/containerizer/containerizer.js';
import type { ContainerInfo } from '../../../src/mesos/types.js';

/** A scripted containerizer that records the calls it gets. */
class Recording implements Containerizer {
  readonly calls: string[] = [];
  constructor(
    readonly isolation: string,
    private readonly recoverable: string[] = [],
  ) {}
  async launch(config: ContainerConfig): Promise<ContainerInfoRuntime> {
    this.calls.push(`launch ${config.containerId}`);
    if (config.containerId === 'boom') throw new ContainerLaunchError('boom');
    return { containerId: config.containerId, pid: 1 };
  }
  async wait(id: string): Promise<ContainerTermination> {
    this.calls.push(`wait ${id}`);
    return { message: `ended ${id}` };
  }
  async destroy(id: string, grace: number): Promise<void> {
    this.calls.push(`destroy ${id} ${grace}`);
  }
  async recover(ids: string[]): Promise<ContainerInfoRuntime[]> {
    this.calls.push(`recover ${ids.join(',')}`);
    return ids.filter((id) => this.recoverable.includes(id)).map((containerId) => ({ containerId, pid: 2 }));
  }
  async forget(id: string): Promise<boolean> {
    this.calls.push(`forget ${id}`);
    return id !== 'running';
  }
  async usage(id: string): Promise<{ memRssBytes?: number }> {
    this.calls.push(`usage ${id}`);
    return { memRssBytes: 1 };
  }
}

const cfg = (containerId: string, container?: ContainerInfo): ContainerConfig => ({
  containerId,
  sandbox: '/s',
  command: { shell: true, value: 'true' },
  env: {},
  stdoutPath: '/s/stdout',
  stderrPath: '/s/stderr',
  cpus: 0.1,
  memMB: 32,
  ...(container ? { container } : {}),
});
const DOCKER: ContainerInfo = { type: 'DOCKER', docker: { image: 'busybox' } };

describe('chooseContainerizer', () => {
  it('DOCKER → docker; none or MESOS → mesos; whatever the flag order', () => {
    assert.deepEqual(chooseContainerizer(cfg('a', DOCKER), ['docker', 'mesos']), { kind: 'docker' });
    assert.deepEqual(chooseContainerizer(cfg('a'), ['docker', 'mesos']), { kind: 'mesos' });
    assert.deepEqual(chooseContainerizer(cfg('a', { type: 'MESOS' }), ['mesos', 'docker']), { kind: 'mesos' });
  });
  it('says which flag is missing', () => {
    assert.deepEqual(chooseContainerizer(cfg('a', DOCKER), ['mesos']), { error: 'Docker containerizer is not enabled (--containerizers=mesos)' });
    assert.deepEqual(chooseContainerizer(cfg('a'), ['docker']), { error: 'Mesos containerizer is not enabled (--containerizers=docker)' });
  });
  it('refuses a MESOS container with an image (no provisioner)', () => {
    const choice = chooseContainerizer(cfg('a', { type: 'MESOS', mesos: { image: { type: 'DOCKER', docker: { name: 'busybox' } } } }), ['docker', 'mesos']);
    assert.ok('error' in choice && /cannot run container images/.test(choice.error));
  });
});

describe('parseContainerizers', () => {
  it('keeps the order, drops repeats, rejects unknown names', () => {
    assert.deepEqual(parseContainerizers(['docker', 'mesos', 'docker']), ['docker', 'mesos']);
    assert.throws(() => parseContainerizers(['mesos', 'rkt']), /Unknown or unsupported containerizer: rkt/);
    assert.throws(() => parseContainerizers(['']), /at least one/);
  });
});

describe('ComposingContainerizer', () => {
  const make = () => {
    const docker = new Recording('docker', ['d-old']);
    const mesos = new Recording('posix/cpu,posix/mem', ['m-old']);
    const composing = new ComposingContainerizer([
      { kind: 'docker', containerizer: docker },
      { kind: 'mesos', containerizer: mesos },
    ]);
    return { docker, mesos, composing };
  };

  it('routes launch and the later calls of a container to the member that launched it', async () => {
    const { docker, mesos, composing } = make();
    await composing.launch(cfg('d1', DOCKER));
    await composing.launch(cfg('m1'));
    assert.equal((await composing.wait('d1')).message, 'ended d1');
    await composing.destroy('m1', 3000);
    await composing.usage('d1');
    assert.deepEqual(docker.calls, ['launch d1', 'wait d1', 'usage d1']);
    assert.deepEqual(mesos.calls, ['launch m1', 'destroy m1 3000']);
    assert.equal(composing.isolation, 'posix/cpu,posix/mem');
  });

  it('unknown containers: wait and usage reject, destroy is a no-op; a failed launch is forgotten', async () => {
    const { composing } = make();
    await assert.rejects(composing.wait('nope'), UnknownContainerError);
    await assert.rejects(composing.usage('nope'), UnknownContainerError);
    await composing.destroy('nope', 0);
    await assert.rejects(composing.launch(cfg('boom', DOCKER)), ContainerLaunchError);
    await assert.rejects(composing.wait('boom'), UnknownContainerError);
    await assert.rejects(composing.launch(cfg('x', DOCKER)).then(() => composing.launch(cfg('y', { type: 'MESOS', mesos: { image: { type: 'DOCKER', docker: { name: 'i' } } } }))), /cannot run container images/);
  });

  it('forget goes to the owner; the container is unknown after, unless the owner kept it (still running)', async () => {
    const { docker, mesos, composing } = make();
    await composing.launch(cfg('d1', DOCKER));
    await composing.launch(cfg('running'));
    assert.equal(await composing.forget('d1'), true);
    assert.equal(await composing.forget('running'), false);
    assert.equal(await composing.forget('nope'), false);
    await assert.rejects(composing.wait('d1'), UnknownContainerError);
    await composing.wait('running');
    assert.deepEqual(docker.calls, ['launch d1', 'forget d1']);
    assert.deepEqual(mesos.calls, ['launch running', 'forget running', 'wait running']);
  });

  it('recover asks each member in order and owns what each re-adopted', async () => {
    const { docker, mesos, composing } = make();
    const recovered = await composing.recover(['d-old', 'm-old', 'gone']);
    assert.deepEqual(recovered.map((r) => r.containerId), ['d-old', 'm-old']);
    assert.deepEqual(docker.calls, ['recover d-old,m-old,gone']);
    assert.deepEqual(mesos.calls, ['recover m-old,gone']);
    await composing.wait('m-old');
    assert.deepEqual(mesos.calls.at(-1), 'wait m-old');
  });
});
