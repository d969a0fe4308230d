/**
 * A real ZooKeeper ensemble for tests: Debian's `zookeeper` package run as 1 or
 * 3 JVMs on free 127.0.0.1 ports — or, with `placement`, each on its own host
 * (a network namespace) at the standard ports — each with its own data
 * directory, stopped by pid. Every wait is bounded. Plus a TCP proxy that can silently cut a client
 * off (a partition), which a stopped server cannot imitate (its sockets reset).
 *
 * When ZooKeeper is missing, tests skip — unless MESETA_REQUIRE_ZOOKEEPER=1,
 * in which case they run and fail on the missing package (CI sets it).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '../e2e/harness.js';
import { reapOnExit } from './reap-on-exit.js';

/** Where Debian's package puts the server (its manifest names its dependencies) and a logging binding. */
const CLASSPATH = process.env.MESETA_ZOOKEEPER_CLASSPATH ?? '/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar';
const JAVA = process.env.MESETA_JAVA ?? 'java';
const JVM_FLAGS = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.net.preferIPv4Stack=true'];

/** Why ZooKeeper cannot run here, or undefined when it can. */
export function zookeeperMissing(): string | undefined {
  const jar = CLASSPATH.split(':')[0]!;
  if (!existsSync(jar)) return `ZooKeeper is not installed (${jar} missing; run scripts/setup/zookeeper.sh)`;
  const paths = (process.env.PATH ?? '').split(':');
  if (!JAVA.includes('/') && !paths.some((dir) => existsSync(join(dir, JAVA)))) return `'${JAVA}' is not on PATH (install default-jre-headless)`;
  return undefined;
}

/**
 * Options for `test()`/`describe()` of tests needing ZooKeeper: `{ skip: reason }`
 * when it is missing, `{}` when present or when MESETA_REQUIRE_ZOOKEEPER=1 (so the
 * tests run and fail loudly).
 */
export function zookeeperTestOptions(): { skip?: string } {
  const missing = zookeeperMissing();
  if (!missing || process.env.MESETA_REQUIRE_ZOOKEEPER === '1') return {};
  return { skip: missing };
}

/** One server of the ensemble. */
export interface ZooKeeperServerInfo {
  /** `myid`, 1-based. */
  id: number;
  clientPort: number;
  quorumPort: number;
  electionPort: number;
  dir: string;
  /** Address the server listens on and peers reach it at (127.0.0.1 unless placed on a host). */
  host: string;
}

/**
 * Where one server runs when the ensemble is spread over hosts (network
 * namespaces, see netns.ts): its address, and how to start a process there.
 */
export interface ZooKeeperPlacement {
  address: string;
  spawn(command: string, args: string[], options: SpawnOptions): ChildProcess;
}

/** Tunables; `tickTimeMs` sets the session timeout bounds ([2, 20] × tick). */
export interface EnsembleOptions {
  size?: 1 | 3;
  tickTimeMs?: number;
  /** Bound on each server becoming ready, ms. */
  startTimeoutMs?: number;
  /**
   * One placement per server (its length sets the size): each server runs on
   * its own host at the standard ports 2181/2888/3888. Default: all on
   * 127.0.0.1 at free ports.
   */
  placement?: ZooKeeperPlacement[];
}

/** A running ensemble. Always `await ensemble.stopAll()` in an `after` hook. */
export class ZooKeeperEnsemble {
  private readonly processes = new Map<number, ChildProcess>();

  private constructor(
    readonly servers: ZooKeeperServerInfo[],
    private readonly root: string,
    private readonly startTimeoutMs: number,
    private readonly placement?: ZooKeeperPlacement[],
  ) {}

  /** Starts `size` servers and waits until each serves (standalone, leader or follower). Throws with the logs if not in time. */
  static async start(options: EnsembleOptions = {}): Promise<ZooKeeperEnsemble> {
    const missing = zookeeperMissing();
    if (missing) throw new Error(missing);
    const placement = options.placement;
    const size = placement?.length ?? options.size ?? 1;
    const tick = options.tickTimeMs ?? 500;
    const root = mkdtempSync(join(tmpdir(), 'meseta-zk-'));
    const servers: ZooKeeperServerInfo[] = [];
    for (let id = 1; id <= size; id++) {
      const dir = join(root, `server-${id}`);
      const place = placement?.[id - 1];
      servers.push(
        place
          ? { id, clientPort: 2181, quorumPort: 2888, electionPort: 3888, dir, host: place.address }
          : { id, clientPort: await freePort(), quorumPort: await freePort(), electionPort: await freePort(), dir, host: '127.0.0.1' },
      );
    }
    for (const server of servers) {
      mkdirSync(join(server.dir, 'data'), { recursive: true });
      writeFileSync(join(server.dir, 'data', 'myid'), `${server.id}\n`);
      const lines = [
        `tickTime=${tick}`,
        'initLimit=10',
        'syncLimit=5',
        `dataDir=${join(server.dir, 'data')}`,
        `clientPort=${server.clientPort}`,
        `clientPortAddress=${server.host}`,
        // The AdminServer would take port 8080 (clashing with Marathon and other servers).
        'admin.enableServer=false',
        '4lw.commands.whitelist=srvr,ruok',
        'maxClientCnxns=0',
        ...(size > 1 ? servers.map((s) => `server.${s.id}=${s.host}:${s.quorumPort}:${s.electionPort}`) : []),
        // Placed on hosts, a server must listen for peers on its own address only (another host has the same ports).
        ...(placement ? ['quorumListenOnAllIPs=false'] : []),
      ];
      writeFileSync(join(server.dir, 'zoo.cfg'), `${lines.join('\n')}\n`);
    }
    const ensemble = new ZooKeeperEnsemble(servers, root, options.startTimeoutMs ?? 30_000, placement);
    try {
      for (const server of servers) ensemble.spawn(server);
      await Promise.all(servers.map((s) => ensemble.waitServing(s.id)));
    } catch (error) {
      await ensemble.stopAll();
      throw error;
    }
    return ensemble;
  }

