// The machine diagram is drawn from the definition: every state appears, the call's path is marked, nothing else is.

import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { machineDiagram } from '../../../src/dashboard/machine-diagram.ts';

const machine = createMachine({
  id: 'door',
  initial: 'closed',
  on: { ALARM: '.locked' },
  states: {
    closed: { on: { OPEN: 'opening', LOCK: 'locked', KNOCK: 'closed' } },
    opening: { on: { DONE: 'open', JAM: 'closed' } },
    open: { on: { CLOSE: 'closed' } },
    locked: { on: { UNLOCK: 'closed' } },
    broken: {},
  },
});

const svg = async (path: Parameters<typeof machineDiagram>[1]) => (await machineDiagram(machine, path)).value;
const nodeClass = (s: string, state: string) => new RegExp(`<g class="([^"]*)" data-state="${state}"`).exec(s)?.[1];

describe('machineDiagram', () => {
  it('draws every state and every transition between different states, once per pair', async () => {
    const s = await svg({ transitions: [], current: null });
    for (const state of ['closed', 'opening', 'open', 'locked', 'broken']) expect(s).toContain(`data-state="${state}"`);
    const edges = [...s.matchAll(/<g class="edge[^"]*" data-from="(\w+)" data-to="(\w+)"/g)].map(
      (m) => `${m[1]}>${m[2]}`,
    );
    expect(edges.sort()).toEqual([
      'closed>locked',
      'closed>opening',
      'locked>closed',
      'open>closed',
      'opening>closed',
      'opening>open',
    ]);
    expect(s).toContain('From any state: ALARM → locked');
    expect(s).not.toContain('class="node visited');
  });

  it('highlights the states and transitions one call passed through, and its current state', async () => {
    const s = await svg({
      transitions: [
        { from: 'closed', to: 'opening', event: 'OPEN' },
        { from: 'opening', to: 'open', event: 'DONE' },
        { from: 'open', to: 'locked', event: 'ALARM' },
      ],
      current: 'locked',
    });
    expect(nodeClass(s, 'closed')).toBe('node visited');
    expect(nodeClass(s, 'opening')).toBe('node visited');
    expect(nodeClass(s, 'open')).toBe('node visited');
    expect(nodeClass(s, 'locked')).toBe('node visited current');
    expect(nodeClass(s, 'broken')).toBe('node');
    const taken = [...s.matchAll(/data-from="(\w+)" data-to="(\w+)" data-taken="true"/g)].map((m) => `${m[1]}>${m[2]}`);
    // open → locked came through the machine-level ALARM: drawn because this call took it.
    expect(taken.sort()).toEqual(['closed>opening', 'open>locked', 'opening>open']);
    expect(s).toContain('This call went closed → opening → open → locked.');
    expect(s).not.toMatch(/data-from="opening" data-to="closed" data-taken/);
  });

  it('escapes state names and labels into valid markup', async () => {
    const odd = createMachine({ id: 'm', initial: 'a', states: { a: { on: { 'GO<now>': 'b' } }, b: {} } });
    const s = (await machineDiagram(odd, { transitions: [{ from: 'a', to: 'b', event: 'GO<now>' }], current: 'b' }))
      .value;
    expect(s).toContain('GO&lt;now&gt;');
    expect(s).not.toContain('GO<now>');
  });
});
