import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { ContainerConfig } from '../../../src/agent/containerizer/containerizer.js';
import { DockerConfigError } from '../../../src/agent/containerizer/docker-errors.js';
import { buildDockerRun, dockerCommand, dockerLimits } from '../../../src/agent/containerizer/docker-run-config.js';
import type { ContainerInfo, Resource } from '../../../src/mesos/types.js';

const OWNER = '/var/lib/mesos/agent';
const ports = (...ranges: Array<[number, number]>): Resource => ({
  name: 'ports',
  type: 'RANGES',
  ranges: { range: ranges.map(([begin, end]) => ({ begin, end })) },
});

function config(container: ContainerInfo, over: Partial<ContainerConfig> = {}): ContainerConfig {
  return {
    containerId: 'c-1',
    agentId: 'A-S0',
    sandbox: '/work/slaves/A-S0/frameworks/F/executors/t/runs/c-1',
    command: { shell: true, value: 'echo hi' },
    commandInfo: { value: 'echo hi' },
    env: { MESOS_SANDBOX: '/work/slaves/A-S0/frameworks/F/executors/t/runs/c-1', MESOS_TASK: 'x', PATH: '/usr/bin:/bin' },
    stdoutPath: '/sandbox/stdout',
    stderrPath: '/sandbox/stderr',
    cpus: 0.2,
    memMB: 64,
    resources: [ports([31000, 31009])],
    container,
    ...over,
  };
}
const docker = (d: Partial<NonNullable<ContainerInfo['docker']>> = {}, more: Partial<ContainerInfo> = {}): ContainerInfo => ({
  type: 'DOCKER',
  docker: { image: 'nginx', ...d },
  ...more,
});
const build = (c: ContainerConfig) => buildDockerRun(c, { owner: OWNER });
const rejects = (c: ContainerConfig, message: RegExp) =>
  assert.throws(() => build(c), (e: unknown) => e instanceof DockerConfigError && message.test(e.message));

describe('buildDockerRun: name, labels, image', () => {
  it('names the container mesos-<agent-id>.<container-id> and labels it with its ids and owner', () => {
    const run = build(config(docker()));
    assert.equal(run.name, 'mesos-A-S0.c-1');
    assert.equal(run.image, 'nginx');
    assert.equal(run.spec.Image, 'nginx');
    assert.deepEqual(run.spec.Labels, { 'meseta.container_id': 'c-1', 'meseta.agent_work_dir': OWNER, 'meseta.agent_id': 'A-S0' });
    assert.equal(run.forcePull, false);
    assert.equal(build(config(docker({ force_pull_image: true }))).forcePull, true);
  });

  it('refuses a ContainerInfo that is not DOCKER or has no image', () => {
    rejects(config({ type: 'MESOS' }), /No docker info found in container info/);
    rejects(config({ type: 'DOCKER', docker: { image: '' } }), /No image/);
  });
});

describe('buildDockerRun: network', () => {
  it('HOST by default; BRIDGE, NONE; USER takes the single network name', () => {
    assert.equal(build(config(docker())).spec.HostConfig.NetworkMode, 'host');
    assert.equal(build(config(docker({ network: 'BRIDGE' }))).spec.HostConfig.NetworkMode, 'bridge');
    assert.equal(build(config(docker({ network: 'NONE' }))).spec.HostConfig.NetworkMode, 'none');
    assert.equal(build(config(docker({ network: 'USER' }, { network_infos: [{ name: 'overlay1' }] }))).network, 'overlay1');
  });

  it('USER needs exactly one named network (Mesos messages)', () => {
    rejects(config(docker({ network: 'USER' })), /^No network info found in container info$/);
    rejects(config(docker({ network: 'USER' }, { network_infos: [{ name: 'a' }, { name: 'b' }] })), /Only a single network/);
    rejects(config(docker({ network: 'USER' }, { network_infos: [{}] })), /No network name found in network info/);
  });

  it('hostname: refused on the host network, set otherwise', () => {
    rejects(config(docker({}, { hostname: 'web' })), /Unable to set hostname with host network mode/);
    assert.equal(build(config(docker({ network: 'BRIDGE' }, { hostname: 'web' }))).spec.Hostname, 'web');
  });

  it('the first net/network parameter replaces the network', () => {
    const run = build(config(docker({ parameters: [{ key: 'net', value: 'mynet' }, { key: 'network', value: 'other' }] })));
    assert.equal(run.spec.HostConfig.NetworkMode, 'mynet');
  });
});

