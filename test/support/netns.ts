/**
 * A private multi-host test network built from Linux network namespaces, so
 * end-to-end tests can run masters, agents and ZooKeeper servers as separate
 * "hosts" with their own addresses and standard ports, and cut one off.
 *
 *        root namespace (the test process)  10.a.b.254
 *                 │ veth m<run>r ⇄ m<run>rs
 *     ┌───────────┴─ meseta-<run>-switch: bridge br0 ──────────┐
 *     │ veth m<run>s<i> (down = partitioned)                    │
 *   meseta-<run>-<host i>: eth0 10.a.b.<i+1>/24, lo up     …    │
 *
 * Every host reaches every other on the /24, and the test process reaches them
 * all through its own veth (no routing, no iptables). `partition(host)` sets the
 * host's switch-side veth down: its packets are dropped silently while its
 * sockets stay open, which is what a cut cable looks like to both sides.
 *
 * Needs root and iproute2 (`ip`). Tests skip without them unless
 * MESETA_REQUIRE_NETNS=1 (CI as root), in which case they run and fail loudly.
 * Everything is named `meseta-<run>-…` / `m<run>…`; `destroy()` removes it, a
 * process 'exit' handler does too, and `create()` first removes what earlier
 * crashed runs left (their owner pid, kept in a marker file, is gone).
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Proc } from '../e2e/harness.js';

const PREFIX = 'meseta-';
/** Owner pid per run, so a later run can tell a crashed run's leftovers from a live one's. */
const MARKERS = '/run/meseta-netns';

/** Why namespaces cannot be built here (not root, no `ip`), or undefined when they can. */
export function netnsMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'network namespace tests need root';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return "'ip' (iproute2) is missing; apt-get install iproute2";
  }
  return undefined;
}

/**
 * Options for `describe()`: `{ skip: reason }` when namespaces cannot be built,
 * `{}` when they can or when MESETA_REQUIRE_NETNS=1 (then the tests fail on the
 * missing piece instead of skipping).
 */
