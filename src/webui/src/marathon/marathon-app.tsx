/** The Marathon UI's shell: navigation, a connection banner, the page for the hash route. */
import type { ComponentChildren } from 'preact';
import { AppShell } from '../components/app-shell.js';
import { useNow, useRoute, useStore } from '../components/hooks.js';
import { formatRelative } from '../lib/format.js';
import type { MarathonStore } from './marathon-store.js';
import { AppsPage } from './pages/apps-page.js';
import { AppPage } from './pages/app-page.js';
import { AppEditor } from './pages/app-editor.js';
import { DeploymentsPage } from './pages/deployments-page.js';

/** The whole Marathon UI. */
export function MarathonApp({ store }: { store: MarathonStore }) {
  const route = useRoute();
  const snapshot = useStore(store);
  const now = useNow(2000);
  const [first = 'apps'] = route.segments;
  let page: ComponentChildren;
  switch (first) {
    case 'apps':
      page = <AppsPage snapshot={snapshot} group={route.query.group ?? '/'} />;
      break;
    case 'app':
      page = <AppPage store={store} snapshot={snapshot} appId={route.query.id ?? ''} now={now} />;
      break;
    case 'create':
      page = <AppEditor store={store} group={route.query.group ?? '/'} />;
      break;
    case 'edit':
      page = <AppEditor store={store} editId={route.query.id ?? ''} />;
      break;
    case 'deployments':
      page = <DeploymentsPage store={store} snapshot={snapshot} />;
      break;
    default:
      page = <p>No such page. <a href="#/apps">Back to the applications</a>.</p>;
  }
  const deployments = snapshot.deployments?.length ?? 0;
  const links = [
    { href: '#/apps', label: 'Applications', current: first === 'apps' || first === 'app' || first === 'edit' || first === 'create' },
    { href: '#/deployments', label: `Deployments${deployments > 0 ? ` (${deployments})` : ''}`, current: first === 'deployments' },
  ];
  return (
    <AppShell
      brand="Marathon"
      brandHref="#/apps"
      links={links}
      error={snapshot.error}
      footer={
        <>
          {snapshot.info ? `Marathon ${snapshot.info.version ?? ''} · leader ${snapshot.info.leader ?? ''} · Mesos ${snapshot.info.marathon_config?.master ?? ''}` : ''}
          {snapshot.updatedAt ? ` · updated ${formatRelative(snapshot.updatedAt, now)}` : ''}
        </>
      }
    >
      {page}
    </AppShell>
  );
}
