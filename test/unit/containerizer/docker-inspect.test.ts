import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { dockerNetworkInfos, dockerTermination } from '../../../src/agent/containerizer/docker-inspect.js';
import { usageFromStats } from '../../../src/agent/containerizer/docker-containerizer.js';
import { dockerContainerName, parseContainerName } from '../../../src/agent/containerizer/docker-naming.js';

describe('dockerTermination', () => {
  it('exit codes as Mesos\'s docker executor words them, with the wait status', () => {
    assert.deepEqual(dockerTermination({ State: { ExitCode: 0 } }), { status: 0, exitCode: 0, message: 'Container exited with status 0' });
    assert.deepEqual(dockerTermination({ State: { ExitCode: 3 } }), { status: 3 << 8, exitCode: 3, message: 'Container exited with status 3' });
    assert.equal(dockerTermination({ State: { ExitCode: 137 } }).exitCode, 137);
    assert.match(dockerTermination({ State: { ExitCode: 127, Error: 'exec: "nope": not found' } }).message, /status 127: exec/);
  });

  it('OOMKilled → the memory limitation', () => {
    const t = dockerTermination({ State: { ExitCode: 137, OOMKilled: true } }, 64);
    assert.equal(t.limitation?.reason, 'REASON_CONTAINER_LIMITATION_MEMORY');
    assert.match(t.limitation?.message ?? '', /^Memory limit exceeded: Requested: 64MB/);
    const fromInspect = dockerTermination({ State: { OOMKilled: true }, HostConfig: { Memory: 32 * 1024 * 1024 } });
    assert.match(fromInspect.limitation?.message ?? '', /Requested: 32MB/);
  });
});

describe('dockerNetworkInfos', () => {
  it('none on the host network; the bridge IP unnamed; user networks by name, IPv6 too', () => {
    assert.deepEqual(dockerNetworkInfos({ HostConfig: { NetworkMode: 'host' }, NetworkSettings: { Networks: { host: { IPAddress: '' } } } }), []);
    assert.deepEqual(dockerNetworkInfos({ HostConfig: { NetworkMode: 'bridge' }, NetworkSettings: { Networks: { bridge: { IPAddress: '172.17.0.2' } } } }), [
      { ip_addresses: [{ protocol: 'IPv4', ip_address: '172.17.0.2' }] },
    ]);
    assert.deepEqual(
      dockerNetworkInfos({ HostConfig: { NetworkMode: 'app' }, NetworkSettings: { Networks: { app: { IPAddress: '10.1.0.5', GlobalIPv6Address: 'fd00::5' } } } }),
      [{ name: 'app', ip_addresses: [{ protocol: 'IPv4', ip_address: '10.1.0.5' }, { protocol: 'IPv6', ip_address: 'fd00::5' }] }],
    );
    assert.deepEqual(dockerNetworkInfos({ HostConfig: { NetworkMode: 'bridge' }, NetworkSettings: { IPAddress: '172.17.0.9' } }), [
      { ip_addresses: [{ protocol: 'IPv4', ip_address: '172.17.0.9' }] },
    ]);
  });
});

describe('container names (seed case 12)', () => {
  it('mesos-<agent-id>.<container-id>, or the Mesos ≥ 1.4 form without an agent id', () => {
    assert.equal(dockerContainerName('20150101-S0', 'c0ffee'), 'mesos-20150101-S0.c0ffee');
    assert.equal(dockerContainerName(undefined, 'c0ffee'), 'mesos-c0ffee');
  });
  it('parses both forms, a leading slash and the .executor suffix; ignores other names', () => {
    assert.deepEqual(parseContainerName('/mesos-20150101-S0.c0ffee'), { agentId: '20150101-S0', containerId: 'c0ffee' });
    assert.deepEqual(parseContainerName('mesos-c0ffee'), { containerId: 'c0ffee' });
    assert.deepEqual(parseContainerName('mesos-A-S1.c0ffee.executor'), { agentId: 'A-S1', containerId: 'c0ffee' });
    assert.equal(parseContainerName('nginx'), undefined);
    assert.equal(parseContainerName('mesos-'), undefined);
    assert.equal(parseContainerName('mesos-.x'), undefined);
  });
});

describe('usageFromStats', () => {
  it('rss, CPU seconds split, processes', () => {
    assert.deepEqual(
      usageFromStats({
        memory_stats: { usage: 9_000_000, stats: { rss: 4_000_000 } },
        cpu_stats: { cpu_usage: { total_usage: 2_500_000_000, usage_in_usermode: 2_000_000_000, usage_in_kernelmode: 500_000_000 } },
        pids_stats: { current: 3 },
      }),
      { memRssBytes: 4_000_000, cpuTimeSecs: 2.5, cpusUserTimeSecs: 2, cpusSystemTimeSecs: 0.5, processes: 3 },
    );
    assert.deepEqual(usageFromStats({ memory_stats: { usage: 10, stats: { anon: 7 } } }), { memRssBytes: 7 });
    assert.deepEqual(usageFromStats({}), {});
  });
});
