import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { BookingChange } from '../domain/ports.ts';
import type { Announcement } from './availability-cache.ts';

const Message = z.object({
  origin: z.string(),
  tenantId: z.string(),
  providerId: z.string(),
  startsAt: z.number(),
  endsAt: z.number(),
});

export interface InvalidationHandlers {
  /** Another instance committed a change. */
  changed(change: BookingChange): void;
  /** Messages may have been missed (the subscription dropped): forget everything learned from others. */
  gap(): void;
}

/**
 * Tells the other instances which provider time changed, over Redis pub/sub, and hears theirs. Its announcements go
 * out with the cache invalidation they belong to (RedisAvailabilityCache.invalidate), one script for both.
 */
export class InvalidationBus {
  constructor(
    private readonly subscriber: Redis,
    private readonly channel: string,
    private readonly origin: string,
  ) {}

  /** True only while this instance is sure to hear every other instance's changes. */
  get live(): boolean {
    return this.subscriber.status === 'ready';
  }

  listen(handlers: InvalidationHandlers): void {
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return;
      let parsed: ReturnType<typeof Message.safeParse>;
      try {
        parsed = Message.safeParse(JSON.parse(text));
      } catch {
        return;
      }
      if (!parsed.success || parsed.data.origin === this.origin) return;
      const { tenantId, providerId, startsAt, endsAt } = parsed.data;
      handlers.changed({ tenantId, providerId, startsAt: new Date(startsAt), endsAt: new Date(endsAt) });
    });
    this.subscriber.on('close', () => handlers.gap());
    // ioredis subscribes again by itself after a reconnect; what was published in between is lost.
    this.subscriber.on('ready', () => handlers.gap());
    void this.subscriber.subscribe(this.channel).catch(() => {});
  }

  /** The message telling the other instances of `change`; the cache sends it with the invalidation, in one write. */
  announcement(change: BookingChange): Announcement {
    const message = {
      origin: this.origin,
      tenantId: change.tenantId,
      providerId: change.providerId,
      startsAt: change.startsAt.getTime(),
      endsAt: change.endsAt.getTime(),
    };
    return { channel: this.channel, message: JSON.stringify(message) };
  }
}