describe('buildDockerRun: port mappings', () => {
  it('binds host ports taken from the task ports to container ports, tcp by default', () => {
    const run = build(
      config(docker({ network: 'BRIDGE', port_mappings: [{ host_port: 31001, container_port: 80 }, { host_port: 31002, container_port: 53, protocol: 'udp' }] })),
    );
    assert.deepEqual(run.spec.HostConfig.PortBindings, { '80/tcp': [{ HostPort: '31001' }], '53/udp': [{ HostPort: '31002' }] });
    assert.deepEqual(run.spec.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
  });

  it('Marathon\'s "tcp,udp" maps both protocols', () => {
    const run = build(config(docker({ network: 'BRIDGE', port_mappings: [{ host_port: 31005, container_port: 53, protocol: 'tcp,udp' }] })));
    assert.deepEqual(Object.keys(run.spec.HostConfig.PortBindings ?? {}), ['53/tcp', '53/udp']);
  });

  it('refuses host ports outside the resources, missing port resources, and HOST/NONE networks', () => {
    const mapping = [{ host_port: 32000, container_port: 80 }];
    rejects(config(docker({ network: 'BRIDGE', port_mappings: mapping })), /^Port \[32000\] not included in resources$/);
    rejects(config(docker({ network: 'BRIDGE', port_mappings: [{ host_port: 31000, container_port: 80 }] }), { resources: [] }), /Port mappings require port resources/);
    rejects(config(docker({ port_mappings: [{ host_port: 31000, container_port: 80 }] })), /only supported for bridge and user-defined networks/);
    rejects(config(docker({ network: 'NONE', port_mappings: [{ host_port: 31000, container_port: 80 }] })), /only supported for bridge/);
  });
});

describe('buildDockerRun: volumes and the sandbox', () => {
  it('binds host paths RW/RO; relative host paths are in the sandbox, relative container paths under MESOS_SANDBOX', () => {
    const run = build(
      config(
        docker({}, {
          volumes: [
            { container_path: '/usr/share/nginx/html', host_path: '/opt/web/www', mode: 'RW' },
            { container_path: '/etc/conf', host_path: 'conf', mode: 'RO' },
            { container_path: 'data', host_path: '/srv/data', mode: 'RW' },
          ],
        }),
      ),
    );
    const sandbox = '/work/slaves/A-S0/frameworks/F/executors/t/runs/c-1';
    assert.deepEqual(run.spec.HostConfig.Binds, [
      '/opt/web/www:/usr/share/nginx/html:rw',
      `${sandbox}/conf:/etc/conf:ro`,
      '/srv/data:/mnt/mesos/sandbox/data:rw',
      `${sandbox}:/mnt/mesos/sandbox`,
    ]);
  });

  it('a Docker named volume (source.docker_volume) is bound by name', () => {
    const volume = { container_path: '/data', mode: 'RW', source: { type: 'DOCKER_VOLUME', docker_volume: { name: 'vol1' } } };
    const run = build(config(docker({}, { volumes: [volume as never] })));
    assert.equal(run.spec.HostConfig.Binds?.[0], 'vol1:/data:rw');
  });

  it('refuses two relative paths and a volume with neither host path nor source', () => {
    rejects(config(docker({}, { volumes: [{ container_path: 'a', host_path: 'b', mode: 'RW' }] })), /Both host_path 'b' and container_path 'a' of a volume are relative/);
    rejects(config(docker({}, { volumes: [{ container_path: '/a', mode: 'RW' }] })), /Host path or volume source is required/);
  });

  it('--sandbox_directory moves the mount and MESOS_SANDBOX', () => {
    const run = buildDockerRun(config(docker()), { owner: OWNER, sandboxDirectory: '/sandbox' });
    assert.ok(run.spec.HostConfig.Binds?.at(-1)?.endsWith(':/sandbox'));
    assert.ok(run.spec.Env.includes('MESOS_SANDBOX=/sandbox'));
  });
});

describe('buildDockerRun: environment', () => {
  it('passes the agent env with MESOS_SANDBOX and MESOS_CONTAINER_NAME as Mesos sets them for Docker, without the default PATH', () => {
    const env = build(config(docker())).spec.Env;
    assert.ok(env.includes('MESOS_SANDBOX=/mnt/mesos/sandbox'));
    assert.ok(env.includes('MESOS_CONTAINER_NAME=mesos-A-S0.c-1'));
    assert.ok(env.includes('MESOS_TASK=x'));
    assert.equal(env.filter((e) => e.startsWith('PATH=')).length, 0, "the image's PATH holds");
  });

  it('keeps PATH when the CommandInfo sets it; env parameters win over everything', () => {
    const c = config(docker({ parameters: [{ key: 'env', value: 'MESOS_TASK=y' }, { key: 'e', value: 'EXTRA=1' }] }), {
      commandInfo: { value: 'x', environment: { variables: [{ name: 'PATH', value: '/opt/bin' }] } },
      env: { PATH: '/opt/bin', MESOS_TASK: 'x' },
    });
    const env = build(c).spec.Env;
    assert.ok(env.includes('PATH=/opt/bin'));
    assert.ok(env.includes('MESOS_TASK=y'));
    assert.ok(!env.includes('MESOS_TASK=x'));
    assert.ok(env.includes('EXTRA=1'));
  });
});

describe('dockerCommand (Mesos rules)', () => {
  const cmd = (commandInfo: ContainerConfig['commandInfo']) => dockerCommand(config(docker(), { commandInfo }));
  it('shell: entrypoint /bin/sh, cmd -c <value>; shell without value refused', () => {
    assert.deepEqual(cmd({ value: 'echo hi; exit 3' }), { Entrypoint: ['/bin/sh'], Cmd: ['-c', 'echo hi; exit 3'] });
    assert.throws(() => cmd({ shell: true }), /Shell specified but no command value provided/);
  });
  it('shell=false: value then arguments after the image entrypoint; nothing → the image CMD', () => {
    assert.deepEqual(cmd({ shell: false, value: '/bin/httpd', arguments: ['-f'] }), { Cmd: ['/bin/httpd', '-f'] });
    assert.deepEqual(cmd({ shell: false, arguments: ['--port', '80'] }), { Cmd: ['--port', '80'] });
    assert.deepEqual(cmd({ shell: false }), {});
  });
  it('without commandInfo, derives it from config.command', () => {
    const c = config(docker(), { commandInfo: undefined, command: { shell: false, value: 'a', arguments: ['a', 'b'] } });
    assert.deepEqual(dockerCommand(c), { Cmd: ['a', 'a', 'b'] });
  });
});

describe('dockerLimits', () => {
  it('cpus × 1024 shares (min 2), a CFS quota of cpus × 100 ms, mem in bytes (min 32 MB) with no swap', () => {
    assert.deepEqual(dockerLimits(0.5, 128, true), {
      CpuShares: 512,
      CpuPeriod: 100_000,
      CpuQuota: 50_000,
      Memory: 128 * 1024 * 1024,
      MemorySwap: 128 * 1024 * 1024,
    });
    const tiny = dockerLimits(0.001, 4, false);
    assert.equal(tiny.CpuShares, 2);
    assert.equal(tiny.Memory, 32 * 1024 * 1024);
    assert.equal(tiny.CpuQuota, undefined);
    assert.equal(dockerLimits(0.005, 64, true).CpuQuota, 1_000);
  });
  it('a memory-swap parameter overrides the no-swap default', () => {
    const run = build(config(docker({ parameters: [{ key: 'memory-swap', value: '-1' }] })));
    assert.equal(run.spec.HostConfig.MemorySwap, -1);
    assert.equal(run.spec.HostConfig.Memory, 64 * 1024 * 1024);
    assert.equal(run.spec.HostConfig.CpuShares, 204);
  });
});