export function netnsTestOptions(): { skip?: string } {
  const missing = netnsMissing();
  if (!missing || process.env.MESETA_REQUIRE_NETNS === '1') return {};
  return { skip: missing };
}

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function ipQuiet(args: string[]): void {
  try {
    ip(args);
  } catch {
    // cleanup of something already gone
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Namespaces and root-side veths of runs whose owner process is gone (or never recorded). */
export function removeLeftovers(): void {
  const runs = new Set<string>();
  for (const line of ip(['netns', 'list']).split('\n')) {
    const match = /^meseta-([0-9a-f]{4})-\S+/.exec(line.trim());
    if (match) runs.add(match[1]!);
  }
  if (existsSync(MARKERS)) for (const f of readdirSync(MARKERS)) runs.add(f);
  for (const run of runs) {
    const marker = join(MARKERS, run);
    const owner = existsSync(marker) ? Number(readFileSync(marker, 'utf8')) : NaN;
    if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) continue;
    removeRun(run);
  }
}

function removeRun(run: string): void {
  for (const line of ip(['netns', 'list']).split('\n')) {
    const name = line.trim().split(' ')[0] ?? '';
    if (name.startsWith(`${PREFIX}${run}-`)) ipQuiet(['netns', 'del', name]);
  }
  ipQuiet(['link', 'del', `m${run}r`]);
  rmSync(join(MARKERS, run), { force: true });
}

/** IPv4 prefixes (`a.b.c.d/n`) routed or assigned here now. */
function usedPrefixes(): Array<{ base: number; bits: number }> {
  const out: Array<{ base: number; bits: number }> = [];
  const text = ip(['-4', 'route', 'show', 'table', 'all']) + ip(['-4', '-o', 'addr', 'show']);
  for (const match of text.matchAll(/(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?/g)) {
    const bits = match[2] === undefined ? 32 : Number(match[2]);
    out.push({ base: toInt(match[1]!), bits });
  }
  return out;
}

function toInt(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function overlaps(a: { base: number; bits: number }, b: { base: number; bits: number }): boolean {
  const bits = Math.min(a.bits, b.bits);
  if (bits === 0) return false; // the default route covers everything; it is not a conflict
  const mask = bits === 32 ? 0xffffffff : (~((1 << (32 - bits)) - 1)) >>> 0;
  return ((a.base & mask) >>> 0) === ((b.base & mask) >>> 0);
}

/** A random 10.a.b.0/24 that no route or address here overlaps. */
function pickSubnet(): string {
  const used = usedPrefixes();
  for (let attempt = 0; attempt < 100; attempt++) {
    const [a, b] = randomBytes(2);
    const subnet = `10.${a}.${b}`;
    const candidate = { base: toInt(`${subnet}.0`), bits: 24 };
    if (!used.some((u) => overlaps(u, candidate))) return subnet;
  }
  throw new Error('No free 10.x.y.0/24 found for the test network');
}

/** One host of the network. */
export interface NetnsHost {
  name: string;
  /** `meseta-<run>-<name>`. */
  namespace: string;
  /** The host's IPv4 address on the test /24. */
  address: string;
  /** Its veth end inside the switch namespace (down while partitioned). */
  switchPort: string;
}

/** A test network; always `destroy()` it in an `after` hook (the exit handler is a backstop). */
export class TestNetwork {
  private destroyed = false;
  private readonly onExit = (): void => this.destroy();

  private constructor(
    readonly run: string,
    readonly subnet: string,
    readonly hosts: Map<string, NetnsHost>,
  ) {}

  /** The address the test process has on the network (`10.a.b.254`). */
  get rootAddress(): string {
    return `${this.subnet}.254`;
  }

  /**
   * Builds the network with one namespace per name (1 to 200 names of up to 40
   * characters, [a-z0-9]). Removes earlier crashed runs first.
   * @throws Error with the failing `ip` command's stderr; what was built is removed.
   */
  static create(names: string[]): TestNetwork {
    const missing = netnsMissing();
    if (missing) throw new Error(missing);
    if (names.length === 0 || names.length > 200 || names.some((n) => !/^[a-z0-9]{1,40}$/.test(n)) || new Set(names).size !== names.length) {
      throw new Error(`Bad host names: ${names.join(',')}`);
    }
    removeLeftovers();
    const run = randomBytes(2).toString('hex');
    mkdirSync(MARKERS, { recursive: true });
    writeFileSync(join(MARKERS, run), String(process.pid));
    const subnet = pickSubnet();
    const hosts = new Map<string, NetnsHost>();
    names.forEach((name, i) => {
      hosts.set(name, { name, namespace: `${PREFIX}${run}-${name}`, address: `${subnet}.${i + 1}`, switchPort: `m${run}s${i}` });
    });
    const network = new TestNetwork(run, subnet, hosts);
    process.on('exit', network.onExit);
    try {
      network.build();
    } catch (error) {
      network.destroy();
      const stderr = (error as { stderr?: Buffer | string }).stderr?.toString() ?? '';
      throw new Error(`Failed to build the test network: ${(error as Error).message} ${stderr}`, { cause: error });
    }
    return network;
  }

  private get switchNs(): string {
    return `${PREFIX}${this.run}-switch`;
  }

  private build(): void {
    const sw = this.switchNs;
    ip(['netns', 'add', sw]);
    ip(['-n', sw, 'link', 'set', 'lo', 'up']);
    ip(['-n', sw, 'link', 'add', 'br0', 'type', 'bridge']);
    ip(['-n', sw, 'link', 'set', 'br0', 'up']);
    // The test process's own port on the switch.
    const rootSide = `m${this.run}r`;
    ip(['link', 'add', rootSide, 'type', 'veth', 'peer', 'name', `m${this.run}rs`]);
    ip(['link', 'set', `m${this.run}rs`, 'netns', sw]);
    ip(['-n', sw, 'link', 'set', `m${this.run}rs`, 'master', 'br0', 'up']);
    ip(['addr', 'add', `${this.rootAddress}/24`, 'dev', rootSide]);
    ip(['link', 'set', rootSide, 'up']);
    let i = 0;
    for (const host of this.hosts.values()) {
      const inner = `m${this.run}h${i++}`;
      ip(['netns', 'add', host.namespace]);
      ip(['-n', host.namespace, 'link', 'set', 'lo', 'up']);
      ip(['link', 'add', inner, 'type', 'veth', 'peer', 'name', host.switchPort]);
      ip(['link', 'set', inner, 'netns', host.namespace]);
      ip(['-n', host.namespace, 'link', 'set', inner, 'name', 'eth0']);
      ip(['-n', host.namespace, 'addr', 'add', `${host.address}/24`, 'dev', 'eth0']);
      ip(['-n', host.namespace, 'link', 'set', 'eth0', 'up']);
      ip(['link', 'set', host.switchPort, 'netns', sw]);
      ip(['-n', sw, 'link', 'set', host.switchPort, 'master', 'br0', 'up']);
    }
  }

  /** Host `name`. @throws Error for an unknown name. */
  host(name: string): NetnsHost {
    const host = this.hosts.get(name);
    if (!host) throw new Error(`No host ${name} in the test network`);
    return host;
  }

  /** Host `name`'s address. */
  address(name: string): string {
    return this.host(name).address;
  }

  /**
   * Starts `command args` inside host `name` (`ip netns exec`, which execs: the
   * child's pid is the program's, so stop it by that pid).
   */
  spawnIn(name: string, command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    return spawn('ip', ['netns', 'exec', this.host(name).namespace, command, ...args], options);
  }

  /** `spawnIn` with the harness's output capture: argv[0] is the program. */
  runIn(name: string, argv: string[], env: NodeJS.ProcessEnv = {}): Proc {
    const [command, ...args] = argv;
    if (!command) throw new Error('runIn: empty argv');
    return new Proc('ip', ['netns', 'exec', this.host(name).namespace, command, ...args], env);
  }

  /** Cuts host `name` off the switch: its traffic is dropped silently until `heal`. */
  partition(name: string): void {
    ip(['-n', this.switchNs, 'link', 'set', this.host(name).switchPort, 'down']);
  }

  /** Connects host `name` to the switch again. */
  heal(name: string): void {
    ip(['-n', this.switchNs, 'link', 'set', this.host(name).switchPort, 'up']);
  }

  /**
   * Deletes every namespace and veth of this run (idempotent; processes still
   * running in a namespace keep it alive, unnamed and cut off — stop them first).
   */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    process.off('exit', this.onExit);
    removeRun(this.run);
  }
}
