import type { Sql } from '../db/client.ts';
import { isOptedOut } from '../db/queries/sms-replies.ts';

/** Whether a number asked a clinic for no more texts (STOP): then nothing is texted to it, codes included. */
export class OptOuts {
  constructor(private readonly sql: Sql) {}

  optedOut(tenantId: string, phone: string): Promise<boolean> {
    return isOptedOut(this.sql, tenantId, phone);
  }
}