  /** `host1:p1,host2:p2,…` (all servers, running or not; hosts are 127.0.0.1 unless placed). */
  get connectString(): string {
    return this.servers.map((s) => `${s.host}:${s.clientPort}`).join(',');
  }

  /** `zk://<all servers><path>`. */
  url(path = '/'): string {
    return `zk://${this.connectString}${path === '/' ? '' : path}`;
  }

  /** The pid of server `id` while it runs. */
  pid(id: number): number | undefined {
    return this.processes.get(id)?.pid;
  }

  /** Starts server `id` again (after `stop`) and waits until it serves. */
  async restart(id: number): Promise<void> {
    this.spawn(this.server(id));
    await this.waitServing(id);
  }

  /** Stops server `id` by pid (SIGTERM, SIGKILL after 5 s) and waits for its exit. */
  async stop(id: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.processes.get(id);
    if (!child) return;
    this.processes.delete(id);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  /** Stops every server and removes the data directories. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((id) => this.stop(id)));
    rmSync(this.root, { recursive: true, force: true });
  }

  /** `standalone`, `leader`, `follower`, or undefined when server `id` does not serve. */
  async mode(id: number): Promise<string | undefined> {
    const server = this.server(id);
    const reply = await fourLetterWord(server.clientPort, 'srvr', server.host).catch(() => '');
    return /^Mode: (\w+)/m.exec(reply)?.[1];
  }

  /** Waits (bounded) until server `id` serves requests. */
  async waitServing(id: number, timeoutMs = this.startTimeoutMs): Promise<string> {
    const child = this.processes.get(id);
    return waitFor(
      `ZooKeeper server ${id} serving`,
      async () => {
        if (child && child.exitCode !== null) throw new Error(`ZooKeeper server ${id} exited (${child.exitCode}): ${this.log(id).slice(-2000)}`);
        return this.mode(id);
      },
      timeoutMs,
      100,
    );
  }

  /** Server `id`'s log so far (for failure messages). */
  log(id: number): string {
    try {
      return readFileSync(join(this.server(id).dir, 'zookeeper.log'), 'utf8');
    } catch {
      return '';
    }
  }

  private server(id: number): ZooKeeperServerInfo {
    const server = this.servers.find((s) => s.id === id);
    if (!server) throw new Error(`No ZooKeeper server ${id}`);
    return server;
  }

  private spawn(server: ZooKeeperServerInfo): void {
    const log = openSync(join(server.dir, 'zookeeper.log'), 'a');
    const args = [...JVM_FLAGS, '-cp', CLASSPATH, `-Dzookeeper.log.dir=${server.dir}`, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', join(server.dir, 'zoo.cfg')];
    const options: SpawnOptions = { stdio: ['ignore', log, log] };
    const place = this.placement?.[server.id - 1];
    const child = reapOnExit(place ? place.spawn(JAVA, args, options) : spawn(JAVA, args, options));
    closeSync(log);
    this.processes.set(server.id, child);
  }
}

/** Sends a four-letter command to `host:port` and returns the whole reply (bounded: 2 s). */
export function fourLetterWord(port: number, word: string, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host, () => socket.end(word));
    let reply = '';
    socket.setTimeout(2000, () => socket.destroy(new Error(`${word} on ${port}: timeout`)));
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve(reply));
  });
}

/**
 * A 127.0.0.1 TCP proxy to one server. `cut()` silently drops everything in both
 * directions while keeping the connections open — a network partition, which
 * neither side notices except by silence; `heal()` lets traffic through again.
 */
export class TcpProxy {
  private cutOff = false;
  private readonly sockets = new Set<net.Socket>();

  private readonly server: net.Server;
  private portValue = 0;

  private constructor(private readonly targetPort: number) {
    this.server = net.createServer((client) => this.pipe(client));
  }

  /** The proxy's port (connect clients here). */
  get port(): number {
    return this.portValue;
  }

  /** Starts a proxy to `127.0.0.1:targetPort` on a free port. */
  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => resolve());
    });
    proxy.portValue = (proxy.server.address() as net.AddressInfo).port;
    return proxy;
  }

  /** Drops all traffic from now on (connections stay open). */
  cut(): void {
    this.cutOff = true;
  }

  /** Forwards traffic again (what was dropped is lost: both ends will see a broken stream or expiry). */
  heal(): void {
    this.cutOff = false;
  }

  /** Closes the proxy and every connection through it. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private pipe(client: net.Socket): void {
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
      socket.on('error', () => {});
    }
    client.on('data', (chunk: Buffer) => {
      if (!this.cutOff) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!this.cutOff) client.write(chunk);
    });
  }
}
