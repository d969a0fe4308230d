/** Small Chronos pieces shared by the pages: status and state badges, the next-run text. */
import { Badge } from '../../components/common.js';
import { formatRelative, formatTimestamp } from '../../lib/format.js';
import type { JobSummary } from '../chronos-types.js';
import { describePeriod, describeRepeats, type NextRun } from '../next-run.js';

/** fresh / success / failure as a badge. */
export function LastStatus({ status }: { status: JobSummary['status'] | undefined }) {
  const s = status ?? 'fresh';
  return (
    <span data-status={s}>
      <Badge tone={s === 'success' ? 'ok' : s === 'failure' ? 'bad' : 'done'}>{s}</Badge>
    </span>
  );
}

/** idle / queued / running (and `<n> running`). */
export function RunState({ state }: { state: string | undefined }) {
  const s = state ?? 'idle';
  return (
    <span data-state={s}>
      <Badge tone={s.includes('running') ? 'ok' : s === 'queued' ? 'pending' : 'done'}>{s}</Badge>
    </span>
  );
}

/** `R/…/PT2H` → "every 2 hours, forever"; dependent → "after a, b". */
export function scheduleText(schedule: string | undefined, parents: string[] | undefined): string {
  if (parents !== undefined) return `after ${parents.join(', ')}`;
  const period = /\/(P[^/]+)$/.exec(schedule ?? '')?.[1];
  if (!period) return schedule ?? '';
  return `${describePeriod(period)}, ${describeRepeats(schedule ?? '')}`;
}

/** The next-run cell. `now` in epoch seconds. */
export function NextRunText({ next, now }: { next: NextRun; now: number }) {
  switch (next.kind) {
    case 'at':
      return <span title={formatTimestamp(next.atMs / 1000)}>{formatRelative(next.atMs / 1000, now)}</span>;
    case 'due':
      return <span title={`due since ${formatTimestamp(next.sinceMs / 1000)}`}>due now</span>;
    case 'after-parents':
      return <span class="muted">after its parents</span>;
    default:
      return <span class="muted">{next.reason === 'exhausted' ? 'no runs left' : next.reason === 'disabled' ? 'disabled' : 'unreadable schedule'}</span>;
  }
}

/** An ISO time from Chronos (`lastSuccess`…) as "5 minutes ago", or "never" for "". */
export function When({ iso, now }: { iso: string | undefined; now: number }) {
  const t = iso ? Date.parse(iso) : NaN;
  if (!Number.isFinite(t)) return <span class="muted">never</span>;
  return <span title={iso}>{formatRelative(t / 1000, now)}</span>;
}
