/**
 * The part of the Docker Engine API's "create a container" body
 * (`POST /containers/create`, API ≥ 1.41) the Docker containerizer fills in.
 * Field names are the Engine's, so a spec is passed to the engine as it is.
 */

/** `HostConfig.PortBindings` entry. */
export interface DockerPortBinding {
  HostIp?: string;
  HostPort: string;
}

/** `HostConfig.Ulimits` entry. */
export interface DockerUlimit {
  Name: string;
  Soft: number;
  Hard: number;
}

/** `HostConfig` (subset). Sizes in bytes, CPU period/quota in microseconds. */
export interface DockerHostConfig {
  Binds?: string[];
  NetworkMode?: string;
  PortBindings?: Record<string, DockerPortBinding[]>;
  Privileged?: boolean;
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpusetCpus?: string;
  Memory?: number;
  MemorySwap?: number;
  MemoryReservation?: number;
  OomKillDisable?: boolean;
  PidsLimit?: number;
  ShmSize?: number;
  ReadonlyRootfs?: boolean;
  CapAdd?: string[];
  CapDrop?: string[];
  Dns?: string[];
  DnsSearch?: string[];
  DnsOptions?: string[];
  ExtraHosts?: string[];
  GroupAdd?: string[];
  SecurityOpt?: string[];
  Sysctls?: Record<string, string>;
  Tmpfs?: Record<string, string>;
  Ulimits?: DockerUlimit[];
  IpcMode?: string;
  PidMode?: string;
  UTSMode?: string;
  Init?: boolean;
  VolumeDriver?: string;
  VolumesFrom?: string[];
  LogConfig?: { Type: string; Config: Record<string, string> };
}

/** The create body (subset). */
export interface DockerCreateSpec {
  Image: string;
  Hostname?: string;
  User?: string;
  WorkingDir?: string;
  Env: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  Labels: Record<string, string>;
  ExposedPorts?: Record<string, Record<string, never>>;
  StopSignal?: string;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Tty?: boolean;
  HostConfig: DockerHostConfig;
}
