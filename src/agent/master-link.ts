/**
 * The agent's end of the master channel (src/mesos/agent-protocol.ts): POST
 * REGISTER/REREGISTER to `/master/api/v1/agent`, keep the RecordIO stream it
 * returns, send every later call as a one-shot POST with `Mesos-Stream-Id`.
 *
 * Reconnection mirrors Mesos's agent (`Slave::doReliableRegistration`): after a
 * failure the next attempt waits a random time in [0, b] where b starts at
 * `--registration_backoff_factor` and doubles up to 1 minute. The very first
 * attempt goes out at once (Mesos also waits up to b first; nothing is gained
 * by that for a single agent, and `meseta local` starts faster without it).
 * If no PING arrives for 5 × the master's ping interval, the master is
 * considered lost and the link reconnects (Mesos: `agent_ping_timeout` ×
 * `max_agent_ping_timeouts`).
 *
 * How the calls travel is a {@link MasterTransport}: HTTP by default; agents of
 * `meseta local` reach their master in memory (src/master/local-agent-channel.ts).
 * Everything above — backoff, pings, reconnection — is the same on both.
 */
import { AGENT_API_PATH, type AgentCall, type AgentEvent } from '../mesos/agent-protocol.js';
import { HttpCallError, type StreamHandlers, openStream, postJson } from '../transport/stream-client.js';
import type { AgentLogger } from './agent-options.js';

/** Cap of the registration backoff (Mesos `REGISTER_RETRY_INTERVAL_MAX`). */
export const REGISTER_RETRY_INTERVAL_MAX_MS = 60_000;
/** PING silence tolerated, in ping intervals (Mesos `DEFAULT_MAX_AGENT_PING_TIMEOUTS`). */
export const MAX_PING_TIMEOUTS = 5;

/** What REGISTERED / REREGISTERED told us. */
export interface Registration {
  agentId: string;
  masterId: string;
  pingIntervalSeconds: number;
  reregistered: boolean;
  /** `master@host:port` of the master we are talking to. */
  masterPid: string;
}

/** Finds the leading master (ZooKeeper with `--master=zk://…`); resolves with its address. */
export interface LeaderDetector {
  detect(): Promise<{ host: string; port: number }>;
  /** Called with each newly detected leader, so a live link can move to it. */
  onChange(listener: (leader: { host: string; port: number }) => void): () => void;
}

/** A stream the transport opened: the agent's end. */
export interface MasterStream {
  /** The `Mesos-Stream-Id` the master gave it (undefined if it named none). */
  readonly streamId: string | undefined;
  /** Ends the stream; the handlers' `onClose` runs. Idempotent. */
  close(): void;
}

/**
 * How a {@link MasterLink} reaches its master: what it does over HTTP, as two
 * calls. `url` is the master's base URL (`http://host:port`) the link targets.
 */
export interface MasterTransport {
  /**
   * Sends REGISTER / REREGISTER and keeps the event stream it opens. Resolves
   * once the master accepted it (HTTP: the 200 headers); rejects with
   * HttpCallError for a refusal (a 307 carries `location`) or with the
   * connection's error (code `ECONNREFUSED` when nobody listens). `handlers`
   * are never called before it resolved.
   */
  open(url: string, call: AgentCall, handlers: StreamHandlers): Promise<MasterStream>;
  /**
   * One call on stream `streamId` (`Mesos-Stream-Id`). Resolves when the master
   * took it (2xx); rejects with HttpCallError or the connection's error.
   */
  post(url: string, call: AgentCall, streamId: string): Promise<void>;
}

/** The default: `POST /master/api/v1/agent`, a RecordIO stream, one-shot POSTs for later calls. */
export const httpMasterTransport: MasterTransport = {
  async open(url, call, handlers) {
    const opened = await openStream(`${url}${AGENT_API_PATH}`, call, handlers);
    const header = opened.headers['mesos-stream-id'];
    return { streamId: Array.isArray(header) ? header[0] : header, close: () => opened.close() };
  },
  async post(url, call, streamId) {
    await postJson(`${url}${AGENT_API_PATH}`, call, { 'Mesos-Stream-Id': streamId });
  },
};

