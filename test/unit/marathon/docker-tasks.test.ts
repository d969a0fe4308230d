/**
 * Seed cases 14, 17, 19, 20 as pure steps: the seeds' Docker app JSON →
 * offer matching (host ports from the offer) → Marathon's TaskInfo → the
 * Docker containerizer's engine spec (`buildDockerRun`, the agent's pure
 * mapping). Checks the contract between the two ends: what the engine is
 * asked to publish is exactly the host port Marathon picked and tells the
 * task (PORT0) and `/v2/tasks`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDockerRun } from '../../../src/agent/containerizer/docker-run-config.js';
import type { ContainerConfig } from '../../../src/agent/containerizer/containerizer.js';
import type { AppDefinition } from '../../../src/marathon/app-definition.js';
import { parseApp } from '../../../src/marathon/app-validation.js';
import { matchInstance } from '../../../src/marathon/offer-matching.js';
import { allocateServicePorts } from '../../../src/marathon/port-assignment.js';
import { buildAppTask } from '../../../src/marathon/task-factory.js';
import type { TaskInfo } from '../../../src/mesos/types.js';
import { NGINX, NGINX_FIXED_PORTS, NGINX_VOLUMES, TOMCAT } from './seed-apps.js';
import { offer } from './test-apps.js';

const VERSION = '2024-01-01T00:00:00.000Z';

/** A seed app as Marathon stores it: parsed, service ports allocated, stamped. */
function seedApp(json: string, overrides: Record<string, unknown> = {}): AppDefinition {
  const spec = allocateServicePorts(parseApp({ ...(JSON.parse(json) as Record<string, unknown>), ...overrides }), new Set());
  return { ...spec, version: VERSION, versionInfo: { lastScalingAt: VERSION, lastConfigChangeAt: VERSION } };
}

/** Matches `app` on an agent offering `ports` and builds its TaskInfo. */
function launch(app: AppDefinition, ports = '[31000-32000]', random = () => 0.5): { task: TaskInfo; hostPorts: Array<number | undefined> } {
  const view = offer('agent-1', `cpus:4;mem:4096;disk:10000;ports:${ports}`);
  const result = matchInstance(app, view, [], ['*'], random);
  assert.ok(result.ok, JSON.stringify(result));
  const task = buildAppTask(app, { agentId: view.agentId, host: view.hostname, taskId: 'nginx.instance-1._app.1', hostPorts: result.hostPorts, resources: result.resources });
  return { task, hostPorts: result.hostPorts };
}

/** What the agent hands its Docker containerizer for a command task (see agent/command-tasks.ts). */
function containerConfig(task: TaskInfo): ContainerConfig {
  const command = task.command ?? {};
  const env = Object.fromEntries((command.environment?.variables ?? []).map((v) => [v.name, v.value ?? '']));
  return {
    containerId: 'c-1',
    sandbox: '/var/lib/mesos/sandbox',
    command: command.shell === false ? { shell: false, value: command.value ?? '', arguments: command.arguments ?? [] } : { shell: true, value: command.value ?? '' },
    env,
    stdoutPath: '/var/lib/mesos/sandbox/stdout',
    stderrPath: '/var/lib/mesos/sandbox/stderr',
    cpus: 0.2,
    memMB: 32,
    container: task.container!,
    commandInfo: command,
    resources: task.resources ?? [],
    agentId: task.agent_id.value,
  };
}

const envOf = (task: TaskInfo): Record<string, string> => Object.fromEntries((task.command?.environment?.variables ?? []).map((v) => [v.name, v.value ?? '']));

test('seed 14 nginx.json: BRIDGE, hostPort 0 → one offered port, published for containerPort 80, PORT0 = that port, image CMD kept', () => {
  const app = seedApp(NGINX);
  assert.equal(app.container?.portMappings?.[0]?.servicePort, 10000, 'servicePort 0 → the first free service port');
  const { task, hostPorts } = launch(app);
  const host = hostPorts[0]!;
  assert.ok(host >= 31000 && host <= 32000, `host port ${host} from the offered range`);
  assert.deepEqual(task.container?.docker?.port_mappings, [{ host_port: host, container_port: 80, protocol: 'tcp' }]);
  assert.equal(task.container?.docker?.image, 'docker.io/nginx');
  assert.equal(task.container?.docker?.network, 'BRIDGE');
  assert.deepEqual(task.resources?.find((r) => r.name === 'ports')?.ranges?.range, [{ begin: host, end: host }]);
  assert.equal(envOf(task)['PORT0'], String(host));
  assert.equal(envOf(task)['PORT_80'], String(host));
  assert.deepEqual([task.command?.shell, task.command?.value], [false, undefined], 'no cmd: the image runs its own CMD');

  const run = buildDockerRun(containerConfig(task), { owner: '/var/lib/mesos' });
  assert.equal(run.network, 'bridge');
  assert.equal(run.image, 'docker.io/nginx');
  assert.deepEqual(run.spec.HostConfig.PortBindings, { '80/tcp': [{ HostPort: String(host) }] });
  assert.equal(run.spec.Cmd, undefined);
  assert.ok(run.spec.Env.includes(`PORT0=${host}`));
  assert.equal(run.spec.HostConfig.Memory, 32 * 1024 * 1024);
  // Marathon labels its containers with the task id (a `label` parameter), as it does on Mesos.
  assert.equal(run.spec.Labels?.['MESOS_TASK_ID'], 'nginx.instance-1._app.1');
});

