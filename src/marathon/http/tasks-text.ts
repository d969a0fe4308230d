/**
 * The legacy `text/plain` task listing (§4.3), read by haproxy-marathon-bridge:
 * per app and service port index, `<safeAppId>\t<servicePort>\t<host>:<hostPort>\t…\n`
 * over the app's running tasks; apps without service ports list bare hosts.
 */
import type { AppDefinition } from '../app-definition.js';
import { servicePortsOf } from '../app-definition.js';
import { safeId } from '../path-id.js';
import type { MarathonContext } from './context.js';

/** The text listing of `apps`' running tasks. */
export function tasksText(ctx: MarathonContext, apps: readonly AppDefinition[]): string {
  let out = '';
  for (const app of apps) {
    const running = ctx.state.instancesOf(app.id).filter((i) => i.condition === 'Running' && i.task);
    const servicePorts = servicePortsOf(app);
    if (servicePorts.length === 0) {
      out += `${safeId(app.id)}\t \t${running.map((i) => `${i.task!.host}\t`).join('')}\n`;
      continue;
    }
    servicePorts.forEach((servicePort, index) => {
      const entries = running
        .map((i) => i.task!)
        .filter((t) => t.hostPorts[index] !== undefined)
        .map((t) => `${t.host}:${t.hostPorts[index]}\t`)
        .join('');
      out += `${safeId(app.id)}\t${servicePort}\t${entries}\n`;
    });
  }
  return out;
}
