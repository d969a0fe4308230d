/**
 * App definitions: the seeds' files accepted as they are, Marathon's defaults,
 * deprecated forms translated, and 422 bodies (path + message) for bad input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseApp } from '../../../src/marathon/app-validation.js';
import { appJson } from '../../../src/marathon/app-json.js';
import { MarathonValidationError } from '../../../src/marathon/validation-errors.js';
import type { AppDefinition } from '../../../src/marathon/app-definition.js';
import { BASIC_0, NGINX, NGINX_FIXED_PORTS, NGINX_VOLUMES, TOMCAT } from './seed-apps.js';

function rejected(body: unknown): MarathonValidationError {
  try {
    parseApp(body);
  } catch (error) {
    if (error instanceof MarathonValidationError) return error;
    throw error;
  }
  assert.fail(`accepted ${JSON.stringify(body)}`);
}

function pathsOf(error: MarathonValidationError): string[] {
  return error.details.map((d) => d.path);
}

test('basic-0 (seed 21) gets every Marathon default', () => {
  const spec = parseApp(JSON.parse(BASIC_0));
  assert.equal(spec.id, '/basic-0');
  assert.equal(spec.cmd, "while [ true ] ; do echo 'Hello hello' >> /mnt/test ; sleep 5 ; done");
  assert.equal(spec.cpus, 0.1);
  assert.equal(spec.mem, 10);
  assert.equal(spec.disk, 0);
  assert.equal(spec.gpus, 0);
  assert.equal(spec.instances, 1);
  assert.equal(spec.executor, '');
  assert.equal(spec.backoffSeconds, 1);
  assert.equal(spec.backoffFactor, 1.15);
  assert.equal(spec.maxLaunchDelaySeconds, 300);
  assert.equal(spec.requirePorts, false);
  assert.equal(spec.killSelection, 'YOUNGEST_FIRST');
  assert.equal(spec.role, '*');
  assert.deepEqual(spec.portDefinitions, [{ port: 0, protocol: 'tcp', name: 'default', labels: {} }]);
  assert.deepEqual(spec.networks, [{ mode: 'host' }]);
  assert.deepEqual(spec.upgradeStrategy, { minimumHealthCapacity: 1, maximumOverCapacity: 1 });
  assert.deepEqual(spec.unreachableStrategy, { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 });
  assert.deepEqual(spec.env, {});
  assert.deepEqual(spec.labels, {});
  assert.deepEqual(spec.constraints, []);
  assert.deepEqual(spec.healthChecks, []);
  assert.equal(spec.container, undefined);
});

test('nginx.json (seed 14): BRIDGE becomes container/bridge, the port mapping moves to the container', () => {
  const spec = parseApp(JSON.parse(NGINX));
  assert.equal(spec.id, '/nginx');
  assert.deepEqual(spec.networks, [{ mode: 'container/bridge' }]);
  assert.deepEqual(spec.portDefinitions, []);
  assert.deepEqual(spec.container?.portMappings, [{ containerPort: 80, hostPort: 0, servicePort: 0, protocol: 'tcp', labels: {} }]);
  assert.equal(spec.container?.type, 'DOCKER');
  assert.equal(spec.container?.docker?.image, 'docker.io/nginx');
  assert.deepEqual(spec.constraints, [['hostname', 'UNIQUE', '']]);
});

test('tomcat.json (seed 17), the volumes app (19) and fixed ports (20) are accepted as they are', () => {
  const tomcat = parseApp(JSON.parse(TOMCAT));
  assert.equal(tomcat.cpus, 1);
  assert.equal(tomcat.container?.portMappings?.[0]?.containerPort, 8080);

  const volumes = parseApp(JSON.parse(NGINX_VOLUMES));
  assert.equal(volumes.cmd, undefined);
  assert.deepEqual(volumes.container?.volumes, [{ containerPath: '/usr/share/nginx/html', hostPath: '/opt/web/www', mode: 'RW' }]);
  // Absent hostPort under bridge networking means "any offered port".
  assert.deepEqual(volumes.container?.portMappings, [{ containerPort: 80, hostPort: 0, servicePort: 0, protocol: 'tcp', labels: {} }]);

  const fixed = parseApp(JSON.parse(NGINX_FIXED_PORTS));
  assert.deepEqual(fixed.container?.portMappings, [{ containerPort: 80, hostPort: 31030, servicePort: 33180, protocol: 'tcp', labels: {} }]);
});

test('ports become portDefinitions; [] means no ports; portDefinitions keep names and labels', () => {
  assert.deepEqual(parseApp({ id: 'a', cmd: 'x', ports: [0, 8080] }).portDefinitions, [
    { port: 0, protocol: 'tcp', labels: {} },
    { port: 8080, protocol: 'tcp', labels: {} },
  ]);
  assert.deepEqual(parseApp({ id: 'a', cmd: 'x', ports: [] }).portDefinitions, []);
  assert.deepEqual(parseApp({ id: 'a', cmd: 'x', portDefinitions: [{ port: 0, name: 'http', labels: { VIP_0: '1.2.3.4:80' } }] }).portDefinitions, [
    { port: 0, protocol: 'tcp', name: 'http', labels: { VIP_0: '1.2.3.4:80' } },
  ]);
  // Equivalent ports and portDefinitions together are fine.
  assert.equal(parseApp({ id: 'a', cmd: 'x', ports: [80], portDefinitions: [{ port: 80 }] }).portDefinitions.length, 1);
  assert.deepEqual(pathsOf(rejected({ id: 'a', cmd: 'x', ports: [80], portDefinitions: [{ port: 81 }] })), ['/']);
});

test('uris become fetch entries, extracting archives', () => {
  assert.deepEqual(parseApp({ id: 'a', cmd: 'x', uris: ['http://h/a.tgz', 'http://h/b.sh'] }).fetch, [
    { uri: 'http://h/a.tgz', extract: true, executable: false, cache: false },
    { uri: 'http://h/b.sh', extract: false, executable: false, cache: false },
  ]);
});

test('ids are made absolute and canonical; relative dependencies resolve against the base group', () => {
  assert.equal(parseApp({ id: '/prod/web/', cmd: 'x' }).id, '/prod/web');
  assert.equal(parseApp({ id: 'web', cmd: 'x' }, { base: '/prod' }).id, '/prod/web');
  assert.deepEqual(parseApp({ id: 'web', cmd: 'x', dependencies: ['../db', '/cache'] }, { base: '/prod' }).dependencies, ['/db', '/cache']);
});

test('health checks get defaults and portIndex 0 when the app has ports', () => {
  const spec = parseApp({ id: 'a', cmd: 'x', healthChecks: [{ protocol: 'HTTP' }, { protocol: 'TCP', port: 9000 }, { protocol: 'COMMAND', command: { value: 'true' } }] });
  assert.deepEqual(spec.healthChecks[0], {
    protocol: 'HTTP',
    path: '/',
    portIndex: 0,
    gracePeriodSeconds: 300,
    intervalSeconds: 60,
    timeoutSeconds: 20,
    maxConsecutiveFailures: 3,
    delaySeconds: 15,
    ignoreHttp1xx: false,
    ipProtocol: 'IPv4',
  });
  assert.equal(spec.healthChecks[1]?.port, 9000);
  assert.equal(spec.healthChecks[1]?.portIndex, undefined);
  assert.equal(spec.healthChecks[2]?.command?.value, 'true');
});

test('persistent volumes make an app resident: upgrade {0.5, 0}, unreachable disabled, residency added', () => {
  const spec = parseApp({
    id: 'db',
    cmd: 'x',
    container: { type: 'MESOS', volumes: [{ containerPath: 'data', mode: 'RW', persistent: { size: 100 } }] },
  });
  assert.deepEqual(spec.upgradeStrategy, { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 });
  assert.equal(spec.unreachableStrategy, 'disabled');
  assert.deepEqual(spec.residency, { relaunchEscalationTimeoutSeconds: 3600, taskLostBehavior: 'WAIT_FOREVER' });
});

test('wrong JSON types → "Invalid JSON" with Play error tokens at each path', () => {
  const error = rejected({ id: 'a', cmd: 'x', cpus: 'lots', instances: 1.5, labels: { a: 1 }, healthChecks: [3] });
  assert.equal(error.kind, 'invalid-json');
  assert.deepEqual(error.toJSON(), {
    message: 'Invalid JSON',
    details: [
      { path: '/instances', errors: ['error.expected.int'] },
      { path: '/cpus', errors: ['error.expected.jsnumber'] },
      { path: '/healthChecks(0)', errors: ['error.expected.jsobject'] },
      { path: '/labels/a', errors: ['error.expected.jsstring'] },
    ],
  });
  assert.deepEqual(rejected({ cmd: 'x' }).toJSON(), { message: 'Invalid JSON', details: [{ path: '/id', errors: ['error.path.missing'] }] });
  assert.deepEqual(pathsOf(rejected([1, 2])), ['/']);
});

test('rule violations → "Object is not valid" with Marathon paths and messages', () => {
  const cases: Array<[Record<string, unknown>, string, string | RegExp]> = [
    [{ id: 'a', cmd: 'x', cpus: -1 }, '/cpus', 'got -1.0, expected 0.0 or more'],
    [{ id: 'a', cmd: 'x', mem: -5 }, '/mem', 'got -5.0, expected 0.0 or more'],
    [{ id: 'a', cmd: 'x', instances: -1 }, '/instances', 'got -1.0, expected 0.0 or more'],
    [{ id: 'a', cmd: 'x', backoffFactor: 0.5 }, '/backoffFactor', 'got 0.5, expected 1.0 or more'],
    [{ id: 'a' }, '/', "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'."],
    [{ id: 'a', cmd: 'x', args: ['y'] }, '/', "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'."],
    [{ id: 'Bad_Id', cmd: 'x' }, '/id', /must fully match regular expression/],
    [{ id: '/a/tasks', cmd: 'x' }, '/id', /reserved keywords/],
    [{ id: '/', cmd: 'x' }, '/id', /at least one path element/],
    [{ id: 'a', cmd: 'x', constraints: [['hostname', 'FOO']] }, '/constraints(0)', /operator must be one of/],
    [{ id: 'a', cmd: 'x', constraints: [['hostname']] }, '/constraints(0)', 'Each constraint must have either 2 or 3 fields'],
    [{ id: 'a', cmd: 'x', constraints: [['rack', 'MAX_PER']] }, '/constraints(0)', 'MAX_PER requires an integer value'],
    [{ id: 'a', cmd: 'x', constraints: [['rack', 'LIKE', '(']] }, '/constraints(0)', "'(' is not a valid regular expression"],
    [{ id: 'a', cmd: 'x', portDefinitions: [{ port: 80 }, { port: 80 }] }, '/portDefinitions', 'Ports must be unique.'],
    [{ id: 'a', cmd: 'x', portDefinitions: [{ port: 0, name: 'a' }, { port: 0, name: 'a' }] }, '/portDefinitions', 'Port names must be unique.'],
    [{ id: 'a', cmd: 'x', portDefinitions: [{ port: 70000 }] }, '/portDefinitions(0)/port', 'got 70000, expected between 0 and 65535'],
    [{ id: 'a', cmd: 'x', upgradeStrategy: { minimumHealthCapacity: 1.5, maximumOverCapacity: 1 } }, '/upgradeStrategy/minimumHealthCapacity', 'got 1.5, expected between 0.0 and 1.0'],
    [{ id: 'a', cmd: 'x', ports: [], healthChecks: [{ protocol: 'HTTP' }] }, '/healthChecks(0)', /port indices/],
    [{ id: 'a', cmd: 'x', healthChecks: [{ protocol: 'HTTP', portIndex: 3 }] }, '/healthChecks(0)/portIndex', /port indices/],
    [{ id: 'a', cmd: 'x', acceptedResourceRoles: [] }, '/acceptedResourceRoles', 'must not be empty'],
    [{ id: 'a', cmd: 'x', executor: '//cmd//' }, '/executor', /must fully match/],
    [{ id: 'a', cmd: 'x', gpus: 1 }, '/gpus', /gpu_resources/],
    [{ id: 'a', cmd: 'x', uris: ['http://a'], fetch: [{ uri: 'http://b' }] }, '/uris', 'may not be set in conjunction with fetch'],
    [{ id: 'a', cmd: 'x', container: { type: 'DOCKER', docker: { image: '' } } }, '/container/docker/image', 'must not be empty'],
    [{ id: 'a', cmd: 'x', container: { type: 'DOCKER', docker: { image: 'i', network: 'BRIDGE' } }, networks: [{ mode: 'host' }] }, '/', /must not specify both/],
    [{ id: 'a', cmd: 'x', container: { type: 'DOCKER', docker: { image: 'i' }, portMappings: [{ containerPort: 80 }] } }, '/container/portMappings', 'portMappings are not allowed with host-networking'],
    [{ id: 'a', cmd: 'x', unreachableStrategy: { inactiveAfterSeconds: 10, expungeAfterSeconds: 5 } }, '/unreachableStrategy/inactiveAfterSeconds', /less or equal/],
    [{ id: 'a', cmd: 'x', env: { A: { secret: 's' } } }, '/env/A', /secrets feature/],
  ];
  for (const [body, path, message] of cases) {
    const error = rejected(body);
    assert.equal(error.kind, 'not-valid', JSON.stringify(body));
    const detail = error.details.find((d) => d.path === path);
    assert.ok(detail, `${JSON.stringify(body)}: no violation at ${path}, got ${JSON.stringify(error.details)}`);
    assert.ok(
      detail.errors.some((e) => (typeof message === 'string' ? e === message : message.test(e))),
      `${JSON.stringify(body)}: ${JSON.stringify(detail.errors)} lacks ${message}`,
    );
    assert.equal(error.toJSON().message, 'Object is not valid');
  }
});

test('the rendered JSON is itself a valid input giving the same definition', () => {
  for (const text of [BASIC_0, NGINX, TOMCAT, NGINX_VOLUMES, NGINX_FIXED_PORTS]) {
    const spec = parseApp(JSON.parse(text));
    const app: AppDefinition = { ...spec, version: '2024-01-01T00:00:00.000Z', versionInfo: { lastScalingAt: 'x', lastConfigChangeAt: 'x' } };
    const json = appJson(app);
    const again = parseApp(JSON.parse(JSON.stringify(json)));
    assert.deepEqual(again, spec);
  }
});

test('rendered JSON has the 1.5+ shape: portDefinitions only for host networking', () => {
  const host = appJson({ ...parseApp(JSON.parse(BASIC_0)), version: 'v', versionInfo: { lastScalingAt: 'v', lastConfigChangeAt: 'v' } });
  assert.deepEqual(host['portDefinitions'], [{ port: 0, protocol: 'tcp', name: 'default', labels: {} }]);
  assert.deepEqual(host['networks'], [{ mode: 'host' }]);
  assert.equal('container' in host, false);
  const bridge = appJson({ ...parseApp(JSON.parse(NGINX)), version: 'v', versionInfo: { lastScalingAt: 'v', lastConfigChangeAt: 'v' } });
  assert.equal('portDefinitions' in bridge, false);
  assert.deepEqual((bridge['container'] as Record<string, unknown>)['portMappings'], [{ containerPort: 80, hostPort: 0, servicePort: 0, protocol: 'tcp', labels: {} }]);
});
