import { refuse, type ToolAnswer } from '../../domain/answer.ts';

/** A date or time that could not be used, spoken; with the day it was understood as, where there was one. */
export const refuseWhen = (r: { reason: string; say: string; date?: string }): ToolAnswer =>
  refuse(r.reason, r.say, r.date ? { date: r.date } : {});
