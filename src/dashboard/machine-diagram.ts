import { toDirectedGraph } from '@xstate/graph';
import type { AnyStateMachine } from 'xstate';
import { type Html, html } from './html.ts';

/** Where one call went: the states in order (from its audit trail) and the state it is in now. */
export interface CallPath {
  transitions: { from: string; to: string; event: string }[];
  current: string | null;
}

interface Node {
  key: string;
  layer: number;
  row: number;
  width: number;
}

interface Edge {
  from: string;
  to: string;
  events: string[];
}

const COL = 190;
const ROW = 74;
const NODE_H = 34;
const PAD = 24;

/**
 * Draws a machine's top-level states and transitions as SVG, from the machine definition itself (@xstate/graph gives
 * the nodes and edges; the layout is ours, since no layout library is installed and a machine this size needs only
 * layers): columns by shortest distance from the initial state, one row per state in a column. Transitions that
 * leave a state and come back to it (answers without a move) are not drawn; transitions declared on the machine
 * itself (from any state) are listed under the drawing. The path of one call is highlighted.
 */
export function machineDiagram(machine: AnyStateMachine, path: CallPath): Html {
  const graph = toDirectedGraph(machine);
  const prefix = `${graph.id}.`;
  const keyOf = (id: string) => (id.startsWith(prefix) ? id.slice(prefix.length) : id);
  const keys = graph.children.map((c) => keyOf(c.id));

  const edges = new Map<string, Edge>();
  for (const child of graph.children) {
    for (const e of child.edges) {
      const from = keyOf(e.source.id);
      const to = keyOf(e.target.id);
      if (from === to || !keys.includes(to)) continue;
      const edge = edges.get(`${from}>${to}`) ?? { from, to, events: [] };
      const label = eventLabel(e.label.text);
      if (!edge.events.includes(label)) edge.events.push(label);
      edges.set(`${from}>${to}`, edge);
    }
  }
  const anyState = graph.edges.map((e) => `${eventLabel(e.label.text)} → ${keyOf(e.target.id)}`);
  // A step this call took through a transition declared on the machine (from any state) is drawn too.
  for (const t of path.transitions) {
    if (t.from !== t.to && keys.includes(t.from) && keys.includes(t.to) && !edges.has(`${t.from}>${t.to}`)) {
      edges.set(`${t.from}>${t.to}`, { from: t.from, to: t.to, events: [eventLabel(t.event)] });
    }
  }

  const nodes = layout(keys, String(machine.config.initial ?? keys[0]), [...edges.values()]);
  const visited = new Set(path.transitions.flatMap((t) => [t.from, t.to]));
  if (path.current) visited.add(path.current);
  const taken = new Set(path.transitions.map((t) => `${t.from}>${t.to}`));
  const takenBy = (e: Edge) => [...new Set(path.transitions.filter((t) => t.from === e.from && t.to === e.to).map((t) => eventLabel(t.event)))];

  const layers = Math.max(...[...nodes.values()].map((n) => n.layer)) + 1;
  const rows = Math.max(...[...nodes.values()].map((n) => n.row)) + 1;
  const width = PAD * 2 + layers * COL;
  const height = PAD * 2 + rows * ROW + 24;
  const at = (n: Node) => ({ x: PAD + n.layer * COL + (COL - 30 - n.width) / 2, y: PAD + n.row * ROW });
  const trail = [path.transitions[0]?.from, ...path.transitions.map((t) => t.to)].filter((s): s is string => !!s);
  const description = trail.length ? `This call went ${trail.join(' → ')}.` : 'This call has no recorded transitions yet.';

  // Taken edges last, so they are drawn over the others.
  const ordered = [...edges.values()].sort((a, b) => Number(taken.has(`${a.from}>${a.to}`)) - Number(taken.has(`${b.from}>${b.to}`)));
  return html`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="diagram-title diagram-desc">
<title id="diagram-title">The call machine (${keys.length} states), with this call's path highlighted</title>
<desc id="diagram-desc">${description}</desc>
<defs>
<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#9aa4b0"/></marker>
<marker id="arrow-taken" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#0b57d0"/></marker>
</defs>
${ordered.map((e) => {
  const a = nodes.get(e.from)!;
  const b = nodes.get(e.to)!;
  const isTaken = taken.has(`${e.from}>${e.to}`);
  const [d, lx, ly] = edgePath(at(a), a, at(b), b);
  return html`<g class="edge${isTaken ? ' taken' : ''}" data-from="${e.from}" data-to="${e.to}"${isTaken ? html` data-taken="true"` : ''}>
<title>${e.from} → ${e.to}: ${e.events.join(', ')}</title>
<path d="${d}" marker-end="url(#${isTaken ? 'arrow-taken' : 'arrow'})"/>
${isTaken ? html`<text x="${lx}" y="${ly}" text-anchor="middle">${takenBy(e).join(' / ')}</text>` : ''}
</g>`;
})}
${[...nodes.values()].map((n) => {
  const { x, y } = at(n);
  const state = visited.has(n.key) ? (n.key === path.current ? 'current' : 'visited') : 'not visited';
  const cls = n.key === path.current ? 'node visited current' : visited.has(n.key) ? 'node visited' : 'node';
  return html`<g class="${cls}" data-state="${n.key}" data-visited="${String(visited.has(n.key))}" aria-label="${n.key}, ${state}">
<rect x="${x}" y="${y}" width="${n.width}" height="${NODE_H}" rx="8"/>
<text x="${x + n.width / 2}" y="${y + NODE_H / 2 + 4}" text-anchor="middle">${n.key}</text>
</g>`;
})}
${anyState.length ? html`<text x="${PAD}" y="${height - 10}" class="note">From any state: ${anyState.join(', ')}</text>` : ''}
</svg>`;
}

