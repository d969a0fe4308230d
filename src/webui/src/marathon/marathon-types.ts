/**
 * The parts of Marathon's REST v2 JSON the UI reads and writes (apps with
 * `embed=apps.counts|apps.deployments|apps.tasks`, `/v2/queue`,
 * `/v2/deployments`, `/v2/info`, 422 bodies). Optional where Marathon may omit.
 */

/** A port mapping (`container.portMappings[]`, or `container.docker.portMappings[]` in old JSON). */
export interface PortMapping {
  containerPort?: number;
  hostPort?: number;
  servicePort?: number;
  protocol?: string;
  name?: string;
}

/** A volume (`container.volumes[]`). */
export interface Volume {
  containerPath?: string;
  hostPath?: string;
  mode?: string;
}

/** A Marathon health check. */
export interface HealthCheck {
  protocol?: string;
  path?: string;
  portIndex?: number;
  port?: number;
  command?: { value?: string };
  gracePeriodSeconds?: number;
  intervalSeconds?: number;
  timeoutSeconds?: number;
  maxConsecutiveFailures?: number;
}

/** One task as `/v2/apps/<id>?embed=apps.tasks` and `/v2/apps/<id>/tasks` show it. */
export interface MarathonTask {
  id: string;
  appId: string;
  host?: string;
  ports?: number[];
  slaveId?: string;
  state?: string;
  stagedAt?: string;
  startedAt?: string;
  version?: string;
  healthCheckResults?: Array<{ alive?: boolean; consecutiveFailures?: number; lastFailureCause?: string }>;
}

/** An app definition, as read and as written. Unknown fields are kept as they are. */
export interface MarathonApp {
  id: string;
  cmd?: string | null;
  args?: string[] | null;
  cpus?: number;
  mem?: number;
  disk?: number;
  gpus?: number;
  instances?: number;
  env?: Record<string, string | { secret: string }>;
  labels?: Record<string, string>;
  constraints?: string[][];
  container?: {
    type?: string;
    docker?: { image?: string; network?: string; forcePullImage?: boolean; privileged?: boolean; portMappings?: PortMapping[] };
    portMappings?: PortMapping[];
    volumes?: Volume[];
  } | null;
  networks?: Array<{ mode?: string; name?: string }>;
  portDefinitions?: Array<{ port?: number; protocol?: string; name?: string }>;
  healthChecks?: HealthCheck[];
  version?: string;
  versionInfo?: { lastScalingAt?: string; lastConfigChangeAt?: string };
  tasksStaged?: number;
  tasksRunning?: number;
  tasksHealthy?: number;
  tasksUnhealthy?: number;
  deployments?: Array<{ id: string }>;
  tasks?: MarathonTask[];
  lastTaskFailure?: { state?: string; message?: string; timestamp?: string; host?: string };
  [field: string]: unknown;
}

/** `/v2/queue` → `queue[]`. */
export interface QueueItem {
  count: number;
  delay?: { timeLeftSeconds?: number; overdue?: boolean };
  since?: string;
  processedOffersSummary?: {
    processedOffersCount?: number;
    unusedOffersCount?: number;
    lastUnusedOfferAt?: string;
    rejectSummaryLastOffers?: Array<{ reason: string; declined: number; processed: number }>;
  };
  app: MarathonApp;
}

/** One deployment step action. */
export interface DeploymentAction {
  action: string;
  app?: string;
}

/** `/v2/deployments[]`. */
export interface Deployment {
  id: string;
  version: string;
  affectedApps: string[];
  steps: Array<{ actions: DeploymentAction[] }>;
  currentActions: DeploymentAction[];
  currentStep: number;
  totalSteps: number;
}

/** `/v2/info` (the fields the UI uses). */
export interface MarathonInfo {
  name?: string;
  version?: string;
  leader?: string;
  frameworkId?: string | null;
  marathon_config?: { master?: string; [key: string]: unknown };
}

/** Marathon's 422 body: `{message, details: [{path: "/cpus", errors: ["…"]}]}`. */
export interface ValidationBody {
  message?: string;
  details?: Array<{ path?: string; errors?: string[] }>;
}
