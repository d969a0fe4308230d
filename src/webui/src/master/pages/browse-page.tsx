/**
 * A sandbox directory through the master's `/files/browse` (the master
 * forwards sandbox paths to the owning agent): directories to open, files to
 * view (paged, tailed) or download.
 */
import { Card, ErrorNote, Loading, PageTitle } from '../../components/common.js';
import { DataTable } from '../../components/data-table.js';
import { useJson, useNow } from '../../components/hooks.js';
import { formatBytes, formatRelative } from '../../lib/format.js';
import { query } from '../../lib/http.js';
import { href } from '../../lib/route.js';
import type { FileEntry } from '../state-types.js';

/** The last segment of a path. */
export function baseName(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) || '/';
}

/** `/files/download` URL of a virtual path. */
export function downloadUrl(path: string): string {
  return `/files/download?${query({ path })}`;
}

/** Breadcrumbs from `/` (or from the sandbox root for a task) to `path`. */
function Breadcrumbs({ path, task }: { path: string; task?: string }) {
  const segments = path.split('/').filter((s) => s !== '');
  // A task's sandbox starts at …/runs/latest: what lies above it is not the user's business.
  const rootAt = task ? Math.max(0, segments.lastIndexOf('latest') + 1 || segments.length) : 0;
  const crumbs = segments.map((name, i) => ({ name, path: `/${segments.slice(0, i + 1).join('/')}` }));
  const shown = crumbs.slice(Math.max(0, rootAt - 1));
  return (
    <nav aria-label="Path" class="crumbs">
      {task && <span class="muted">sandbox of </span>}
      {shown.map((c, i) => (
        <span key={c.path}>
          {i > 0 && ' / '}
          {i === shown.length - 1 ? <strong>{c.name}</strong> : <a href={href('browse', { path: c.path, task })}>{c.name}</a>}
        </span>
      ))}
    </nav>
  );
}

/** The sandbox browser. */
export function BrowsePage({ path, task }: { path: string; task?: string }) {
  const now = useNow(10_000);
  const listing = useJson<FileEntry[]>(path ? `/files/browse?${query({ path })}` : undefined, 5000);
  const [frameworkId, taskId] = (task ?? '').split('/');
  return (
    <>
      <PageTitle title="Sandbox">
        {task && taskId && (
          <a href={href('tasks', frameworkId, taskId)} class="button">
            Task {taskId}
          </a>
        )}
      </PageTitle>
      <Breadcrumbs path={path} task={task} />
      <Card wide>
        {!path ? (
          <ErrorNote>No path given.</ErrorNote>
        ) : listing.error && !listing.data ? (
          <ErrorNote>
            Cannot list {path}: {listing.error}. A sandbox disappears when the agent garbage-collects it.
          </ErrorNote>
        ) : !listing.data ? (
          <Loading what="the directory" />
        ) : (
          <DataTable
            label={`Files in ${path}`}
            rows={listing.data}
            rowKey={(f) => f.path}
            empty="This directory is empty."
            initialSort={{ key: 'name', descending: false }}
            columns={[
              { key: 'mode', label: 'Mode', render: (f) => <span class="mono">{f.mode}</span> },
              {
                key: 'name',
                label: 'Name',
                render: (f) =>
                  f.mode.startsWith('d') ? (
                    <a href={href('browse', { path: f.path, task })}>{baseName(f.path)}/</a>
                  ) : (
                    <a href={href('view', { path: f.path, task })}>{baseName(f.path)}</a>
                  ),
                sort: (f) => `${f.mode.startsWith('d') ? 0 : 1}${baseName(f.path)}`,
              },
              { key: 'size', label: 'Size', align: 'right', render: (f) => formatBytes(f.size), sort: (f) => f.size },
              { key: 'mtime', label: 'Modified', render: (f) => formatRelative(f.mtime, now), sort: (f) => f.mtime },
              { key: 'owner', label: 'Owner', render: (f) => `${f.uid ?? ''}:${f.gid ?? ''}` },
              {
                key: 'download',
                label: 'Download',
                render: (f) =>
                  f.mode.startsWith('d') ? (
                    ''
                  ) : (
                    <a href={downloadUrl(f.path)} download={baseName(f.path)} aria-label={`Download ${baseName(f.path)}`}>
                      Download
                    </a>
                  ),
              },
            ]}
          />
        )}
      </Card>
    </>
  );
}
