/**
 * The master UI's shell: navigation, the leadership/connection banner, and the
 * page for the current hash route.
 */
import type { ComponentChildren } from 'preact';
import { useStore, useRoute, useNow } from '../components/hooks.js';
import { formatRelative } from '../lib/format.js';
import { leadershipBanner } from './leadership.js';
import type { ClusterStore } from './cluster-store.js';
import { OverviewPage } from './pages/overview-page.js';
import { AgentsPage, AgentPage } from './pages/agents-page.js';
import { FrameworksPage, FrameworkPage } from './pages/frameworks-page.js';
import { TasksPage } from './pages/tasks-page.js';
import { TaskPage } from './pages/task-page.js';
import { BrowsePage } from './pages/browse-page.js';
import { FileViewPage } from './pages/file-view-page.js';
import { RolesPage, OffersPage, MaintenancePage, FlagsPage } from './pages/cluster-pages.js';

const NAV: Array<[string, string]> = [
  ['', 'Overview'],
  ['agents', 'Agents'],
  ['frameworks', 'Frameworks'],
  ['tasks', 'Tasks'],
  ['offers', 'Offers'],
  ['roles', 'Roles'],
  ['maintenance', 'Maintenance'],
  ['flags', 'Flags'],
];

/** The whole master UI. */
export function MasterApp({ store }: { store: ClusterStore }) {
  const route = useRoute();
  const snapshot = useStore(store);
  const now = useNow(2000);
  const [first = '', second, third] = route.segments;
  const section = first === 'browse' || first === 'view' ? 'tasks' : first;

  let page: ComponentChildren;
  switch (first) {
    case '':
      page = <OverviewPage snapshot={snapshot} now={now} />;
      break;
    case 'agents':
      page = second ? <AgentPage store={store} snapshot={snapshot} agentId={second} now={now} /> : <AgentsPage snapshot={snapshot} query={route.query} now={now} />;
      break;
    case 'frameworks':
      page = second ? <FrameworkPage snapshot={snapshot} frameworkId={second} now={now} /> : <FrameworksPage snapshot={snapshot} now={now} />;
      break;
    case 'tasks':
      page =
        second && third ? (
          <TaskPage snapshot={snapshot} frameworkId={second} taskId={third} now={now} />
        ) : (
          <TasksPage snapshot={snapshot} query={route.query} now={now} />
        );
      break;
    case 'browse':
      page = <BrowsePage path={route.query.path ?? ''} task={route.query.task} />;
      break;
    case 'view':
      page = <FileViewPage path={route.query.path ?? ''} />;
      break;
    case 'offers':
      page = <OffersPage snapshot={snapshot} />;
      break;
    case 'roles':
      page = <RolesPage />;
      break;
    case 'maintenance':
      page = <MaintenancePage />;
      break;
    case 'flags':
      page = <FlagsPage />;
      break;
    default:
      page = <p>No such page. <a href="#/">Back to the overview</a>.</p>;
  }

  const banner = leadershipBanner(snapshot.leadership);
  const state = snapshot.state;
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/">
          Meseta
        </a>
        {state?.cluster && <span class="cluster">{state.cluster}</span>}
        <nav aria-label="Master">
          <ul>
            {NAV.map(([path, label]) => (
              <li key={path}>
                <a href={`#/${path}`} aria-current={section === path ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      {banner && (
        <div class={`banner ${snapshot.leadership.kind}`} role="alert" data-testid="leader-banner">
          <span>{banner}</span>
          {snapshot.leadership.kind === 'follower' && (
            <a class="button" href={snapshot.leadership.leaderUrl ?? '/master/redirect'}>
              Go to the leading master
            </a>
          )}
        </div>
      )}
      <main id="main" tabIndex={-1}>
        {page}
      </main>
      <footer class="status" aria-live="polite">
        {snapshot.loading
          ? 'Connecting to the master…'
          : snapshot.updatedAt
            ? `Leader ${state?.leader_info?.hostname ?? state?.hostname ?? ''}:${state?.leader_info?.port ?? ''} · updated ${formatRelative(snapshot.updatedAt, now)}`
            : 'No data yet'}
        {' · '}
        <button type="button" class="link" onClick={() => store.refresh()}>
          Refresh now
        </button>
      </footer>
    </>
  );
}
