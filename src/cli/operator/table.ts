/**
 * Plain text tables: an upper-case header row, columns padded with two spaces
 * between them, numbers right-aligned. No box drawing and no colours, so the
 * output greps, diffs and pipes into `awk` cleanly (as `kubectl get` and
 * `docker ps` print theirs). Pure.
 */

/** One column: header text and alignment (default left). */
export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/** Display width of `text`: code points, good enough for ids, names and numbers. */
function width(text: string): number {
  return [...text].length;
}

function pad(text: string, to: number, align: 'left' | 'right'): string {
  const gap = ' '.repeat(Math.max(0, to - width(text)));
  return align === 'right' ? gap + text : text + gap;
}

/**
 * Renders `rows` (each as many cells as `columns`; missing cells are blank)
 * under `columns`. Each line ends with `\n`; trailing spaces are trimmed.
 * An empty `rows` gives the header line only.
 */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(width(c.header), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, i) => pad(cells[i] ?? '', widths[i] ?? 0, c.align ?? 'left'))
      .join('  ')
      .trimEnd() + '\n';
  return line(columns.map((c) => c.header)) + rows.map(line).join('');
}
