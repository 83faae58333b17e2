import { toDirectedGraph } from '@xstate/graph';
import type { ElkExtendedEdge, ElkLabel, ElkNode } from 'elkjs/lib/elk-api.js';
import type { AnyStateMachine } from 'xstate';
import { type Html, html } from './html.ts';

/** Where one call went: the states in order (from its audit trail) and the state it is in now. */
export interface CallPath {
  transitions: { from: string; to: string; event: string }[];
  current: string | null;
}

interface Edge {
  from: string;
  to: string;
  events: string[];
}

const NODE_FONT = 13;
const EDGE_FONT = 11;
const NODE_H = 32;
// No DOM on the server to measure text: widths are estimated generously (0.62 em a character, wider than system-ui's
// average), so a box is never narrower than its label; the browser test checks the rendered boxes.
const textWidth = (s: string, font: number) => Math.ceil(s.length * font * 0.62);

type Elk = { layout(graph: ElkNode): Promise<ElkNode> };
let elk: Promise<Elk> | undefined;
// Loaded on the first drawing, not at start: the bundled kernel costs ≈ 10 MB of memory that a server nobody opens a
// call's diagram on never needs. The bundled build runs in this thread (no worker); its typings describe the class as
// a module.
const layoutKernel = () =>
  (elk ??= import('elkjs/lib/elk.bundled.js').then((m) => new (m.default as unknown as new () => Elk)()));
const LAYOUT = {
  'elk.algorithm': 'layered',
  // Top to bottom: a narrow, tall drawing fits a phone held upright.
  'elk.direction': 'DOWN',
  'elk.edgeRouting': 'ORTHOGONAL',
  // States in the order the machine declares them, the initial one on top; transitions back up are the loops.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
  'elk.layered.spacing.nodeNodeBetweenLayers': '36',
  'elk.spacing.nodeNode': '28',
  'elk.spacing.edgeLabel': '4',
  'elk.spacing.edgeEdge': '12',
  'elk.layered.spacing.edgeNodeBetweenLayers': '14',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.padding': '[top=12,left=12,bottom=12,right=12]',
};

/**
 * Draws a machine's top-level states and transitions as SVG, from the machine definition itself: @xstate/graph gives
 * the states and transitions, elkjs (the Eclipse Layout Kernel's layered algorithm) places them, their labels and
 * the edges' bends so that nothing overlaps. Transitions that leave a state and come back to it (answers without a
 * move) are not drawn; transitions declared on the machine itself (from any state) are listed beside the drawing. The
 * path of one call is highlighted.
 */
export async function machineDiagram(machine: AnyStateMachine, path: CallPath): Promise<Html> {
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
  const visited = new Set(path.transitions.flatMap((t) => [t.from, t.to]));
  if (path.current) visited.add(path.current);
  const taken = new Set(path.transitions.map((t) => `${t.from}>${t.to}`));
  const takenBy = (e: Edge) => [
    ...new Set(path.transitions.filter((t) => t.from === e.from && t.to === e.to).map((t) => eventLabel(t.event))),
  ];

  const edgeList = [...edges.values()];
  const laidOut = await (await layoutKernel()).layout({
    id: 'root',
    layoutOptions: LAYOUT,
    children: keys.map((k) => ({ id: k, width: textWidth(k, NODE_FONT) + 24, height: NODE_H })),
    // Only this call's transitions carry a label (the events it took): all 35 labelled would not fit a phone; every
    // transition's events are listed under the drawing and in each edge's tooltip.
    edges: edgeList.map((e, i) => {
      const text = takenBy(e).join(', ');
      return {
        id: `e${i}`,
        sources: [e.from],
        targets: [e.to],
        labels: text ? [{ id: `l${i}`, text, width: textWidth(text, EDGE_FONT) + 6, height: EDGE_FONT + 5 }] : [],
      };
    }),
  });
  const width = Math.ceil(laidOut.width ?? 0);
  const height = Math.ceil(laidOut.height ?? 0);
  const nodes = new Map((laidOut.children ?? []).map((n: ElkNode) => [n.id, n]));

  const trail = [path.transitions[0]?.from, ...path.transitions.map((t) => t.to)].filter((s): s is string => !!s);
  const description = trail.length
    ? `This call went ${trail.join(' → ')}.`
    : 'This call has no recorded transitions yet.';
  const drawn = (laidOut.edges ?? []) as ElkExtendedEdge[];
  const isTaken = (i: number) => taken.has(`${edgeList[i]!.from}>${edgeList[i]!.to}`);
  // Taken edges last, so they are drawn over the others.
  const order = drawn.map((_, i) => i).sort((a, b) => Number(isTaken(a)) - Number(isTaken(b)));

  return html`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="diagram-title diagram-desc">
<title id="diagram-title">The call machine (${keys.length} states), with this call's path highlighted</title>
<desc id="diagram-desc">${description}</desc>
<defs>
<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#7d8794"/></marker>
<marker id="arrow-taken" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#0b57d0"/></marker>
</defs>
${order.map((i) => {
  const e = edgeList[i]!;
  const d = drawn[i]!;
  const on = isTaken(i);
  const points = (d.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]);
  const label: ElkLabel | undefined = d.labels?.[0];
  return html`<g class="edge${on ? ' taken' : ''}" data-from="${e.from}" data-to="${e.to}"${on ? html` data-taken="true"` : ''}>
<title>${e.from} → ${e.to}: ${e.events.join(', ')}</title>
<path d="${points.map((p, j) => `${j ? 'L' : 'M'}${round(p.x)},${round(p.y)}`).join(' ')}" marker-end="url(#${on ? 'arrow-taken' : 'arrow'})"/>
${label ? html`<rect class="label-bg" x="${round(label.x!)}" y="${round(label.y!)}" width="${round(label.width!)}" height="${round(label.height!)}" rx="3"/><text class="edge-label" x="${round(label.x! + label.width! / 2)}" y="${round(label.y! + label.height! - 4.5)}" text-anchor="middle">${label.text}</text>` : ''}
</g>`;
})}
${keys.map((k) => {
  const n = nodes.get(k)!;
  const state = visited.has(k) ? (k === path.current ? 'current' : 'visited') : 'not visited';
  const cls = k === path.current ? 'node visited current' : visited.has(k) ? 'node visited' : 'node';
  return html`<g class="${cls}" data-state="${k}" data-visited="${String(visited.has(k))}" aria-label="${k}, ${state}">
<rect x="${round(n.x!)}" y="${round(n.y!)}" width="${round(n.width!)}" height="${NODE_H}" rx="8"/>
<text class="node-label" x="${round(n.x! + n.width! / 2)}" y="${round(n.y! + NODE_H / 2 + 4.5)}" text-anchor="middle">${k}</text>
</g>`;
})}
</svg>
${anyState.length ? html`<p class="meta any-state">From any state: ${anyState.join(', ')}</p>` : ''}
<details class="all-transitions"><summary>Every transition</summary><ul>${edgeList.map((e) => html`<li>${e.from} → ${e.to}: ${e.events.join(', ')}</li>`)}</ul></details>`;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** "xstate.done.actor.verify" → "verify done": the invoked step finished, as staff would say it. */
function eventLabel(type: string): string {
  const m = /^xstate\.(done|error)\.actor\.(.+)$/.exec(type);
  if (m) return `${m[2]} ${m[1] === 'done' ? 'done' : 'failed'}`;
  return type === '*' ? 'anything else' : type;
}
