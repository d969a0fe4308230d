/**
 * A live time-series chart (uPlot, bundled): one line per series over the
 * last hour, the x axis in time before the newest sample ("−5m" … "now"), so
 * it reads the same whatever the browser's clock or zone. Redraws in place
 * when data changes and follows its container's width. The numbers it shows
 * are also in the page's tables, for screen readers.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One line: its label, colour and how to print its values. */
export interface ChartLine {
  label: string;
  color: string;
  format?: (value: number) => string;
}

/** Props of Chart: columnar data, `[epoch seconds, ...one array per line]` (NaN = no value). */
export interface ChartProps {
  title: string;
  lines: ChartLine[];
  data: [number[], ...number[][]];
  /** Fixed y range (e.g. [0, 1] for shares); auto when absent. */
  yRange?: [number, number];
  yFormat?: (value: number) => string;
  height?: number;
  /** Whole numbers only on the y axis (counts). */
  integer?: boolean;
}

/** The x axis spans at least this many seconds, so a fresh page does not zoom into milliseconds. */
const MIN_SPAN_SECONDS = 300;
/** Tick steps on the x axis, seconds. */
const TIME_STEPS = [15, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600];
const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

/** Seconds before now → "now", "−30s", "−5m", "−1h". */
function ago(seconds: number): string {
  const s = Math.round(-seconds);
  if (s <= 0) return 'now';
  if (s < 60) return `−${s}s`;
  if (s < 3600) return `−${Math.round(s / 60)}m`;
  return `−${Math.round(s / 360) / 10}h`;
}

/** The plotted data: times relative to the newest sample, NaN as null (a gap). */
function plotted(data: ChartProps['data']): uPlot.AlignedData {
  const [t, ...columns] = data;
  const last = t.length > 0 ? t[t.length - 1] : 0;
  return [t.map((x) => x - last), ...columns.map((c) => c.map((v) => (Number.isFinite(v) ? v : null)))];
}

/** A uPlot chart in a figure with a caption. */
export function Chart({ title, lines, data, yRange, yFormat, height = 200, integer }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // The range callback is created once; it reads the current span from here.
  const span = useRef(MIN_SPAN_SECONDS);
  const shape = lines.map((l) => l.label).join('|');
  span.current = Math.max(MIN_SPAN_SECONDS, data[0].length > 1 ? data[0][data[0].length - 1] - data[0][0] : 0);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const options: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height,
      series: [
        { label: 'when', value: (_u: uPlot, v: number | null) => (v === null ? '—' : ago(v)) },
        ...lines.map((l) => ({
          label: l.label,
          stroke: l.color,
          width: 2,
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : (l.format ?? yFormat ?? String)(v)),
        })),
      ],
      axes: [
        { values: (_u: uPlot, ticks: number[]) => ticks.map(ago), incrs: TIME_STEPS },
        {
          values: (_u: uPlot, ticks: number[]) => ticks.map((t) => (yFormat ? yFormat(t) : String(t))),
          size: 76,
          ...(integer ? { incrs: COUNT_STEPS } : {}),
        },
      ],
      scales: {
        x: { time: false, range: () => [-span.current, 0] },
        y: yRange ? { range: yRange } : { range: (_u, _min, max) => [0, Math.max(integer ? 5 : 1, (max ?? 0) * 1.1)] },
      },
      legend: { live: true },
    };
    plot.current = new uPlot(options, plotted(data), element);
    const observer = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, element.clientWidth), height }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // Rebuilt only when the set of lines changes; data updates go through setData below.
  }, [shape, height]);

  useEffect(() => {
    plot.current?.setData(plotted(data));
  }, [data]);

  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} class="chart-box" />
      {data[0].length < 2 && <p class="chart-note">Collecting samples: the chart fills in as the page polls (the last hour is kept).</p>}
    </figure>
  );
}
