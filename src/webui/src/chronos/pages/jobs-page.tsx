/** Jobs: status, run state, schedule, next run, last success/error, counts, parents; search; actions per job. */
import { useState } from 'preact/hooks';
import { Badge, Loading, PageTitle } from '../../components/common.js';
import { DataTable } from '../../components/data-table.js';
import { href } from '../../lib/route.js';
import type { ChronosJob } from '../chronos-types.js';
import type { ChronosSnapshot, ChronosStore } from '../chronos-store.js';
import { nextRun } from '../next-run.js';
import { JobActions } from './job-actions.js';
import { LastStatus, NextRunText, RunState, scheduleText, When } from './chronos-widgets.js';

/** Jobs whose name, command, owner, description or parents contain `text` (case-insensitive). */
export function searchJobs(jobs: readonly ChronosJob[], text: string): ChronosJob[] {
  const q = text.trim().toLowerCase();
  if (q === '') return [...jobs];
  return jobs.filter((j) => [j.name, j.command, j.owner, j.description, ...(j.parents ?? [])].some((v) => typeof v === 'string' && v.toLowerCase().includes(q)));
}

function sortTime(iso: string | undefined): number {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? t : 0;
}

/** The jobs list. `now` in epoch seconds. */
export function JobsPage({ store, snapshot, now }: { store: ChronosStore; snapshot: ChronosSnapshot; now: number }) {
  const [text, setText] = useState('');
  if (!snapshot.jobs) return snapshot.loading ? <Loading what="jobs" /> : <PageTitle title="Jobs" />;
  const rows = searchJobs(snapshot.jobs, text);
  const summary = snapshot.summary ?? new Map();
  const nowMs = now * 1000;
  return (
    <>
      <PageTitle title="Jobs">
        <a class="button primary" href={href('create')}>
          New job
        </a>
        <label class="search">
          <span>Search</span>
          <input type="search" name="search" value={text} placeholder="name, command, owner, parent" onInput={(e) => setText((e.target as HTMLInputElement).value)} />
        </label>
      </PageTitle>
      <DataTable
        label="Jobs"
        rows={rows}
        rowKey={(j) => j.name}
        empty={text ? 'No job matches.' : 'No jobs yet. Create one.'}
        initialSort={{ key: 'name', descending: false }}
        columns={[
          {
            key: 'name',
            label: 'Name',
            render: (j) => (
              <a href={href('job', { name: j.name })} data-job={j.name}>
                {j.name}
              </a>
            ),
            sort: (j) => j.name,
          },
          {
            key: 'status',
            label: 'Status',
            render: (j) => (
              <>
                <LastStatus status={summary.get(j.name)?.status} /> {j.disabled && <span data-disabled="true"><Badge tone="pending">disabled</Badge></span>}
              </>
            ),
            sort: (j) => summary.get(j.name)?.status ?? 'fresh',
          },
          { key: 'state', label: 'State', render: (j) => <RunState state={summary.get(j.name)?.state} />, sort: (j) => summary.get(j.name)?.state ?? 'idle' },
          { key: 'schedule', label: 'Schedule', render: (j) => <span title={j.schedule ?? ''}>{scheduleText(j.schedule, j.parents)}</span> },
          {
            key: 'next',
            label: 'Next run',
            render: (j) => <NextRunText next={nextRun(j, nowMs)} now={now} />,
            sort: (j) => {
              const n = nextRun(j, nowMs);
              return n.kind === 'at' ? n.atMs : n.kind === 'due' ? 0 : Number.MAX_SAFE_INTEGER;
            },
          },
          { key: 'lastSuccess', label: 'Last success', render: (j) => <When iso={j.lastSuccess} now={now} />, sort: (j) => sortTime(j.lastSuccess) },
          { key: 'lastError', label: 'Last error', render: (j) => <When iso={j.lastError} now={now} />, sort: (j) => sortTime(j.lastError) },
          { key: 'success', label: 'Successes', align: 'right', render: (j) => <span data-field="successCount">{j.successCount ?? 0}</span>, sort: (j) => j.successCount ?? 0 },
          { key: 'errors', label: 'Errors', align: 'right', render: (j) => <span data-field="errorCount">{j.errorCount ?? 0}</span>, sort: (j) => j.errorCount ?? 0 },
          {
            key: 'parents',
            label: 'Parents',
            render: (j) =>
              (j.parents ?? []).map((p, i) => (
                <span key={p}>
                  {i > 0 ? ', ' : ''}
                  <a href={href('job', { name: p })}>{p}</a>
                </span>
              )),
          },
          { key: 'actions', label: 'Actions', render: (j) => <JobActions job={j} store={store} /> },
        ]}
      />
    </>
  );
}