export interface MasterLinkOptions {
  /** `http://host:port` (a bare `host:port` is accepted too); with `detector`, only the first guess. */
  masterUrl: string;
  /** With `--master=zk://…`: each connection attempt asks it for the leader. */
  detector?: LeaderDetector;
  /** Initial backoff bound in ms (`--registration_backoff_factor`, default 1 s). */
  registrationBackoffFactorMs: number;
  logger: AgentLogger;
  /** Builds the REGISTER or REREGISTER call for each attempt. */
  registerCall(): AgentCall;
  /** The stream is up and the master accepted us. */
  onRegistered(registration: Registration): void;
  /** Every event after REGISTERED/REREGISTERED, except PING which the link answers itself. */
  onEvent(event: AgentEvent): void;
  /** The stream ended; a reconnect is scheduled unless stopped. */
  onDisconnected(reason: string): void;
  /** Uniform [0, 1) for the backoff jitter; injectable for tests. */
  random?: () => number;
  /** How calls reach the master; default {@link httpMasterTransport}. */
  transport?: MasterTransport;
}

/** Normalizes `host:port` or `http://host:port/` to `http://host:port`. */
export function normalizeMasterUrl(text: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(text) ? text : `http://${text}`;
  const url = new URL(withScheme);
  return `${url.protocol}//${url.host}`;
}

/** `http://host:port` → `master@host:port`. */
export function masterPidOf(url: string): string {
  return `master@${new URL(url).host}`;
}

/** One agent's connection to its master, reconnecting until stopped. */
export class MasterLink {
  private url: string;
  private readonly transport: MasterTransport;
  private stream: MasterStream | undefined;
  private streamId: string | undefined;
  private agentId: string | undefined;
  private registered = false;
  private stopped = true;
  private backoffMs: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private pingTimeoutMs = 0;
  private attempt = 0;

  constructor(private readonly options: MasterLinkOptions) {
    this.url = normalizeMasterUrl(options.masterUrl);
    this.transport = options.transport ?? httpMasterTransport;
    this.backoffMs = options.registrationBackoffFactorMs;
  }

  /** True while a stream is up and the master has (re)registered us. */
  get connected(): boolean {
    return this.registered;
  }

  /** Base URL of the master currently targeted. */
  get masterUrl(): string {
    return this.url;
  }

