/** The Chronos UI's dependency graph: CSV read, layers by longest path, ordering, coordinates, determinism. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_LAYOUT, edgePath, layers, layoutGraph, parseGraphCsv, type Graph } from '../../../src/webui/src/chronos/graph-layout.js';

const CSV = [
  'node,extract,success,idle',
  'node,transform,fresh,queued',
  'node,load,failure,running',
  'node,report,fresh,idle',
  'node,lonely,fresh,2 running',
  'link,extract,transform',
  'link,transform,load',
  'link,extract,load',
  'link,load,report',
  'link,ghost,report',
  '',
].join('\n');

describe('Chronos dependency graph', () => {
  it('reads graph/csv', () => {
    const g = parseGraphCsv(CSV);
    assert.equal(g.nodes.length, 5);
    assert.deepEqual(g.nodes[4], { name: 'lonely', lastState: 'fresh', currentState: '2 running' });
    assert.equal(g.edges.length, 5);
    assert.deepEqual(parseGraphCsv(''), { nodes: [], edges: [] });
  });

  it('layers: longest path from a root; edges to unknown jobs ignored', () => {
    const l = layers(parseGraphCsv(CSV));
    assert.deepEqual(Object.fromEntries(l), { extract: 0, lonely: 0, transform: 1, load: 2, report: 3 });
  });

  it('every edge goes left to right, from the parent box to the child box', () => {
    const layout = layoutGraph(parseGraphCsv(CSV));
    const at = new Map(layout.nodes.map((n) => [n.name, n]));
    assert.equal(layout.edges.length, 4);
    for (const e of layout.edges) {
      const p = at.get(e.from)!;
      const c = at.get(e.to)!;
      assert.ok(e.x1 < e.x2, `${e.from} -> ${e.to} runs left to right`);
      assert.equal(e.x1, p.x + DEFAULT_LAYOUT.nodeWidth);
      assert.equal(e.y2, c.y + DEFAULT_LAYOUT.nodeHeight / 2);
    }
    // Everything fits in the drawing, and no two boxes overlap.
    for (const n of layout.nodes) {
      assert.ok(n.x >= 0 && n.x + DEFAULT_LAYOUT.nodeWidth <= layout.width);
      assert.ok(n.y >= 0 && n.y + DEFAULT_LAYOUT.nodeHeight <= layout.height);
    }
    const boxes = layout.nodes.map((n) => `${n.x},${n.y}`);
    assert.equal(new Set(boxes).size, boxes.length);
    assert.match(edgePath(layout.edges[0]!), /^M[\d.]+,[\d.]+ C/);
  });

  it('orders a layer by its parents, and the same graph in any order draws the same', () => {
    const g: Graph = {
      nodes: ['a', 'b', 'a1', 'b1', 'b2'].map((name) => ({ name, lastState: 'fresh', currentState: 'idle' })),
      edges: [['b', 'b1'], ['a', 'a1'], ['b', 'b2']],
    };
    const layout = layoutGraph(g);
    const y = (name: string): number => layout.nodes.find((n) => n.name === name)!.y;
    assert.ok(y('a1') < y('b1') && y('a1') < y('b2'), "a's child sits above b's children");
    const shuffled: Graph = { nodes: [...g.nodes].reverse(), edges: [...g.edges].reverse() };
    assert.deepEqual(layoutGraph(shuffled), layout);
  });

  it('an empty graph has no size; a cycle (never accepted) still lays out', () => {
    assert.deepEqual(layoutGraph({ nodes: [], edges: [] }), { width: 0, height: 0, nodes: [], edges: [] });
    const cyclic = layoutGraph({ nodes: [{ name: 'x', lastState: 'fresh', currentState: 'idle' }, { name: 'y', lastState: 'fresh', currentState: 'idle' }], edges: [['x', 'y'], ['y', 'x']] });
    assert.equal(cyclic.nodes.length, 2);
  });
});
