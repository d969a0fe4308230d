/**
 * One ZooKeeper session over the pure-JS `node-zookeeper-client`, with promises,
 * bounded calls and a session-loss watchdog.
 *
 * A session is terminal once lost: after `expired` (or `close()`) every call
 * fails and the owner opens a new session if it wants one. Ephemeral znodes
 * (leader election) live exactly as long as the session, so a contender must
 * stop acting as leader the moment its session is lost — which it learns from
 * `onExpired`, raised either by the server (`server`: the ensemble already
 * expired it) or locally (`timeout`: no server answered for 2/3 of the
 * negotiated timeout). The local bound is stricter than Mesos's (a full session
 * timeout after a disconnection) so that a partitioned leader always steps down
 * before the ensemble can expire its znode and elect someone else; the library
 * itself never notices a silent partition.
 *
 * A silence the session caused itself is not a partition: when this process's
 * event loop was blocked (a watchdog tick came late), answers may be waiting,
 * unread, in the socket, and probes were not sent. Then the session hears the
 * server out with a fresh probe until 5/6 of the timeout, still short of when
 * the ensemble could expire it (it counts from the last request it received,
 * sent no earlier than the answered one the bound counts from).
 */
import zookeeper from 'node-zookeeper-client';
import { ZooKeeperError, type ZooKeeperErrorCode } from './errors.js';
import { ListenerSet } from './listener-set.js';
import { frameWholePackets, type PacketReader } from './packet-framing.js';
import { connectionString, formatZooKeeperUrl, parseZooKeeperUrl, type ZooKeeperUrl } from './zk-url.js';

/** Mesos's default `--zk_session_timeout` (10 seconds), in ms. */
export const DEFAULT_SESSION_TIMEOUT_MS = 10_000;

/** Tunables of a session; all durations in milliseconds. */
export interface ZooKeeperSessionOptions {
  /** Session timeout asked of the ensemble (it clamps to [2, 20] × tickTime). Default 10 000 (Mesos). */
  sessionTimeoutMs?: number;
  /** Bound on establishing the session. Default: the session timeout. */
  connectTimeoutMs?: number;
  /** Bound on each call; past it the call fails with OPERATION_TIMEOUT (outcome unknown). Default: the session timeout. */
  operationTimeoutMs?: number;
  /** Aborts a `connect` still in progress (it then rejects with ZooKeeperError `CLOSED`). */
  signal?: AbortSignal;
}

/** Life cycle: `connecting` → `connected` ⇄ `disconnected` → `expired` | `closed` (both terminal). */
export type ZooKeeperSessionState = 'connecting' | 'connected' | 'disconnected' | 'expired' | 'closed';

/** Why a session was lost: expired by the ensemble, silent past the local bound, or refused credentials. */
export type SessionLossReason = 'server' | 'timeout' | 'auth-failed';

/** How a znode is created (ZooKeeper's CreateMode). */
export type ZnodeMode = 'persistent' | 'persistent-sequential' | 'ephemeral' | 'ephemeral-sequential';

/** A znode's data and the parts of its Stat we use. `version` is ZooKeeper's data version (0 when created). */
export interface ZnodeData {
  data: Buffer;
  version: number;
  numChildren: number;
  /** Session id (hex) owning an ephemeral znode; all zeros for a persistent one. */
  ephemeralOwner: string;
}

/** One operation of {@link ZooKeeperSession.multi}; `version` -1 means any. */
export type ZnodeOp =
  | { type: 'create'; path: string; data: Buffer; mode: ZnodeMode }
  | { type: 'setData'; path: string; data: Buffer; version: number }
  | { type: 'remove'; path: string; version: number }
  | { type: 'check'; path: string; version: number };

/** A one-shot watch notification (ZooKeeper's WatchedEvent). */
export interface ZnodeEvent {
  type: 'created' | 'deleted' | 'data-changed' | 'children-changed';
  path: string;
}

/** A one-shot watch callback; fires at most once, never after the session is lost. */
export type ZnodeWatcher = (event: ZnodeEvent) => void;

type Callback<T> = (error: unknown, value?: T) => void;

/** The library's connection manager, reached only to stop it for good (it has no such call). */
interface ConnectionManagerInternals {
  socket?: { destroy(): void };
  connect: () => void;
  onSocketConnected: () => void;
}

const MODES: Record<ZnodeMode, number> = {
  persistent: zookeeper.CreateMode.PERSISTENT,
  'persistent-sequential': zookeeper.CreateMode.PERSISTENT_SEQUENTIAL,
  ephemeral: zookeeper.CreateMode.EPHEMERAL,
  'ephemeral-sequential': zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL,
};

