/**
 * Small building blocks of every page: headings, cards, key/value lists,
 * state badges, resource bars, loading and error notes.
 */
import type { ComponentChildren } from 'preact';
import { formatCpus, formatMegabytes, formatPercent, stateLabel } from '../lib/format.js';

/** A page title; also sets the document title. */
export function PageTitle({ title, children }: { title: string; children?: ComponentChildren }) {
  document.title = `${title} · Meseta`;
  return (
    <div class="page-title">
      <h1>{title}</h1>
      {children}
    </div>
  );
}

/** A boxed section with a heading. */
export function Card({ title, children, wide }: { title?: string; children: ComponentChildren; wide?: boolean }) {
  return (
    <section class={wide ? 'card wide' : 'card'} aria-label={title}>
      {title && <h2>{title}</h2>}
      {children}
    </section>
  );
}

/** A definition list of `[label, value]` pairs; pairs with undefined values are left out. */
export function Fields({ rows }: { rows: Array<[string, ComponentChildren | undefined]> }) {
  return (
    <dl class="fields">
      {rows
        .filter(([, value]) => value !== undefined && value !== '')
        .map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
    </dl>
  );
}

/** A task state as a coloured badge ("running", "failed"). */
export function StateBadge({ state }: { state: string }) {
  const tone = /RUNNING|HEALTHY|ACTIVE/.test(state)
    ? 'ok'
    : /FAILED|ERROR|LOST|DROPPED|GONE|UNREACHABLE|UNHEALTHY/.test(state)
      ? 'bad'
      : /FINISHED|KILLED|COMPLETED|INACTIVE/.test(state)
        ? 'done'
        : 'pending';
  return <span class={`badge ${tone}`}>{stateLabel(state)}</span>;
}

/** A plain badge. */
export function Badge({ tone, children }: { tone: 'ok' | 'bad' | 'done' | 'pending'; children: ComponentChildren }) {
  return <span class={`badge ${tone}`}>{children}</span>;
}

/** A scalar for its resource: cpus as a number, mem/disk as bytes. */
export function formatScalar(name: string, value: number): string {
  return name === 'mem' || name === 'disk' ? formatMegabytes(value) : formatCpus(value);
}

/** used / offered / idle of a total, as a bar with a text label. */
export function ResourceBar({ name, used, offered = 0, total }: { name: string; used: number; offered?: number; total: number }) {
  const share = (n: number): number => (total > 0 ? Math.min(100, (n / total) * 100) : 0);
  const label = `${formatScalar(name, used)} of ${formatScalar(name, total)}${name === 'cpus' ? ' cpus' : name === 'gpus' ? ' gpus' : ''} used`;
  return (
    <div class="resource-bar" title={`${label}; ${formatScalar(name, offered)} offered`}>
      <div class="bar" role="img" aria-label={`${name}: ${label} (${formatPercent(total > 0 ? used / total : 0)})`}>
        <span class="used" style={{ width: `${share(used)}%` }} />
        <span class="offered" style={{ width: `${share(offered)}%` }} />
      </div>
      <span class="bar-label">{label}</span>
    </div>
  );
}

/** Key to the resource bars' colours. */
export function BarLegend() {
  return (
    <p class="bar-legend" aria-hidden="true">
      <span class="swatch used" /> used <span class="swatch offered" /> offered <span class="swatch idle" /> idle
    </p>
  );
}

/** "Loading…" while the first answer is awaited. */
export function Loading({ what = 'data' }: { what?: string }) {
  return (
    <p class="loading" role="status">
      Loading {what}…
    </p>
  );
}

/** An error note. */
export function ErrorNote({ children }: { children: ComponentChildren }) {
  return (
    <p class="error-note" role="alert">
      {children}
    </p>
  );
}

/** A note for empty lists. */
export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

/** A short id with the whole one in its tooltip (Mesos ids are long UUIDs with suffixes). */
export function ShortId({ id }: { id: string }) {
  const short = id.length > 24 ? `…${id.slice(-20)}` : id;
  return (
    <span class="mono" title={id}>
      {short}
    </span>
  );
}
