import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { DockerCreateSpec } from '../../../src/agent/containerizer/docker-create-spec.js';
import { DockerConfigError } from '../../../src/agent/containerizer/docker-errors.js';
import { applyDockerParameters, parseDockerBytes } from '../../../src/agent/containerizer/docker-parameters.js';

const spec = (): DockerCreateSpec => ({ Image: 'x', Env: ['A=1'], Labels: {}, HostConfig: {} });
const apply = (params: Array<[string, string]>) => {
  const s = spec();
  const result = applyDockerParameters(s, params.map(([key, value]) => ({ key, value })));
  return { s, result };
};

describe('applyDockerParameters', () => {
  it('maps the common docker run options onto the Engine API fields', () => {
    const { s } = apply([
      ['env', 'A=2'],
      ['e', 'B=x=y'],
      ['label', 'team=web'],
      ['l', 'bare'],
      ['volume', '/a:/b:ro'],
      ['v', 'named:/c'],
      ['user', 'nobody'],
      ['workdir', '/srv'],
      ['hostname', 'h1'],
      ['memory-swap', '256m'],
      ['memory-reservation', '64m'],
      ['shm-size', '1g'],
      ['cpuset-cpus', '0-1'],
      ['pids-limit', '100'],
      ['read-only', 'true'],
      ['init', ''],
      ['cap-add', 'NET_ADMIN'],
      ['cap-drop', 'ALL'],
      ['dns', '10.0.0.2'],
      ['dns-search', 'example.org'],
      ['dns-option', 'ndots:2'],
      ['add-host', 'db:10.0.0.3'],
      ['sysctl', 'net.core.somaxconn=1024'],
      ['tmpfs', '/run:size=64m'],
      ['ulimit', 'nofile=1024:2048'],
      ['stop-signal', 'SIGQUIT'],
      ['log-driver', 'json-file'],
      ['log-opt', 'max-size=10m'],
      ['expose', '8080'],
      ['entrypoint', '/bin/true'],
    ]);
    assert.deepEqual(s.Env, ['A=2', 'B=x=y']);
    assert.deepEqual(s.Labels, { team: 'web', bare: '' });
    assert.equal(s.User, 'nobody');
    assert.equal(s.WorkingDir, '/srv');
    assert.equal(s.Hostname, 'h1');
    assert.equal(s.StopSignal, 'SIGQUIT');
    assert.deepEqual(s.Entrypoint, ['/bin/true']);
    assert.deepEqual(s.ExposedPorts, { '8080/tcp': {} });
    assert.deepEqual(s.HostConfig, {
      Binds: ['/a:/b:ro', 'named:/c'],
      MemorySwap: 256 * 1024 ** 2,
      MemoryReservation: 64 * 1024 ** 2,
      ShmSize: 1024 ** 3,
      CpusetCpus: '0-1',
      PidsLimit: 100,
      ReadonlyRootfs: true,
      Init: true,
      CapAdd: ['NET_ADMIN'],
      CapDrop: ['ALL'],
      Dns: ['10.0.0.2'],
      DnsSearch: ['example.org'],
      DnsOptions: ['ndots:2'],
      ExtraHosts: ['db:10.0.0.3'],
      Sysctls: { 'net.core.somaxconn': '1024' },
      Tmpfs: { '/run': 'size=64m' },
      Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }],
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m' } },
    });
  });

  it('accepts keys written with leading dashes; returns the first net/network', () => {
    const { s, result } = apply([['--user', 'u'], ['network', 'n1'], ['net', 'n2']]);
    assert.equal(s.User, 'u');
    assert.deepEqual(result, { network: 'n1' });
    assert.deepEqual(apply([]).result, {});
  });

  it('refuses options the agent owns, naming what to use instead', () => {
    for (const key of ['name', 'rm', 'restart', 'publish', 'p', 'memory', 'cpu-shares', 'tty']) {
      assert.throws(() => apply([[key, 'x']]), (e: unknown) => e instanceof DockerConfigError && e.message.startsWith(`Docker parameter '${key}' is not allowed: `));
    }
    assert.throws(() => apply([['publish', '80:80']]), /use DockerInfo.port_mappings/);
  });

  it('rejects unknown keys and malformed values clearly', () => {
    assert.throws(() => apply([['frobnicate', '1']]), /^Error: Unsupported docker parameter 'frobnicate' \(supported: .*env.*\)/);
    assert.throws(() => apply([['env', 'NOVALUE']]), /Docker parameter 'env' needs NAME=VALUE, got 'NOVALUE'/);
    assert.throws(() => apply([['read-only', 'maybe']]), /Invalid boolean 'maybe' for docker parameter 'read-only'/);
    assert.throws(() => apply([['pids-limit', 'lots']]), /Invalid number 'lots'/);
    assert.throws(() => apply([['shm-size', '12q']]), /Invalid size '12q'/);
  });
});

describe('parseDockerBytes', () => {
  it('reads docker sizes', () => {
    assert.equal(parseDockerBytes('512', 'k'), 512);
    assert.equal(parseDockerBytes('64k', 'k'), 65_536);
    assert.equal(parseDockerBytes('128M', 'k'), 128 * 1024 ** 2);
    assert.equal(parseDockerBytes('1.5g', 'k'), 1.5 * 1024 ** 3);
    assert.equal(parseDockerBytes('2gb', 'k'), 2 * 1024 ** 3);
    assert.equal(parseDockerBytes('-1', 'k'), -1);
  });
});
