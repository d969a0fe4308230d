/**
 * One health check attempt of each HealthCheck type (Mesos `HealthChecker`
 * COMMAND / HTTP / TCP). Each resolves to true (healthy) or false; a timeout
 * or any error is a failure. Never rejects.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { HealthCheck } from '../../mesos/types.js';

/** Where and how a task's checks run. */
export interface ProbeTarget {
  /** Address HTTP/TCP checks connect to: 127.0.0.1, or the container's own IP on a bridge network. */
  host: string;
  /** Working directory of COMMAND checks (the task's sandbox). */
  cwd: string;
  /** Environment of COMMAND checks (the task's). */
  env: Record<string, string>;
}

/** A single check attempt; `timeoutMs` 0 = unbounded. */
export type Probe = (timeoutMs: number) => Promise<boolean>;

/**
 * The probe for `check`, or an Error naming why it cannot run (missing
 * `command`/`http`/`tcp` field, unknown type).
 */
export function probeFor(check: HealthCheck, target: ProbeTarget): Probe | Error {
  switch (check.type) {
    case 'COMMAND': {
      const command = check.command;
      if (!command?.value) return new Error('COMMAND health check without command.value');
      const env = { ...target.env, ...environmentOf(command.environment) };
      return (timeoutMs) => commandProbe(command.value ?? '', target.cwd, env, timeoutMs);
    }
    case 'HTTP': {
      const spec = check.http as (HealthCheck['http'] & { statuses?: number[] }) | undefined;
      if (!spec?.port) return new Error('HTTP health check without http.port');
      const url = `${spec.scheme === 'https' ? 'https' : 'http'}://${hostForUrl(target.host)}:${spec.port}${normalizePath(spec.path)}`;
      return (timeoutMs) => httpProbe(url, spec.statuses, timeoutMs);
    }
    case 'TCP': {
      const port = check.tcp?.port;
      if (!port) return new Error('TCP health check without tcp.port');
      return (timeoutMs) => tcpProbe(target.host, port, timeoutMs);
    }
    default:
      return new Error(`Unsupported health check type ${String(check.type)}`);
  }
}

function environmentOf(environment: { variables?: Array<{ name: string; value?: string }> } | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of environment?.variables ?? []) if (v.value !== undefined) out[v.name] = v.value;
  return out;
}

function normalizePath(path: string | undefined): string {
  if (!path) return '/';
  return path.startsWith('/') ? path : `/${path}`;
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** `/bin/sh -c <value>`; healthy on exit 0. On timeout the shell's process group is killed. */
export function commandProbe(value: string, cwd: string, env: Record<string, string>, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', value], { cwd, env, stdio: 'ignore', detached: true });
    let timer: NodeJS.Timeout | undefined;
    const done = (ok: boolean): void => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      resolve(ok);
    };
    if (timeoutMs > 0) {
      timer = setTimeout(() => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        done(false);
      }, timeoutMs);
    }
    child.on('error', () => done(false));
    child.on('exit', (code) => done(code === 0));
  });
}

/** GET `url`; healthy on a status in `statuses`, else 200–399 (Mesos built-ins). */
export function httpProbe(url: string, statuses: readonly number[] | undefined, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const client = url.startsWith('https:') ? https : http;
    const options: https.RequestOptions = { method: 'GET', rejectUnauthorized: false, agent: false };
    if (timeoutMs > 0) options.timeout = timeoutMs;
    const request = client.request(url, options, (response) => {
      const code = response.statusCode ?? 0;
      response.resume();
      resolve(statuses?.length ? statuses.includes(code) : code >= 200 && code < 400);
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', () => resolve(false));
    request.end();
  });
}

/** Healthy when a TCP connection to host:port opens. */
export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    if (timeoutMs > 0) socket.setTimeout(timeoutMs, () => socket.destroy(new Error('timeout')));
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