/** "xstate.done.actor.verify" → "verify done": the invoked step finished, as staff would say it. */
function eventLabel(type: string): string {
  const m = /^xstate\.(done|error)\.actor\.(.+)$/.exec(type);
  if (m) return `${m[2]} ${m[1] === 'done' ? 'done' : 'failed'}`;
  return type === '*' ? 'anything else' : type;
}

/** Columns by shortest distance from the initial state; states it cannot reach go in a last column. */
function layout(keys: string[], initial: string, edges: Edge[]): Map<string, Node> {
  const depth = new Map<string, number>([[initial, 0]]);
  const queue = [initial];
  while (queue.length) {
    const from = queue.shift()!;
    for (const e of edges) {
      if (e.from === from && !depth.has(e.to)) {
        depth.set(e.to, depth.get(from)! + 1);
        queue.push(e.to);
      }
    }
  }
  const last = Math.max(...depth.values()) + 1;
  const rowsUsed = new Map<number, number>();
  const nodes = new Map<string, Node>();
  for (const key of keys) {
    const layer = depth.get(key) ?? last;
    const row = rowsUsed.get(layer) ?? 0;
    rowsUsed.set(layer, row + 1);
    nodes.set(key, { key, layer, row, width: Math.min(COL - 24, 18 + key.length * 7.4) });
  }
  return nodes;
}

/** A curve from one state to another: forwards right to left; backwards and within a column, around below. */
function edgePath(pa: { x: number; y: number }, a: Node, pb: { x: number; y: number }, b: Node): [string, number, number] {
  if (b.layer > a.layer) {
    const x1 = pa.x + a.width;
    const y1 = pa.y + NODE_H / 2;
    const x2 = pb.x;
    const y2 = pb.y + NODE_H / 2;
    const dx = (x2 - x1) / 2;
    return [`M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}`, (x1 + x2) / 2, (y1 + y2) / 2 - 6];
  }
  const x1 = pa.x + a.width / 2;
  const y1 = pa.y + NODE_H;
  const x2 = pb.x + b.width / 2 + 8;
  const y2 = pb.y + NODE_H;
  const dip = 18 + Math.abs(a.layer - b.layer) * 6 + Math.abs(a.row - b.row) * 8;
  const low = Math.max(y1, y2) + dip;
  return [`M${x1},${y1} C${x1},${low} ${x2},${low} ${x2},${y2}`, (x1 + x2) / 2, low - 2];
}
