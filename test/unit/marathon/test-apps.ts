/** Helpers for Marathon unit tests: stamped apps, offers and instances. */
import type { AppDefinition } from '../../../src/marathon/app-definition.js';
import { parseApp } from '../../../src/marathon/app-validation.js';
import type { Instance } from '../../../src/marathon/instance.js';
import { parseAttributes } from '../../../src/mesos/attributes.js';
import { parseResourcesFlag } from '../../../src/mesos/resources.js';
import type { OfferView } from '../../../src/marathon/offer-matching.js';

/** A validated app stamped with `version` (both versionInfo fields too). */
export function app(body: Record<string, unknown>, version = '2024-01-01T00:00:00.000Z'): AppDefinition {
  return { ...parseApp({ cmd: 'sleep 100', ...body }), version, versionInfo: { lastScalingAt: version, lastConfigChangeAt: version } };
}

/** An offer view from Mesos text resources and attributes. */
export function offer(hostname: string, resources = 'cpus:4;mem:4096;disk:10000;ports:[31000-32000]', attributes = '', role = '*'): OfferView {
  return { agentId: `agent-${hostname}`, hostname, attributes: parseAttributes(attributes), resources: parseResourcesFlag(resources, role) };
}

/** An instance of `appId`; `condition` Running with a task on `host` unless Scheduled. */
export function instance(id: string, fields: Partial<Instance> & { host?: string; stagedAt?: number; attributes?: string } = {}): Instance {
  const condition = fields.condition ?? 'Running';
  const version = fields.configVersion ?? '2024-01-01T00:00:00.000Z';
  return {
    instanceId: id,
    appId: fields.appId ?? '/a',
    runSpecVersion: fields.runSpecVersion ?? version,
    configVersion: version,
    goal: fields.goal ?? 'Running',
    condition,
    incarnation: 1,
    scheduledAt: fields.scheduledAt ?? 0,
    ...(condition === 'Scheduled'
      ? {}
      : {
          task: {
            taskId: `${id}._app.1`,
            agentId: `agent-${fields.host ?? 'h'}`,
            host: fields.host ?? 'h',
            hostPorts: [],
            attributes: parseAttributes(fields.attributes ?? ''),
            stagedAt: fields.stagedAt ?? 0,
            state: 'TASK_RUNNING',
            ipAddresses: [],
          },
        }),
  };
}
