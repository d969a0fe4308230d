/** The dependency graph drawn as SVG (layout: graph-layout.ts), each job linking to its page. */
import { Empty, Loading, PageTitle } from '../../components/common.js';
import { href } from '../../lib/route.js';
import type { ChronosSnapshot } from '../chronos-store.js';
import { DEFAULT_LAYOUT, edgePath, layoutGraph } from '../graph-layout.js';

const LABEL_CHARS = 22;

function clip(name: string): string {
  return name.length > LABEL_CHARS ? `${name.slice(0, LABEL_CHARS - 1)}…` : name;
}

/** The graph page. */
export function GraphPage({ snapshot }: { snapshot: ChronosSnapshot }) {
  if (!snapshot.graph) return snapshot.loading ? <Loading what="the graph" /> : <PageTitle title="Dependency graph" />;
  const layout = layoutGraph(snapshot.graph);
  const { nodeWidth: w, nodeHeight: h } = DEFAULT_LAYOUT;
  return (
    <>
      <PageTitle title="Dependency graph" />
      <p class="graph-legend">
        Jobs run left to right: a dependent job runs after all its parents succeeded. Border: green last run succeeded, red failed, grey never ran;
        dashed while queued or running.
      </p>
      {layout.nodes.length === 0 ? (
        <Empty>No jobs yet.</Empty>
      ) : (
        <div class="graph-wrap">
          <svg class="graph" width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`} role="img" aria-label={`Dependency graph of ${layout.nodes.length} jobs`}>
            <defs>
              <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10 z" fill="#94a3b8" />
              </marker>
            </defs>
            {layout.edges.map((e) => (
              <path key={`${e.from}->${e.to}`} class="edge" d={edgePath(e)} marker-end="url(#arrow)" data-edge={`${e.from}->${e.to}`}>
                <title>{`${e.from} → ${e.to}`}</title>
              </path>
            ))}
            {layout.nodes.map((n) => (
              <a key={n.name} href={href('job', { name: n.name })} data-node={n.name}>
                <g class={`node ${n.lastState}${n.currentState === 'idle' ? '' : ' active'}`} transform={`translate(${n.x},${n.y})`}>
                  <title>{`${n.name}: last ${n.lastState}, now ${n.currentState}`}</title>
                  <rect width={w} height={h} rx={6} />
                  <text x={10} y={18}>
                    {clip(n.name)}
                  </text>
                  <text class="sub" x={10} y={34}>
                    {n.lastState} · {n.currentState}
                  </text>
                </g>
              </a>
            ))}
          </svg>
        </div>
      )}
    </>
  );
}
