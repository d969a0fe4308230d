/** The Marathon UI's pure parts: the form ⇄ JSON round trip, 422 placement, statuses, folders, the version diff. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appToForm, editableApp, emptyForm, errorsByField, fieldOfPath, formToApp } from '../../../src/webui/src/marathon/app-form.js';
import { appStatus, groupView, healthShares, parentGroup, searchApps } from '../../../src/webui/src/marathon/app-status.js';
import type { MarathonApp, QueueItem } from '../../../src/webui/src/marathon/marathon-types.js';
import { lineDiff } from '../../../src/webui/src/lib/line-diff.js';

/** The seed's nginx.json (SEED-CASES 14), with a field the form does not show. */
const NGINX: MarathonApp = {
  id: '/web/nginx',
  cpus: 0.2,
  mem: 32,
  instances: 1,
  container: { type: 'DOCKER', docker: { image: 'nginx' }, portMappings: [{ containerPort: 80, hostPort: 0, servicePort: 0, protocol: 'tcp' }] },
  networks: [{ mode: 'container/bridge' }],
  constraints: [['hostname', 'UNIQUE', '']],
  upgradeStrategy: { minimumHealthCapacity: 0.5 },
};

describe('app form', () => {
  it('reads an app into the form', () => {
    const form = appToForm(NGINX);
    assert.equal(form.containerType, 'DOCKER');
    assert.equal(form.image, 'nginx');
    assert.equal(form.network, 'BRIDGE');
    assert.deepEqual(form.portMappings, [{ containerPort: '80', hostPort: '0', servicePort: '0', protocol: 'tcp' }]);
    assert.equal(form.constraints, 'hostname:UNIQUE:');
  });

  it('form → JSON → form keeps every field, including those the form does not show', () => {
    const { app, errors } = formToApp(appToForm(NGINX), NGINX);
    assert.deepEqual(errors, {});
    assert.deepEqual(app.upgradeStrategy, { minimumHealthCapacity: 0.5 });
    assert.deepEqual(app.container?.portMappings, NGINX.container?.portMappings);
    assert.equal(app.container?.docker?.image, 'nginx');
    assert.deepEqual(app.constraints, [['hostname', 'UNIQUE', '']]);
    assert.deepEqual(app.networks, [{ mode: 'container/bridge' }]);
    assert.deepEqual(appToForm(app), appToForm(NGINX));
  });

  it('builds a plain command app from a fresh form, leaving empty fields out', () => {
    const form = { ...emptyForm(), id: '/basic-0', cmd: "while [ true ] ; do echo 'Hello hello' >> /mnt/test ; sleep 5 ; done", cpus: '0.1', mem: '10.0', env: 'A=1\nB=x=y', labels: 'tier=web' };
    const { app, errors } = formToApp(form);
    assert.deepEqual(errors, {});
    assert.deepEqual(app, { id: '/basic-0', cmd: form.cmd, cpus: 0.1, mem: 10, disk: 0, instances: 1, env: { A: '1', B: 'x=y' }, labels: { tier: 'web' } });
  });

  it('reports numbers that are not numbers by field', () => {
    const { errors } = formToApp({ ...emptyForm(), id: '/x', cpus: 'lots', instances: '1.5', portMappings: [{ containerPort: 'eighty', hostPort: '', servicePort: '', protocol: 'tcp' }] });
    assert.match(errors.cpus!, /not a number/);
    assert.match(errors.instances!, /whole number/);
    assert.match(errors.portMappings!, /row 1: container port 'eighty'/);
  });

  it('drops Marathon\'s read-only fields before editing', () => {
    const edited = editableApp({ ...NGINX, version: 'v', versionInfo: {}, tasksRunning: 1, tasks: [], deployments: [] });
    assert.deepEqual(Object.keys(edited).sort(), Object.keys(NGINX).sort());
  });

  it('places 422 details next to the field they concern', () => {
    assert.equal(fieldOfPath('/cpus'), 'cpus');
    assert.equal(fieldOfPath('/container/docker/image'), 'image');
    assert.equal(fieldOfPath('/container/portMappings(0)/protocol'), 'portMappings');
    assert.equal(fieldOfPath('/healthChecks(1)/intervalSeconds'), 'healthChecks');
    assert.equal(fieldOfPath('/networks'), 'network');
    assert.equal(fieldOfPath('/'), 'general');
    assert.equal(fieldOfPath('/upgradeStrategy/maximumOverCapacity'), 'general');
    assert.deepEqual(
      errorsByField({ message: 'Object is not valid', details: [{ path: '/cpus', errors: ['got -1.0, expected 0.0 or more'] }, { path: '/', errors: ["AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'."] }] }),
      { cpus: ['/cpus: got -1.0, expected 0.0 or more'], general: ["AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'."] },
    );
    assert.deepEqual(errorsByField({ message: 'App is locked' }), { general: ['App is locked'] });
  });
});