test('seed 17 tomcat.json: containerPort 8080 published on an offered port', () => {
  const { task, hostPorts } = launch(seedApp(TOMCAT));
  const run = buildDockerRun(containerConfig(task), { owner: '/w' });
  assert.deepEqual(run.spec.HostConfig.PortBindings, { '8080/tcp': [{ HostPort: String(hostPorts[0]) }] });
  assert.deepEqual(run.spec.ExposedPorts, { '8080/tcp': {} });
});

test('seed 20 fixed ports: hostPort 31030 exactly, servicePort 33180 kept; refused by an offer without 31030', () => {
  const app = seedApp(NGINX_FIXED_PORTS);
  assert.equal(app.container?.portMappings?.[0]?.servicePort, 33180);
  const { task, hostPorts } = launch(app);
  assert.deepEqual(hostPorts, [31030]);
  assert.equal(envOf(task)['PORT0'], '31030');
  assert.deepEqual(buildDockerRun(containerConfig(task), { owner: '/w' }).spec.HostConfig.PortBindings, { '80/tcp': [{ HostPort: '31030' }] });
  const refused = matchInstance(app, offer('a2', 'cpus:4;mem:4096;disk:10000;ports:[31100-31200]'), [], ['*'], () => 0);
  assert.equal(refused.ok, false);
  assert.ok(!refused.ok && refused.reasons.includes('InsufficientPorts'));
});

test('seed 19 volumes: hostPath bound RW at containerPath next to the sandbox mount', () => {
  const { task } = launch(seedApp(NGINX_VOLUMES));
  assert.deepEqual(task.container?.volumes, [{ container_path: '/usr/share/nginx/html', host_path: '/opt/web/www', mode: 'RW' }]);
  const binds = buildDockerRun(containerConfig(task), { owner: '/w' }).spec.HostConfig.Binds;
  assert.deepEqual(binds, ['/opt/web/www:/usr/share/nginx/html:rw', '/var/lib/mesos/sandbox:/mnt/mesos/sandbox']);
});

test('HOST and USER networks, parameters, privileged, forcePullImage reach the engine spec', () => {
  const host = seedApp('{"id":"h","container":{"type":"DOCKER","docker":{"image":"i","network":"HOST","privileged":true,"forcePullImage":true,"parameters":[{"key":"hostname","value":"web-1"}]}},"portDefinitions":[{"port":0}]}', { cmd: 'httpd -p $PORT0' });
  const { task, hostPorts } = launch(host);
  assert.equal(task.container?.docker?.network, 'HOST');
  assert.equal(task.container?.docker?.port_mappings, undefined);
  assert.equal(envOf(task)['PORT0'], String(hostPorts[0]));
  const run = buildDockerRun(containerConfig(task), { owner: '/w' });
  assert.equal(run.network, 'host');
  assert.equal(run.forcePull, true);
  assert.equal(run.spec.HostConfig.Privileged, true);
  assert.deepEqual([run.spec.Entrypoint, run.spec.Cmd], [['/bin/sh'], ['-c', 'httpd -p $PORT0']]);
  assert.ok(task.container?.docker?.parameters?.some((p) => p.key === 'hostname' && p.value === 'web-1'));

  const user = seedApp('{"id":"u","networks":[{"mode":"container","name":"dcos"}],"container":{"type":"DOCKER","docker":{"image":"i"},"portMappings":[{"containerPort":80,"hostPort":0}]}}');
  const launched = launch(user).task;
  assert.equal(launched.container?.docker?.network, 'USER');
  assert.deepEqual(launched.container?.network_infos?.map((n) => n.name), ['dcos']);
  const userRun = buildDockerRun(containerConfig(launched), { owner: '/w' });
  assert.equal(userRun.network, 'dcos');
});
