// The first claim after a start takes the first Redlock lock, and Redlock teaches the connection its scripts then
// (defineCommand). With ioredis auto-pipelining on, a command defined while other requests' commands waited in that
// tick's pipeline left the pipeline one reply short, and ioredis threw "results[i] is not iterable" outside any
// promise: the process died (found by the phone_calls bench, 1 run in 2). The commands connection must survive it.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { RedlockClaimLock } from '../../src/coordinator/claim-lock.ts';
import { createRedis } from '../../src/redis/client.ts';
import { within } from '../helpers/calls.ts';

const silent = { warn: () => {}, info: () => {} };
const redis = createRedis(inject('redisUrl')!, 'commands', silent);
afterAll(() => redis.quit());

describe('the first claim lock beside other Redis traffic', () => {
  it('answers every command and throws nothing outside them', async () => {
    const thrown: unknown[] = [];
    const onUncaught = (err: unknown) => thrown.push(err);
    process.prependListener('uncaughtException', onUncaught);
    try {
      if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
      const lock = new RedlockClaimLock(redis, `sk-first-lock-${process.pid}:`, { waited: () => {} });
      // Other requests' commands in the same tick as the first lock.
      const before = redis.get('sk-first-lock:a');
      const claim = lock.run(['provider/day'], async () => 'claimed');
      const after = redis.get('sk-first-lock:b');
      // A deadline only keeps the broken case from hanging: its commands are never answered.
      const answers = await within(5_000, Promise.all([before, claim, after]));
      expect(thrown.map(String)).toEqual([]);
      expect(answers).toEqual([null, { value: 'claimed', path: 'locked' }, null]);
    } finally {
      process.removeListener('uncaughtException', onUncaught);
    }
  });
});
