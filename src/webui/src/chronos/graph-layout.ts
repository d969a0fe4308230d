/**
 * The dependency graph for drawing: `GET /scheduler/graph/csv` read, then a
 * layered layout left to right (a simple Sugiyama): each job's layer is the
 * longest path from a job without parents, jobs within a layer are ordered by
 * the mean position of their neighbours (a few sweeps down and up, ties by
 * name, so the same graph always draws the same), then placed on a grid.
 * Edges run from a parent's right side to a child's left side. Pure.
 */

/** One job of the graph: `lastState` fresh/success/failure, `currentState` idle/queued/running/`<n> running`. */
export interface GraphNode {
  name: string;
  lastState: string;
  currentState: string;
}

/** The graph: nodes in CSV order, edges as `[parent, child]`. */
export interface Graph {
  nodes: GraphNode[];
  edges: Array<[string, string]>;
}

/**
 * Parses the CSV (`node,<job>,<lastState>,<currentState>` and
 * `link,<parent>,<child>` lines; others ignored). Job names cannot hold
 * commas (Chronos's `[\w.-]+`).
 */
export function parseGraphCsv(text: string): Graph {
  const nodes: GraphNode[] = [];
  const edges: Array<[string, string]> = [];
  for (const line of text.split('\n')) {
    const cells = line.trim().split(',');
    if (cells[0] === 'node' && cells[1]) nodes.push({ name: cells[1], lastState: cells[2] ?? 'fresh', currentState: cells[3] ?? 'idle' });
    else if (cells[0] === 'link' && cells[1] && cells[2]) edges.push([cells[1], cells[2]]);
  }
  return { nodes, edges };
}

/** Sizes in SVG user units (px). */
export interface LayoutOptions {
  nodeWidth: number;
  nodeHeight: number;
  /** Horizontal space between layers. */
  layerGap: number;
  /** Vertical space between nodes of one layer. */
  nodeGap: number;
  margin: number;
}

/** Defaults: 180×44 boxes, 80 between layers, 20 between rows, 16 margin. */
export const DEFAULT_LAYOUT: LayoutOptions = { nodeWidth: 180, nodeHeight: 44, layerGap: 80, nodeGap: 20, margin: 16 };

/** A placed node: top-left corner `x`, `y`. */
export interface PlacedNode extends GraphNode {
  layer: number;
  x: number;
  y: number;
}

/** A drawn edge: from the parent's right middle to the child's left middle. */
export interface PlacedEdge {
  from: string;
  to: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** The drawing: total size and placed parts. Edges naming unknown jobs are left out. */
export interface GraphLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Layer of each node: 0 for no (known) parents, else 1 + the deepest parent. A cycle (never accepted by Chronos) is cut. */
export function layers(graph: Graph): Map<string, number> {
  const names = new Set(graph.nodes.map((n) => n.name));
  const parents = new Map<string, string[]>();
  for (const [p, c] of graph.edges) if (names.has(p) && names.has(c) && p !== c) parents.set(c, [...(parents.get(c) ?? []), p]);
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (name: string): number => {
    const known = layer.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) return 0;
    visiting.add(name);
    const d = Math.max(-1, ...(parents.get(name) ?? []).map(depth)) + 1;
    visiting.delete(name);
    layer.set(name, d);
    return d;
  };
  for (const n of [...names].sort(byName)) depth(n);
  return layer;
}

/** Lays `graph` out; deterministic for a given graph whatever the input order. */
export function layoutGraph(graph: Graph, options: LayoutOptions = DEFAULT_LAYOUT): GraphLayout {
  const layerOf = layers(graph);
  const byKey = new Map(graph.nodes.map((n) => [n.name, n]));
  const edges = graph.edges.filter(([p, c]) => byKey.has(p) && byKey.has(c) && p !== c);
  const depth = Math.max(-1, ...layerOf.values()) + 1;
  const rows: string[][] = Array.from({ length: depth }, () => []);
  for (const name of [...byKey.keys()].sort(byName)) rows[layerOf.get(name) ?? 0]!.push(name);
  const neighbours = (name: string, up: boolean): string[] => edges.filter((e) => e[up ? 1 : 0] === name).map((e) => e[up ? 0 : 1]);
  const position = new Map<string, number>();
  const index = (): void => rows.forEach((row) => row.forEach((n, i) => position.set(n, i)));
  index();
  // Barycentre sweeps: down (order by parents), then up (order by children).
  for (let sweep = 0; sweep < 4; sweep++) {
    const down = sweep % 2 === 0;
    const order = down ? rows.keys() : [...rows.keys()].reverse().values();
    for (const l of order) {
      const row = rows[l]!;
      const score = new Map(
        row.map((n) => {
          const around = neighbours(n, down).map((m) => position.get(m) ?? 0);
          return [n, around.length ? around.reduce((a, b) => a + b, 0) / around.length : (position.get(n) ?? 0)];
        }),
      );
      row.sort((a, b) => score.get(a)! - score.get(b)! || byName(a, b));
      row.forEach((n, i) => position.set(n, i));
    }
  }
  const { nodeWidth, nodeHeight, layerGap, nodeGap, margin } = options;
  const tallest = Math.max(0, ...rows.map((r) => r.length));
  const columnHeight = (count: number): number => count * nodeHeight + Math.max(0, count - 1) * nodeGap;
  const nodes: PlacedNode[] = [];
  rows.forEach((row, l) => {
    // Short columns are centred against the tallest one.
    const offset = (columnHeight(tallest) - columnHeight(row.length)) / 2;
    row.forEach((name, i) => {
      nodes.push({ ...byKey.get(name)!, layer: l, x: margin + l * (nodeWidth + layerGap), y: margin + offset + i * (nodeHeight + nodeGap) });
    });
  });
  const at = new Map(nodes.map((n) => [n.name, n]));
  const placedEdges = edges
    .map(([from, to]) => {
      const a = at.get(from)!;
      const b = at.get(to)!;
      return { from, to, x1: a.x + nodeWidth, y1: a.y + nodeHeight / 2, x2: b.x, y2: b.y + nodeHeight / 2 };
    })
    .sort((e, f) => byName(e.from, f.from) || byName(e.to, f.to));
  return {
    width: depth === 0 ? 0 : 2 * margin + depth * nodeWidth + (depth - 1) * layerGap,
    height: depth === 0 ? 0 : 2 * margin + columnHeight(tallest),
    nodes: nodes.sort((a, b) => byName(a.name, b.name)),
    edges: placedEdges,
  };
}

/** An SVG path for an edge: a horizontal S-curve (cubic Bézier). */
export function edgePath(e: PlacedEdge): string {
  const bend = Math.max(24, (e.x2 - e.x1) / 2);
  return `M${e.x1},${e.y1} C${e.x1 + bend},${e.y1} ${e.x2 - bend},${e.y2} ${e.x2},${e.y2}`;
}
