/**
 * A time series kept in the browser from polling: samples older than the
 * window (an hour by default) fall off the front. Columnar (one array per
 * series) because that is what the chart library draws without copying.
 * Pure: callers pass the sample time.
 */

/** Columns: `t` (epoch seconds) and one array of numbers per series, all the same length. */
export interface Series<K extends string> {
  t: number[];
  values: Record<K, number[]>;
}

/** An empty series with the given names. */
export function emptySeries<K extends string>(names: readonly K[]): Series<K> {
  const values = {} as Record<K, number[]>;
  for (const name of names) values[name] = [];
  return { t: [], values };
}

/**
 * A new series with `sample` appended at `atSeconds` and everything older than
 * `windowSeconds` before it dropped. A sample not later than the last one is
 * ignored (polls that overlap, a clock stepping back). Missing values are NaN,
 * which the chart draws as a gap.
 */
export function appendSample<K extends string>(
  series: Series<K>,
  atSeconds: number,
  sample: Partial<Record<K, number>>,
  windowSeconds = 3600,
): Series<K> {
  const last = series.t[series.t.length - 1];
  if (last !== undefined && atSeconds <= last) return series;
  const cutoff = atSeconds - windowSeconds;
  let drop = 0;
  while (drop < series.t.length && series.t[drop] < cutoff) drop++;
  const values = {} as Record<K, number[]>;
  for (const name of Object.keys(series.values) as K[]) {
    const value = sample[name];
    values[name] = [...series.values[name].slice(drop), value === undefined ? NaN : value];
  }
  return { t: [...series.t.slice(drop), atSeconds], values };
}

/** The newest value of one series, or undefined. */
export function latest<K extends string>(series: Series<K>, name: K): number | undefined {
  const column = series.values[name];
  return column.length > 0 ? column[column.length - 1] : undefined;
}