const ERROR_NAMES: ReadonlySet<string> = new Set<ZooKeeperErrorCode>([
  'NO_NODE', 'NODE_EXISTS', 'BAD_VERSION', 'NOT_EMPTY', 'NO_AUTH', 'NO_CHILDREN_FOR_EPHEMERALS',
  'CONNECTION_LOSS', 'SESSION_EXPIRED', 'AUTH_FAILED',
]);

/** A live ZooKeeper session. Create with `ZooKeeperSession.connect`. */
export class ZooKeeperSession {
  private readonly client: zookeeper.Client;
  private stateValue: ZooKeeperSessionState = 'connecting';
  private readonly stateListeners = new ListenerSet<[ZooKeeperSessionState]>();
  private readonly lossListeners = new ListenerSet<[SessionLossReason]>();
  private readonly pending = new Set<(error: ZooKeeperError) => void>();
  /** Send time (ms) of the latest request a server answered: the server heard from us then. */
  private knownAliveAt = 0;
  private lastProbeAt = 0;
  private probing = false;
  /** When the watchdog last ran (ms), to tell a blocked event loop from a silent server. */
  private lastTickAt = 0;
  /** Set after a blocked loop left the session silent past the normal bound: it waits for a probe's answer up to the hard bound. */
  private hearingOut = false;
  private watchdog: NodeJS.Timeout | undefined;
  private readonly acls: zookeeper.ACL[];
  private readonly operationTimeoutMs: number;
  private readonly wrapped = new WeakMap<ZnodeWatcher, (event: zookeeper.Event) => void>();

  private constructor(
    /** Where this session connects. */
    readonly url: ZooKeeperUrl,
    private readonly requestedTimeoutMs: number,
    operationTimeoutMs: number | undefined,
  ) {
    this.operationTimeoutMs = operationTimeoutMs ?? requestedTimeoutMs;
    this.client = zookeeper.createClient(connectionString(url), {
      sessionTimeout: requestedTimeoutMs,
      // Rotation to the next ensemble member after a failure waits up to this (ms).
      spinDelay: 100,
      retries: 0,
    });
    if (url.credentials) {
      const identity = `${url.credentials.username}:${url.credentials.password}`;
      this.client.addAuthInfo('digest', Buffer.from(identity));
      // Mesos's EVERYONE_READ_CREATOR_ALL: anyone may find the leader, only we may change our znodes.
      this.acls = [
        new zookeeper.ACL(zookeeper.Permission.READ, new zookeeper.Id('world', 'anyone')),
        new zookeeper.ACL(zookeeper.Permission.ALL, new zookeeper.Id('auth', '')),
      ];
    } else {
      this.acls = [new zookeeper.ACL(zookeeper.Permission.ALL, new zookeeper.Id('world', 'anyone'))];
    }
    this.client.on('state', (state) => this.onLibraryState(state));
    const manager = (this.client as unknown as { connectionManager?: PacketReader }).connectionManager;
    if (manager) frameWholePackets(manager);
  }

  /**
   * Opens a session to `url` (`zk://…` text or parsed). Resolves once connected.
   * Throws ZooKeeperUrlError for bad text, ZooKeeperError `CONNECT_TIMEOUT` when no
   * member answered within `connectTimeoutMs`, `AUTH_FAILED` for refused credentials.
   */
  static async connect(url: ZooKeeperUrl | string, options: ZooKeeperSessionOptions = {}): Promise<ZooKeeperSession> {
    const parsed = typeof url === 'string' ? parseZooKeeperUrl(url) : url;
    const timeoutMs = options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
    const session = new ZooKeeperSession(parsed, timeoutMs, options.operationTimeoutMs);
    await session.start(options.connectTimeoutMs ?? timeoutMs, options.signal);
    return session;
  }

