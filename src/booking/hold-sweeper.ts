import type { FastifyBaseLogger } from 'fastify';
import type { BookingService } from './booking-service.ts';

/**
 * Turns overdue holds into 'expired' on a timer, so a slot frees even when a call's end is never reported (claims
 * expire the holds they overlap themselves; this catches the rest). Every instance may run it: rows are taken with
 * SKIP LOCKED. The timer is unref'd so it never keeps the process alive.
 */
export class HoldSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly booking: BookingService,
    private readonly intervalMs: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => {
      this.running ??= this.sweep().finally(() => (this.running = undefined));
    }, this.intervalMs).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  async sweep(): Promise<void> {
    try {
      const expired = await this.booking.expireOverdueHolds();
      if (expired > 0) this.log.info({ expired }, 'overdue holds expired');
    } catch (err) {
      this.log.error({ err }, 'hold sweep failed');
    }
  }
}
