/**
 * The Docker Engine API calls the Docker containerizer makes, over the engine's
 * unix socket (`--docker_socket`) with dockerode. Each short call is bounded
 * (`callTimeoutMs`) so a hung engine fails a launch instead of hanging it; the
 * two long-lived calls (`wait`, `followLogs`) are not. Engine errors become
 * `DockerEngineError`, a failed pull `DockerPullError`.
 */
import type { Writable } from 'node:stream';
import Docker from 'dockerode';
import type { DockerCreateSpec } from './docker-create-spec.js';
import { DockerEngineError, DockerPullError } from './docker-errors.js';
import type { DockerInspectView } from './docker-inspect.js';

/** A container as the engine lists it. */
export interface DockerListed {
  id: string;
  /** Names without the leading `/`. */
  names: string[];
  labels: Record<string, string>;
  /** `running`, `exited`, `created`… */
  state: string;
}

/** The engine's resource statistics (subset of `GET /containers/{id}/stats`). */
export interface DockerStats {
  memory_stats?: { usage?: number; stats?: Record<string, number> };
  cpu_stats?: { cpu_usage?: { total_usage?: number; usage_in_usermode?: number; usage_in_kernelmode?: number } };
  pids_stats?: { current?: number };
}

export interface DockerEngineOptions {
  /** `--docker_socket`, e.g. `/var/run/docker.sock`. */
  socketPath: string;
  /** Bound on each short call, ms (default 30 s). */
  callTimeoutMs?: number;
}

