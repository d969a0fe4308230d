/**
 * A table with sortable columns (header buttons, so the keyboard can sort),
 * horizontal scrolling on narrow screens, and "show more" paging so a cluster
 * with tens of thousands of tasks renders only what is asked for.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

/** One column: how to render a cell and, optionally, the value to sort by. */
export interface Column<T> {
  key: string;
  label: string;
  render: (row: T) => ComponentChildren;
  sort?: (row: T) => number | string;
  align?: 'right';
}

/** Props of DataTable. */
export interface DataTableProps<T> {
  columns: Array<Column<T>>;
  rows: T[];
  rowKey: (row: T) => string;
  empty?: ComponentChildren;
  /** Rows shown before "show more"; default 100. */
  pageSize?: number;
  label: string;
  /** Initial sort: column key and direction. */
  initialSort?: { key: string; descending: boolean };
}

/** A sortable, paged table. */
export function DataTable<T>({ columns, rows, rowKey, empty, pageSize = 100, label, initialSort }: DataTableProps<T>) {
  const [sort, setSort] = useState<{ key: string; descending: boolean } | undefined>(initialSort);
  const [shown, setShown] = useState(pageSize);
  const column = columns.find((c) => c.key === sort?.key);
  let sorted = rows;
  if (column?.sort && sort) {
    const by = column.sort;
    sorted = [...rows].sort((a, b) => {
      const x = by(a);
      const y = by(b);
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return sort.descending ? -order : order;
    });
  }
  if (rows.length === 0) return <p class="empty">{empty ?? 'Nothing here.'}</p>;
  return (
    <div class="table-wrap">
      <table aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th
                key={c.key}
                scope="col"
                class={c.align === 'right' ? 'num' : undefined}
                aria-sort={sort?.key === c.key ? (sort.descending ? 'descending' : 'ascending') : undefined}
              >
                {c.sort ? (
                  <button
                    type="button"
                    class="sort"
                    onClick={() => setSort({ key: c.key, descending: sort?.key === c.key ? !sort.descending : false })}
                  >
                    {c.label}
                    <span aria-hidden="true">{sort?.key === c.key ? (sort.descending ? ' ▾' : ' ▴') : ''}</span>
                  </button>
                ) : (
                  c.label
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.slice(0, shown).map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.key} class={c.align === 'right' ? 'num' : undefined}>
                  {c.render(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {sorted.length > shown && (
        <p class="more">
          Showing {shown} of {sorted.length}.{' '}
          <button type="button" onClick={() => setShown(shown + pageSize)}>
            Show {Math.min(pageSize, sorted.length - shown)} more
          </button>
        </p>
      )}
    </div>
  );
}
