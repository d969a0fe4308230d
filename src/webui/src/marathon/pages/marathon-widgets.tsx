/** Marathon's status badge and health bar. */
import { Badge } from '../../components/common.js';
import type { AppStatus } from '../app-status.js';

const TONES: Record<AppStatus, 'ok' | 'bad' | 'done' | 'pending'> = {
  running: 'ok',
  deploying: 'pending',
  waiting: 'pending',
  delayed: 'bad',
  suspended: 'done',
};

/** An app status as a badge. */
export function StatusBadge({ status }: { status: AppStatus }) {
  return (
    <span data-status={status}>
      <Badge tone={TONES[status]}>{status}</Badge>
    </span>
  );
}

/** Healthy / unhealthy / unknown / staged instances as a bar over the wanted count. */
export function HealthBar({ shares, wanted }: { shares: { healthy: number; unhealthy: number; unknown: number; staged: number }; wanted: number }) {
  const total = Math.max(wanted, shares.healthy + shares.unhealthy + shares.unknown + shares.staged, 1);
  const pct = (n: number): string => `${(n / total) * 100}%`;
  const label = `${shares.healthy} healthy, ${shares.unhealthy} unhealthy, ${shares.unknown} running without health checks, ${shares.staged} staged, of ${wanted}`;
  return (
    <div class="health-bar" role="img" aria-label={label} title={label}>
      <span class="healthy" style={{ width: pct(shares.healthy) }} />
      <span class="unhealthy" style={{ width: pct(shares.unhealthy) }} />
      <span class="unknown" style={{ width: pct(shares.unknown) }} />
      <span class="staged" style={{ width: pct(shares.staged) }} />
    </div>
  );
}
