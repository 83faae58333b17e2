// A load generator: many book_appointment calls over a few contested slots, sent to random instances.
import type { DateTime } from 'luxon';
import { type ToolReply, vapiClient } from '../../testkit/vapi.ts';
import type { Instance } from './instances.ts';
import { iso } from './time.ts';

export interface StormOptions {
  instances: Instance[];
  secret: string;
  total: number;
  concurrency: number;
  starts: DateTime[];
  /** Each request names one of these, or none (any provider). */
  providers: (string | undefined)[];
  /** Called after each answer with the number answered so far. */
  onAnswered?: (answered: number) => void;
}

export type StormReply = ToolReply | { status: 'failed'; error: string };

const caller = (i: number) => `+1617555${String(i % 10_000).padStart(4, '0')}`;
const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

export async function claimStorm(o: StormOptions): Promise<StormReply[]> {
  const clients = o.instances.map((i) => vapiClient(i.url, 'demo', o.secret));
  const replies: StormReply[] = [];
  let next = 0;
  const worker = async () => {
    while (next < o.total) {
      const i = next++;
      const provider = pick(o.providers);
      try {
        replies.push(
          await pick(clients).tool(
            'book_appointment',
            { start: iso(pick(o.starts)), patient_name: `Caller ${i}`, ...(provider ? { provider } : {}) },
            { customerNumber: caller(i) },
          ),
        );
      } catch (err) {
        replies.push({ status: 'failed', error: String(err) });
      }
      o.onAnswered?.(replies.length);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  return replies;
}
