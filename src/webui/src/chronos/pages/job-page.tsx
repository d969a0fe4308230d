/**
 * One job: its fields, the coming runs, parents and children, actions, the
 * run-time histogram and the run history (`taskStatHistory`), each run
 * linking to its sandbox in the master's UI.
 */
import { Badge, Card, ErrorNote, Fields, Loading, PageTitle } from '../../components/common.js';
import { DataTable } from '../../components/data-table.js';
import { useJson } from '../../components/hooks.js';
import { formatDuration, formatTimestamp } from '../../lib/format.js';
import { href } from '../../lib/route.js';
import type { JobStat, TaskStat } from '../chronos-types.js';
import type { ChronosSnapshot, ChronosStore } from '../chronos-store.js';
import { API } from '../job-form.js';
import { nextRun, upcomingRuns } from '../next-run.js';
import { masterUiRoot, sandboxHref } from '../run-links.js';
import { JobActions } from './job-actions.js';
import { LastStatus, NextRunText, RunState, scheduleText, When } from './chronos-widgets.js';

const RUN_TONES: Record<TaskStat['status'], 'ok' | 'bad' | 'pending' | 'done'> = { Success: 'ok', Fail: 'bad', Running: 'pending', Idle: 'done' };

function seconds(iso: string | undefined): number | undefined {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? t / 1000 : undefined;
}

function JobLinks({ names }: { names: string[] }) {
  if (names.length === 0) return <span class="muted">none</span>;
  return (
    <>
      {names.map((n, i) => (
        <span key={n}>
          {i > 0 ? ', ' : ''}
          <a href={href('job', { name: n })}>{n}</a>
        </span>
      ))}
    </>
  );
}

/** The run history table. */
function History({ stat, root, frameworkId, now }: { stat: JobStat; root: string | undefined; frameworkId: string | null | undefined; now: number }) {
  const runs = [...stat.taskStatHistory].reverse();
  return (
    <DataTable
      label="Run history"
      rows={runs}
      rowKey={(r) => r.taskId}
      empty="No runs recorded since this Chronos became the leader."
      columns={[
        { key: 'status', label: 'Status', render: (r) => <span data-run-status={r.status}><Badge tone={RUN_TONES[r.status] ?? 'done'}>{r.status}</Badge></span> },
        { key: 'started', label: 'Started', render: (r) => <span title={r.startTime}>{formatTimestamp(seconds(r.startedAt)) }</span> },
        {
          key: 'duration',
          label: 'Duration',
          align: 'right',
          render: (r) => {
            const start = seconds(r.startedAt);
            const end = seconds(r.endedAt) ?? (r.status === 'Running' ? now : undefined);
            return start !== undefined && end !== undefined ? formatDuration(end - start) : (r.duration ?? '—');
          },
        },
        { key: 'host', label: 'Host', render: (r) => <span title={r.slaveId}>{r.hostname || r.slaveId}</span> },
        { key: 'task', label: 'Task', render: (r) => <span class="mono">{r.taskId}</span> },
        {
          key: 'sandbox',
          label: 'Sandbox',
          render: (r) => {
            const browse = sandboxHref(root, r, frameworkId);
            if (!browse) return <span class="muted">—</span>;
            return (
              <>
                <a href={browse} data-testid="sandbox-link">
                  sandbox
                </a>{' '}
                · <a href={sandboxHref(root, r, frameworkId, 'stdout')}>stdout</a> · <a href={sandboxHref(root, r, frameworkId, 'stderr')}>stderr</a>
              </>
            );
          },
        },
      ]}
    />
  );
}

/** The page of job `name`. `now` in epoch seconds. */
export function JobPage({ store, snapshot, name, now }: { store: ChronosStore; snapshot: ChronosSnapshot; name: string; now: number }) {
  const stat = useJson<JobStat>(name ? `${API}/job/stat/${encodeURIComponent(name)}` : undefined, 2000);
  if (!snapshot.jobs) return snapshot.loading ? <Loading what="the job" /> : <ErrorNote>Cannot load the jobs.</ErrorNote>;
  const job = snapshot.jobs.find((j) => j.name === name);
  if (!job) {
    return (
      <>
        <PageTitle title={name} />
        <p>
          No job named {name}. <a href="#/jobs">Back to the jobs</a>.
        </p>
      </>
    );
  }
  const summary = snapshot.summary?.get(name);
  const nowMs = now * 1000;
  const children = (snapshot.graph?.edges ?? []).filter(([p]) => p === name).map(([, c]) => c);
  const upcoming = upcomingRuns(job, nowMs, 5);
  const root = masterUiRoot(snapshot.master, location.protocol);
  const histogram = stat.data?.histogram;
  return (
    <>
      <PageTitle title={job.name}>
        <LastStatus status={summary?.status} />
        <RunState state={summary?.state} />
        {job.disabled && <Badge tone="pending">disabled</Badge>}
        <a class="button" href={href('edit', { name: job.name })}>
          Edit
        </a>
      </PageTitle>
      <JobActions job={job} store={store} onDeleted={() => (location.hash = href('jobs'))} />
      <div class="grid">
        <Card title="Job">
          <Fields
            rows={[
              ['Command', <span class="mono">{job.command}</span>],
              ['Description', job.description],
              ['Owner', job.owner],
              ['Schedule', job.parents === undefined ? <span class="mono">{job.schedule}</span> : undefined],
              ['Time zone', job.scheduleTimeZone],
              ['Runs', scheduleText(job.schedule, job.parents)],
              ['Resources', `${job.cpus ?? '?'} cpus · ${job.mem ?? '?'} MB mem · ${job.disk ?? '?'} MB disk`],
              ['Retries', String(job.retries ?? 0)],
              ['Container', job.container?.image ? `${job.container.type ?? ''} ${job.container.image}` : undefined],
            ]}
          />
        </Card>
        <Card title="Runs">
          <Fields
            rows={[
              ['Next run', <NextRunText next={nextRun(job, nowMs)} now={now} />],
              [
                'Then',
                upcoming.length > 0 ? (
                  <ol class="upcoming">
                    {upcoming.map((t) => (
                      <li key={t}>{formatTimestamp(t / 1000)}</li>
                    ))}
                  </ol>
                ) : undefined,
              ],
              ['Successes', <span data-testid="success-count">{job.successCount ?? 0}</span>],
              ['Errors', <span data-testid="error-count">{job.errorCount ?? 0}</span>],
              ['Errors since last success', String(job.errorsSinceLastSuccess ?? 0)],
              ['Last success', <When iso={job.lastSuccess} now={now} />],
              ['Last error', <When iso={job.lastError} now={now} />],
              ['Run time', histogram && histogram.count ? `median ${formatDuration(histogram.median / 1000)}, 95th ${formatDuration(histogram['95thPercentile'] / 1000)} over ${histogram.count} runs` : undefined],
            ]}
          />
        </Card>
        <Card title="Dependencies">
          <Fields
            rows={[
              ['Parents', <JobLinks names={job.parents ?? []} />],
              ['Children', <JobLinks names={children} />],
            ]}
          />
        </Card>
      </div>
      <Card title="Run history" wide>
        {!root && <p class="muted">Sandbox links appear once Chronos is connected to a Mesos master.</p>}
        {stat.data ? <History stat={stat.data} root={root} frameworkId={snapshot.master?.frameworkId} now={now} /> : stat.error ? <ErrorNote>{stat.error}</ErrorNote> : <Loading what="the run history" />}
      </Card>
    </>
  );
}