  /** Starts connecting in the background. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    if (this.options.detector) {
      // A new leader: drop the stream to the old one; the reconnect asks the detector again.
      this.stopFollowing = this.options.detector.onChange((leader) => this.leaderChanged(leader));
    } else {
      this.options.logger.info(`New master detected at ${masterPidOf(this.url)}`);
    }
    void this.connect();
  }

  private stopFollowing: (() => void) | undefined;

  /**
   * A new leading master was detected (Mesos's `Slave::detected`): the backoff
   * starts afresh at `--registration_backoff_factor`, and the next attempt goes
   * out after a random delay in [0, factor] — also when a retry was waiting out
   * a longer, doubled backoff after failing against the old leader.
   */
  private leaderChanged(leader: { host: string; port: number }): void {
    if (this.stopped) return;
    const url = `http://${leader.host}:${leader.port}`;
    if (url === this.url && (this.stream || !this.retryTimer)) return;
    this.backoffMs = this.options.registrationBackoffFactorMs;
    if (this.stream) {
      this.reconnect(`new leader at ${leader.host}:${leader.port}`);
      return;
    }
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.scheduleRetry(`new leader at ${leader.host}:${leader.port}`);
    }
  }

  /** Closes the stream and stops reconnecting. */
  stop(): void {
    this.stopped = true;
    this.stopFollowing?.();
    this.stopFollowing = undefined;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.clearPingTimer();
    const stream = this.stream;
    this.stream = undefined;
    this.registered = false;
    stream?.close();
  }

  /**
   * Sends a call with the current `Mesos-Stream-Id` (over HTTP: on a fresh connection).
   * Resolves false (and logs) when not connected or the master refused it;
   * callers that need delivery (status updates) retry on their own.
   */
  async send(call: AgentCall): Promise<boolean> {
    if (!this.registered || this.streamId === undefined) return false;
    try {
      await this.transport.post(this.url, call, this.streamId);
      return true;
    } catch (error) {
      this.options.logger.warn(`Failed to send ${call.type} to ${masterPidOf(this.url)}: ${(error as Error).message}`);
      return false;
    }
  }

  /** Drops the current stream and reconnects (e.g. the agent saw the master go silent). */
  reconnect(reason: string): void {
    const stream = this.stream;
    if (stream) {
      this.options.logger.warn(`Dropping connection to ${masterPidOf(this.url)}: ${reason}`);
      stream.close();
    }
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const attempt = ++this.attempt;
    if (this.options.detector) {
      const leader = await this.options.detector.detect().catch(() => undefined);
      if (this.stopped || attempt !== this.attempt) return;
      if (!leader) {
        this.scheduleRetry('no leading master detected');
        return;
      }
      const url = `http://${leader.host}:${leader.port}`;
      if (url !== this.url) {
        this.url = url;
        this.options.logger.info(`New master detected at ${masterPidOf(this.url)}`);
      }
    }
    let opened: MasterStream;
    // The transport delivers no event before open resolves, so the stream is recorded first.
    const handlers = {
      onEvent: (event: unknown) => {
        if (attempt !== this.attempt) return;
        this.handleEvent(event as AgentEvent);
      },
      onClose: (error?: Error) => {
        if (attempt !== this.attempt) return;
        this.handleClose(error?.message ?? 'stream ended');
      },
    };
    try {
      opened = await this.transport.open(this.url, this.options.registerCall(), handlers);
    } catch (error) {
      if (attempt !== this.attempt) return;
      if (error instanceof HttpCallError && error.status === 307 && error.location) this.follow(error.location);
      this.scheduleRetry(describeError(error));
      return;
    }
    if (this.stopped || attempt !== this.attempt) {
      opened.close();
      return;
    }
    this.stream = opened;
    this.streamId = opened.streamId;
  }

  private handleEvent(event: AgentEvent): void {
    switch (event.type) {
      case 'REGISTERED':
      case 'REREGISTERED': {
        const body = event.type === 'REGISTERED' ? event.registered : event.reregistered;
        this.agentId = body.agent_id.value;
        this.registered = true;
        this.backoffMs = this.options.registrationBackoffFactorMs;
        this.pingTimeoutMs = Math.max(1, body.ping_interval_seconds) * 1000 * MAX_PING_TIMEOUTS;
        this.resetPingTimer();
        this.options.onRegistered({
          agentId: body.agent_id.value,
          masterId: body.master_id,
          pingIntervalSeconds: body.ping_interval_seconds,
          reregistered: event.type === 'REREGISTERED',
          masterPid: masterPidOf(this.url),
        });
        return;
      }
      case 'PING':
        this.resetPingTimer();
        if (this.agentId !== undefined) void this.send({ type: 'PONG', agent_id: { value: this.agentId } });
        return;
      default:
        if (!this.registered) {
          this.options.logger.warn(`Ignoring ${event.type} from ${masterPidOf(this.url)} before registration`);
          return;
        }
        this.options.onEvent(event);
    }
  }

  private handleClose(reason: string): void {
    const wasRegistered = this.registered;
    this.stream = undefined;
    this.streamId = undefined;
    this.registered = false;
    this.clearPingTimer();
    if (this.stopped) return;
    if (wasRegistered) {
      this.options.logger.warn(`Lost connection to master ${masterPidOf(this.url)}: ${reason}`);
      this.options.onDisconnected(reason);
    }
    this.scheduleRetry(reason);
  }

  private scheduleRetry(reason: string): void {
    if (this.stopped || this.retryTimer) return;
    const delay = Math.floor((this.options.random ?? Math.random)() * this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, REGISTER_RETRY_INTERVAL_MAX_MS);
    this.options.logger.warn(
      `Failed to connect to master at ${this.url}: ${reason}; retrying in ${formatSeconds(delay)} secs`,
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delay);
  }

  /** A non-leading master answered 307 with `//host:port/...`: try the leader next. */
  private follow(location: string): void {
    try {
      const target = new URL(location, this.url);
      this.url = `${target.protocol}//${target.host}`;
      this.options.logger.info(`New master detected at ${masterPidOf(this.url)}`);
    } catch {
      // An unparsable Location keeps the old target; the retry will tell.
    }
  }

  private resetPingTimer(): void {
    this.clearPingTimer();
    this.pingTimer = setTimeout(() => {
      this.pingTimer = undefined;
      this.reconnect(`No pings from master received within ${this.pingTimeoutMs / 1000} secs`);
    }, this.pingTimeoutMs);
    this.pingTimer.unref();
  }

  private clearPingTimer(): void {
    if (this.pingTimer) clearTimeout(this.pingTimer);
    this.pingTimer = undefined;
  }
}

function describeError(error: unknown): string {
  if (error instanceof HttpCallError) return `HTTP ${error.status}${error.body ? ` ${error.body.trim()}` : ''}`;
  const code = (error as { code?: string }).code;
  const message = (error as Error).message ?? String(error);
  return code === 'ECONNREFUSED' ? 'Connection refused' : message;
}

function formatSeconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}
