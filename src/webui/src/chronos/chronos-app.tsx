/** The Chronos UI's shell: navigation, a connection banner, the page for the hash route. */
import type { ComponentChildren } from 'preact';
import { AppShell } from '../components/app-shell.js';
import { useNow, useRoute, useStore } from '../components/hooks.js';
import { formatRelative } from '../lib/format.js';
import type { ChronosStore } from './chronos-store.js';
import { JobsPage } from './pages/jobs-page.js';
import { JobPage } from './pages/job-page.js';
import { JobEditor } from './pages/job-editor.js';
import { GraphPage } from './pages/graph-page.js';

/** The whole Chronos UI. */
export function ChronosApp({ store }: { store: ChronosStore }) {
  const route = useRoute();
  const snapshot = useStore(store);
  const now = useNow(1000);
  const [first = 'jobs'] = route.segments;
  let page: ComponentChildren;
  switch (first) {
    case 'jobs':
      page = <JobsPage store={store} snapshot={snapshot} now={now} />;
      break;
    case 'job':
      page = <JobPage store={store} snapshot={snapshot} name={route.query.name ?? ''} now={now} />;
      break;
    case 'create':
      page = <JobEditor store={store} />;
      break;
    case 'edit':
      page = <JobEditor store={store} editName={route.query.name ?? ''} />;
      break;
    case 'graph':
      page = <GraphPage snapshot={snapshot} />;
      break;
    default:
      page = <p>No such page. <a href="#/jobs">Back to the jobs</a>.</p>;
  }
  const onJobs = first === 'jobs' || first === 'job' || first === 'create' || first === 'edit';
  const links = [
    { href: '#/jobs', label: `Jobs${snapshot.jobs ? ` (${snapshot.jobs.length})` : ''}`, current: onJobs },
    { href: '#/graph', label: 'Dependency graph', current: first === 'graph' },
  ];
  return (
    <AppShell
      brand="Chronos"
      brandHref="#/jobs"
      links={links}
      error={snapshot.error}
      footer={
        <>
          {snapshot.master ? `Mesos master ${snapshot.master.master ?? '(not connected)'}` : ''}
          {snapshot.master?.frameworkId ? ` · framework ${snapshot.master.frameworkId}` : ''}
          {snapshot.updatedAt ? ` · updated ${formatRelative(snapshot.updatedAt, now)}` : ''}
        </>
      }
    >
      {page}
    </AppShell>
  );
}