  private start(connectTimeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const fail = (error: ZooKeeperError) => {
        done();
        this.teardown('closed');
        reject(error);
      };
      const onAbort = () => fail(new ZooKeeperError('CLOSED', 'Connecting to ZooKeeper was aborted'));
      const timer = setTimeout(
        () => fail(new ZooKeeperError('CONNECT_TIMEOUT', `No ZooKeeper server of ${formatZooKeeperUrl(this.url)} answered within ${connectTimeoutMs} ms`)),
        connectTimeoutMs,
      );
      const stop = this.onStateChange((state) => {
        if (state === 'connected') {
          done();
          resolve();
        } else if (state === 'expired') {
          fail(new ZooKeeperError('AUTH_FAILED', `ZooKeeper refused the session for ${formatZooKeeperUrl(this.url)}`));
        }
      });
      const done = () => {
        clearTimeout(timer);
        stop();
        signal?.removeEventListener('abort', onAbort);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort);
      this.client.connect();
    });
  }

  /** Current state. */
  get state(): ZooKeeperSessionState {
    return this.stateValue;
  }

  /** The session timeout the ensemble granted, ms (the requested one until connected). */
  get sessionTimeoutMs(): number {
    return this.stateValue === 'connecting' ? this.requestedTimeoutMs : this.client.getSessionTimeout();
  }

  /** ZooKeeper's session id, hex (as `ephemeralOwner` shows it). */
  get sessionId(): string {
    return this.client.getSessionId().toString('hex');
  }

  /** Reports each state change; returns an unsubscribe function. */
  onStateChange(listener: (state: ZooKeeperSessionState) => void): () => void {
    return this.stateListeners.add(listener);
  }

  /** Reports the loss of the session (once, terminal; not raised by `close()`); returns an unsubscribe function. */
  onExpired(listener: (reason: SessionLossReason) => void): () => void {
    return this.lossListeners.add(listener);
  }

  /** Creates `path` holding `data`; returns the created path (with its 10-digit sequence for `*-sequential`). */
  create(path: string, data: Buffer, mode: ZnodeMode): Promise<string> {
    return this.call<string>('create', path, (done) => this.client.create(path, data, this.acls, MODES[mode], done));
  }

  /** Creates `path` and its missing ancestors as empty persistent znodes. Existing ones are left as they are. */
  async ensurePath(path: string): Promise<void> {
    if (path === '/') return;
    try {
      await this.create(path, Buffer.alloc(0), 'persistent');
    } catch (error) {
      if (error instanceof ZooKeeperError && error.code === 'NODE_EXISTS') return;
      if (!(error instanceof ZooKeeperError) || error.code !== 'NO_NODE') throw error;
      await this.ensurePath(path.slice(0, path.lastIndexOf('/')) || '/');
      await this.ensurePath(path);
    }
  }

  /** Reads `path`; undefined if it does not exist. `watcher` fires on its next change or deletion. */
  async getData(path: string, watcher?: ZnodeWatcher): Promise<ZnodeData | undefined> {
    type Result = { data: Buffer | undefined; stat: zookeeper.Stat };
    try {
      const { data, stat } = await this.call<Result>('getData', path, (done) => {
        const cb = (error: unknown, data?: Buffer, stat?: zookeeper.Stat) => done(error, { data, stat: stat! });
        if (watcher) this.client.getData(path, this.wrap(watcher), cb);
        else this.client.getData(path, cb);
      });
      return { data: data ?? Buffer.alloc(0), ...statFields(stat) };
    } catch (error) {
      if (error instanceof ZooKeeperError && error.code === 'NO_NODE') return undefined;
      throw error;
    }
  }

  /** Whether `path` exists (its stat), undefined if not. `watcher` fires when it is created, changed or deleted. */
  async exists(path: string, watcher?: ZnodeWatcher): Promise<Omit<ZnodeData, 'data'> | undefined> {
    const stat = await this.call<zookeeper.Stat | undefined>('exists', path, (done) => {
      if (watcher) this.client.exists(path, this.wrap(watcher), done);
      else this.client.exists(path, done);
    });
    return stat ? statFields(stat) : undefined;
  }

  /** Names (not paths) of `path`'s children, unsorted; undefined if `path` does not exist. */
  async getChildren(path: string, watcher?: ZnodeWatcher): Promise<string[] | undefined> {
    try {
      return await this.call<string[]>('getChildren', path, (done) => {
        if (watcher) this.client.getChildren(path, this.wrap(watcher), done);
        else this.client.getChildren(path, done);
      });
    } catch (error) {
      if (error instanceof ZooKeeperError && error.code === 'NO_NODE') return undefined;
      throw error;
    }
  }

  /** Replaces `path`'s data if its version is `version` (-1: any). Returns the new version. Throws BAD_VERSION / NO_NODE. */
  async setData(path: string, data: Buffer, version: number): Promise<number> {
    const stat = await this.call<zookeeper.Stat>('setData', path, (done) => this.client.setData(path, data, version, done));
    return stat.version;
  }

  /** Deletes `path` if its version is `version` (-1: any). Throws BAD_VERSION / NO_NODE / NOT_EMPTY. */
  remove(path: string, version: number): Promise<void> {
    return this.call<void>('remove', path, (done) => this.client.remove(path, version, (error) => done(error)));
  }

  /**
   * Runs `ops` as one ZooKeeper multi-op: one request and one transaction, all
   * applied or none. Throws the ZooKeeperError of the first op that failed
   * (NO_NODE, NODE_EXISTS, BAD_VERSION, …; its `path` is the batch's first
   * path, the library does not say which op failed). The request must fit
   * `jute.maxbuffer` (1 MiB by default) or the server drops the connection.
   */
  multi(ops: ReadonlyArray<ZnodeOp>): Promise<void> {
    const first = ops[0]?.path ?? '/';
    if (ops.length === 0) return Promise.resolve();
    return this.call<void>('multi', first, (done) => {
      const transaction = this.client.transaction();
      for (const op of ops) {
        if (op.type === 'create') transaction.create(op.path, op.data, this.acls, MODES[op.mode]);
        else if (op.type === 'setData') transaction.setData(op.path, op.data, op.version);
        else if (op.type === 'remove') transaction.remove(op.path, op.version);
        else transaction.check(op.path, op.version);
      }
      transaction.commit((error) => done(error));
    });
  }

  /**
   * Ends the session: the ensemble deletes its ephemeral znodes at once (a
   * graceful close), then the connection is dropped. Idempotent; waits at most
   * one second for the ensemble's acknowledgement.
   */
  async close(): Promise<void> {
    if (this.stateValue === 'closed' || this.stateValue === 'expired') {
      this.teardown(this.stateValue);
      return;
    }
    const wasConnected = this.stateValue === 'connected';
    this.setState('closed');
    this.stopWatchdog();
    this.rejectPending('CLOSED', 'The ZooKeeper session was closed');
    if (wasConnected) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        this.client.once('disconnected', () => {
          clearTimeout(timer);
          resolve();
        });
        this.client.close();
      });
    }
    this.teardown('closed');
  }

  private call<T>(what: string, path: string, start: (done: Callback<T>) => void): Promise<T> {
    if (this.stateValue === 'closed') return Promise.reject(new ZooKeeperError('CLOSED', `${what} ${path}: the ZooKeeper session is closed`, path));
    if (this.stateValue === 'expired') return Promise.reject(new ZooKeeperError('SESSION_EXPIRED', `${what} ${path}: the ZooKeeper session expired`, path));
    return new Promise<T>((resolve, reject) => {
      const sentAt = Date.now();
      let settled = false;
      const finish = (error: ZooKeeperError | undefined, value?: T) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.pending.delete(abort);
        if (error) reject(error);
        else resolve(value as T);
      };
      const abort = (error: ZooKeeperError) => finish(error);
      const timer = setTimeout(
        () => finish(new ZooKeeperError('OPERATION_TIMEOUT', `${what} ${path}: no answer from ZooKeeper within ${this.operationTimeoutMs} ms`, path)),
        this.operationTimeoutMs,
      );
      this.pending.add(abort);
      start((error, value) => {
        if (error === null || error === undefined) {
          this.heard(sentAt);
          finish(undefined, value);
          return;
        }
        const mapped = toZooKeeperError(error, what, path);
        if (mapped.code !== 'CONNECTION_LOSS' && mapped.code !== 'SESSION_EXPIRED') this.heard(sentAt);
        finish(mapped);
      });
    });
  }

  /**
   * The library keeps one listener per distinct function and path, so the same
   * watcher passed again (a re-read before the watch fired) must map to the
   * same function, or listeners would pile up.
   */
  private wrap(watcher: ZnodeWatcher): (event: zookeeper.Event) => void {
    let wrapped = this.wrapped.get(watcher);
    if (!wrapped) {
      wrapped = (event) => {
        if (this.stateValue === 'closed' || this.stateValue === 'expired') return;
        const type = eventType(event.getType());
        if (type) watcher({ type, path: event.getPath() });
      };
      this.wrapped.set(watcher, wrapped);
    }
    return wrapped;
  }

  private onLibraryState(state: zookeeper.State): void {
    if (this.stateValue === 'closed' || this.stateValue === 'expired') return;
    if (state === zookeeper.State.SYNC_CONNECTED) {
      this.heard(Date.now());
      this.setState('connected');
      this.startWatchdog();
    } else if (state === zookeeper.State.DISCONNECTED) {
      if (this.stateValue === 'connected') this.setState('disconnected');
    } else if (state === zookeeper.State.EXPIRED) {
      this.lose('server');
    } else if (state === zookeeper.State.AUTH_FAILED) {
      this.lose('auth-failed');
    }
  }

  private heard(sentAt: number): void {
    if (sentAt > this.knownAliveAt) this.knownAliveAt = sentAt;
  }

  private startWatchdog(): void {
    if (this.watchdog) return;
    const timeout = this.sessionTimeoutMs;
    const interval = Math.max(50, Math.floor(timeout / 12));
    this.lastTickAt = Date.now();
    this.watchdog = setInterval(() => this.checkAlive(timeout, interval), interval);
    this.watchdog.unref();
  }

  private stopWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
  }

  /**
   * Probes every sixth of the timeout; loses the session when no answer came
   * for two thirds of it, or, after this process's own event loop was blocked
   * (this tick came over an interval late), for five sixths of it.
   */
  private checkAlive(timeoutMs: number, intervalMs: number): void {
    const now = Date.now();
    const late = now - this.lastTickAt > 2 * intervalMs;
    this.lastTickAt = now;
    const silent = now - this.knownAliveAt;
    if (silent >= (timeoutMs * 5) / 6) {
      this.lose('timeout');
      return;
    }
    if (silent >= (timeoutMs * 2) / 3) {
      if (late) this.hearingOut = true;
      if (!this.hearingOut) {
        this.lose('timeout');
        return;
      }
    } else {
      this.hearingOut = false;
    }
    // Every sixth (not third) keeps the answered send time recent, so a block of the loop starts from
    // less silence; half a tick early, so a tick that comes a little early does not put it off a tick.
    const due = !this.probing && (this.hearingOut || now - this.lastProbeAt >= timeoutMs / 6 - intervalMs / 2);
    if (this.stateValue !== 'connected' || !due) return;
    this.probing = true;
    this.lastProbeAt = now;
    this.client.exists('/', (error) => {
      this.probing = false;
      if (!error || !(error instanceof zookeeper.Exception) || (error.getCode() !== zookeeper.Exception.CONNECTION_LOSS && error.getCode() !== zookeeper.Exception.SESSION_EXPIRED)) {
        this.heard(now);
      }
    });
  }

  private lose(reason: SessionLossReason): void {
    if (this.stateValue === 'closed' || this.stateValue === 'expired') return;
    this.teardown('expired');
    this.rejectPending('SESSION_EXPIRED', `The ZooKeeper session was lost (${reason})`);
    this.lossListeners.emit(reason);
  }

  private rejectPending(code: ZooKeeperErrorCode, message: string): void {
    for (const abort of [...this.pending]) abort(new ZooKeeperError(code, message));
  }

  /** Stops the library for good: no reconnection, no late socket reviving the session. */
  private teardown(state: 'closed' | 'expired'): void {
    this.stopWatchdog();
    this.setState(state);
    const manager = (this.client as unknown as { connectionManager?: ConnectionManagerInternals }).connectionManager;
    if (manager) {
      manager.connect = () => {};
      manager.onSocketConnected = function (this: ConnectionManagerInternals) {
        this.socket?.destroy();
      };
      manager.socket?.destroy();
    }
  }

  private setState(state: ZooKeeperSessionState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.stateListeners.emit(state);
  }
}

function statFields(stat: zookeeper.Stat): Omit<ZnodeData, 'data'> {
  return { version: stat.version, numChildren: stat.numChildren, ephemeralOwner: stat.ephemeralOwner.toString('hex') };
}

function eventType(type: number): ZnodeEvent['type'] | undefined {
  switch (type) {
    case zookeeper.Event.NODE_CREATED:
      return 'created';
    case zookeeper.Event.NODE_DELETED:
      return 'deleted';
    case zookeeper.Event.NODE_DATA_CHANGED:
      return 'data-changed';
    case zookeeper.Event.NODE_CHILDREN_CHANGED:
      return 'children-changed';
    default:
      return undefined;
  }
}

function toZooKeeperError(error: unknown, what: string, path: string): ZooKeeperError {
  if (error instanceof zookeeper.Exception) {
    const name = error.getName();
    const code = (ERROR_NAMES.has(name) ? name : 'OTHER') as ZooKeeperErrorCode;
    return new ZooKeeperError(code, `${what} ${path}: ${name}`, path, { cause: error });
  }
  return new ZooKeeperError('OTHER', `${what} ${path}: ${String(error)}`, path, { cause: error });
}