describe('app status and folders', () => {
  const queue = (count: number, timeLeftSeconds = 0): QueueItem => ({ count, delay: { timeLeftSeconds, overdue: timeLeftSeconds === 0 }, app: { id: '/a' } });
  it('names the status as Marathon\'s UI does', () => {
    assert.equal(appStatus({ id: '/a', instances: 1, tasksRunning: 1 }, undefined, []), 'running');
    assert.equal(appStatus({ id: '/a', instances: 0, tasksRunning: 0 }, undefined, []), 'suspended');
    assert.equal(appStatus({ id: '/a', instances: 2, deployments: [{ id: 'd' }] }, undefined, []), 'deploying');
    assert.equal(appStatus({ id: '/a', instances: 2 }, undefined, [{ id: 'd', version: 'v', affectedApps: ['/a'], steps: [], currentActions: [], currentStep: 1, totalSteps: 1 }]), 'deploying');
    assert.equal(appStatus({ id: '/a', instances: 3, tasksRunning: 2 }, queue(1), []), 'waiting');
    assert.equal(appStatus({ id: '/a', instances: 1, deployments: [{ id: 'd' }] }, queue(1, 30), []), 'delayed');
  });

  it('lists subgroups as folders with totals, and the apps directly in the group', () => {
    const apps: MarathonApp[] = [
      { id: '/top', instances: 1, cpus: 1, mem: 10 },
      { id: '/web/nginx', instances: 2, tasksRunning: 2, cpus: 0.5, mem: 32 },
      { id: '/web/api/v1', instances: 1, tasksRunning: 0, cpus: 1, mem: 64 },
      { id: '/webby', instances: 1 },
    ];
    const root = groupView(apps, '/');
    assert.deepEqual(root.apps.map((a) => a.id), ['/top', '/webby']);
    assert.deepEqual(root.groups, [{ id: '/web', name: 'web', apps: 2, instances: 3, running: 2, cpus: 2, mem: 128 }]);
    const web = groupView(apps, '/web');
    assert.deepEqual(web.apps.map((a) => a.id), ['/web/nginx']);
    assert.deepEqual(web.groups.map((g) => g.id), ['/web/api']);
    assert.equal(parentGroup('/web/api/v1'), '/web/api');
    assert.equal(parentGroup('/top'), '/');
    assert.deepEqual(searchApps(apps, 'API').map((a) => a.id), ['/web/api/v1']);
    assert.deepEqual(healthShares({ id: '/x', tasksRunning: 3, tasksHealthy: 1, tasksUnhealthy: 1, tasksStaged: 2 }), { healthy: 1, unhealthy: 1, unknown: 1, staged: 2 });
  });
});

describe('line diff', () => {
  it('marks kept, removed and added lines in order', () => {
    assert.deepEqual(lineDiff('a\nb\nc', 'a\nx\nc\nd'), [
      { kind: 'same', text: 'a' },
      { kind: 'del', text: 'b' },
      { kind: 'add', text: 'x' },
      { kind: 'same', text: 'c' },
      { kind: 'add', text: 'd' },
    ]);
    assert.deepEqual(lineDiff('', ''), [{ kind: 'same', text: '' }]);
  });
});