/** HTTP status of an engine error, if it carries one. */
function statusOf(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** The engine's own message (its JSON `message`) or the socket error's. */
export function engineMessage(error: unknown): string {
  const json = (error as { json?: { message?: unknown } } | null)?.json;
  if (json && typeof json.message === 'string') return json.message;
  const reason = (error as Error | null)?.message ?? String(error);
  return reason.replace(/^\(HTTP code \d+\) [a-z ]+ - /, '').trim();
}

/** See the module comment. */
export class DockerEngine {
  private readonly docker: Docker;
  private readonly callTimeoutMs: number;

  constructor(readonly options: DockerEngineOptions) {
    this.docker = new Docker({ socketPath: options.socketPath });
    this.callTimeoutMs = options.callTimeoutMs ?? 30_000;
  }

  /** The engine's version (`GET /version`); rejects with DockerEngineError when it does not answer. */
  async version(): Promise<string> {
    const v = (await this.bounded('report its version', this.docker.version())) as { Version?: string; ApiVersion?: string };
    return `${v.Version ?? 'unknown'} (API ${v.ApiVersion ?? 'unknown'})`;
  }

  /** Whether `image` is present on the host. */
  async imagePresent(image: string): Promise<boolean> {
    try {
      await this.bounded(`inspect image ${image}`, this.docker.getImage(image).inspect());
      return true;
    } catch (error) {
      if (error instanceof DockerEngineError && statusOf(error.cause) === 404) return false;
      throw error;
    }
  }

  /**
   * Pulls `image`, resolving once the engine finished. Aborted after `timeoutMs`.
   * @throws DockerPullError `Failed to pull image '<image>': <engine's reason>`.
   */
  async pull(image: string, timeoutMs: number): Promise<void> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      const stream = (await this.docker.pull(image, { abortSignal: abort.signal })) as NodeJS.ReadableStream;
      await new Promise<void>((resolve, reject) => {
        abort.signal.addEventListener('abort', () => reject(new Error(`timed out after ${timeoutMs} ms`)), { once: true });
        this.docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve()));
      });
    } catch (error) {
      const why = abort.signal.aborted ? `timed out after ${timeoutMs} ms` : engineMessage(error);
      throw new DockerPullError(image, why, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Creates a container named `name`; returns its engine id. */
  async create(name: string, spec: DockerCreateSpec): Promise<string> {
    const created = await this.bounded(`create container ${name}`, this.docker.createContainer({ name, ...spec }));
    return created.id;
  }

  async start(id: string): Promise<void> {
    await this.bounded(`start container ${id}`, this.docker.getContainer(id).start());
  }

  /** Inspects a container; undefined when the engine does not know it. */
  async inspect(id: string): Promise<DockerInspectView | undefined> {
    try {
      return (await this.bounded(`inspect container ${id}`, this.docker.getContainer(id).inspect())) as DockerInspectView;
    } catch (error) {
      if (error instanceof DockerEngineError && statusOf(error.cause) === 404) return undefined;
      throw error;
    }
  }

  /** Resolves with the exit code once the container is not running (long-lived). */
  async wait(id: string): Promise<number> {
    try {
      const result = (await this.docker.getContainer(id).wait()) as { StatusCode?: number };
      return result.StatusCode ?? 0;
    } catch (error) {
      throw new DockerEngineError(`Failed to wait for container ${id}: ${engineMessage(error)}`, { cause: error });
    }
  }

  /**
   * `docker stop -t <graceSecs>`: the image's stop signal (SIGTERM), then SIGKILL
   * after the grace. A container already stopped or gone is fine.
   */
  async stop(id: string, graceSecs: number): Promise<void> {
    try {
      await this.bounded(`stop container ${id}`, this.docker.getContainer(id).stop({ t: graceSecs }), graceSecs * 1000);
    } catch (error) {
      const status = error instanceof DockerEngineError ? statusOf(error.cause) : undefined;
      if (status === 304 || status === 404) return;
      throw error;
    }
  }

  /** Force-removes a container and its anonymous volumes; a container already gone is fine. */
  async remove(id: string): Promise<void> {
    try {
      await this.bounded(`remove container ${id}`, this.docker.getContainer(id).remove({ force: true, v: true }));
    } catch (error) {
      const status = error instanceof DockerEngineError ? statusOf(error.cause) : undefined;
      if (status === 404 || status === 409) return; // gone, or removal already in progress
      throw error;
    }
  }

  /**
   * Follows the container's stdout and stderr from `sinceSecs` (Unix seconds; 0 =
   * from the start) into the two sinks until the container stops; resolves then.
   * The sinks are not ended here.
   */
  async followLogs(id: string, sinceSecs: number, stdout: Writable, stderr: Writable): Promise<void> {
    let stream: NodeJS.ReadableStream;
    try {
      stream = (await this.docker
        .getContainer(id)
        .logs({ follow: true, stdout: true, stderr: true, since: sinceSecs })) as unknown as NodeJS.ReadableStream;
    } catch (error) {
      throw new DockerEngineError(`Failed to follow the logs of container ${id}: ${engineMessage(error)}`, { cause: error });
    }
    await new Promise<void>((resolve) => {
      this.docker.modem.demuxStream(stream, stdout, stderr);
      stream.on('end', () => resolve());
      stream.on('close', () => resolve());
      stream.on('error', () => resolve());
    });
  }

  /** Containers (running or not) carrying label `key=value`. */
  async listByLabel(key: string, value: string): Promise<DockerListed[]> {
    const listed = await this.bounded(
      'list containers',
      this.docker.listContainers({ all: true, filters: { label: [`${key}=${value}`] } }),
    );
    return listed.map((c) => ({
      id: c.Id,
      names: (c.Names ?? []).map((n) => n.replace(/^\//, '')),
      labels: c.Labels ?? {},
      state: c.State ?? '',
    }));
  }

  /** One sample of the container's resource statistics. */
  async stats(id: string): Promise<DockerStats> {
    return (await this.bounded(`stats of container ${id}`, this.docker.getContainer(id).stats({ stream: false }))) as DockerStats;
  }

  /** Runs `call`, rejecting with DockerEngineError if it fails or takes longer than the bound. */
  private async bounded<T>(what: string, call: Promise<T>, extraMs = 0): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const limit = this.callTimeoutMs + extraMs;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${limit} ms`)), limit);
    });
    try {
      return await Promise.race([call, timeout]);
    } catch (error) {
      throw new DockerEngineError(
        `Docker engine at ${this.options.socketPath} failed to ${what}: ${engineMessage(error)}`,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
