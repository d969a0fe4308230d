/**
 * A live time-series chart (uPlot, bundled): the x axis is time, one line per
 * series. Redraws in place when data changes and follows its container's
 * width. The numbers it shows are also in the page's tables, for screen readers.
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

/** Props of Chart: columnar data, `[times, ...one array per line]`. */
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

/** Epoch seconds → "11:49" or "11:49:30" (seconds only when not on the minute). */
function clockTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}${d.getSeconds() ? `:${pad(d.getSeconds())}` : ''}`;
}

/** A uPlot chart in a figure with a caption. */
export function Chart({ title, lines, data, yRange, yFormat, height = 200, integer }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = lines.map((l) => l.label).join('|');

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const options: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height,
      series: [
        {},
        ...lines.map((l) => ({
          label: l.label,
          stroke: l.color,
          width: 2,
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => (v === null || Number.isNaN(v) ? '—' : (l.format ?? yFormat ?? String)(v)),
        })),
      ],
      axes: [
        { values: (_u: uPlot, ticks: number[]) => ticks.map(clockTime) },
        {
          values: (_u: uPlot, ticks: number[]) => ticks.map((t) => (yFormat ? yFormat(t) : String(t))),
          size: 76,
          ...(integer ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000] } : {}),
        },
      ],
      scales: {
        x: {
          time: true,
          range: (_u, min, max) => {
            const end = max ?? Date.now() / 1000;
            return [Math.min(min ?? end, end - MIN_SPAN_SECONDS), end];
          },
        },
        y: yRange ? { range: yRange } : { range: (_u, min, max) => [Math.min(0, min), Math.max(integer ? 5 : 1, max)] },
      },
      legend: { live: true },
    };
    plot.current = new uPlot(options, data as uPlot.AlignedData, element);
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
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} class="chart-box" />
      {data[0].length < 2 && <p class="chart-note">Collecting samples: the chart fills in as the page polls (the last hour is kept).</p>}
    </figure>
  );
}
