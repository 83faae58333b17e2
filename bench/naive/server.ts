// A straightforward Postgres-only booking endpoint, as most booking backends do it: one transaction, lock the slot
// row with SELECT … FOR UPDATE, book it if free, otherwise offer the next free slots. Same webhook shape and the
// same envelope parsing as Slotkeeper, so the contention scenarios compare only the booking path.
import { timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import { z } from 'zod';
import { connect } from '../../src/db/client.ts';
import { answer, refuse, type ToolAnswer } from '../../src/domain/answer.ts';
import { sha256 } from '../../src/domain/digest.ts';
import { toVapiResult } from '../../src/vapi/answer.ts';
import { callerNumber, Envelope, normaliseToolCalls } from '../../src/vapi/envelope.ts';

const env = z
  .object({
    DATABASE_URL: z.string().min(1),
    NAIVE_SECRET: z.string().min(16),
    DB_POOL_SIZE: z.coerce.number().int().min(1).default(20),
  })
  .parse(process.env);
const sql = connect(env.DATABASE_URL, { max: env.DB_POOL_SIZE });
const secretHash = sha256(env.NAIVE_SECRET);

const BookArgs = z.object({ start: z.string().min(1), provider: z.string().min(1), patient_name: z.string().min(1) });

async function book(args: z.infer<typeof BookArgs>, callId: string, phone: string): Promise<ToolAnswer> {
  const start = new Date(args.start);
  if (Number.isNaN(start.getTime())) return refuse('invalid_arguments', 'That start time is not a date.');
  const booked = await sql.begin(async (tx) => {
    const [slot] = await tx<{ id: string; booked: boolean }[]>`
      select id, booked from slots where provider = ${args.provider} and starts_at = ${start} for update`;
    if (!slot || slot.booked) return false;
    await tx`insert into bookings (slot_id, call_id, patient_name, patient_phone)
             values (${slot.id}, ${callId}, ${args.patient_name}, ${phone})`;
    await tx`update slots set booked = true where id = ${slot.id}`;
    return true;
  });
  if (booked)
    return answer('booked', `You're booked with ${args.provider}.`, { start: args.start, provider: args.provider });
  const next = await sql<{ startsAt: Date }[]>`
    select starts_at from slots where provider = ${args.provider} and not booked and starts_at > ${start}
     order by starts_at limit 3`;
  return answer('unavailable', 'Sorry, that time is already taken.', {
    alternatives: next.map((s) => ({ start: s.startsAt.toISOString(), provider: args.provider })),
  });
}

const app = Fastify({ logger: false, bodyLimit: 2 * 1024 * 1024 });
app.post('/vapi/:tenant', async (request, reply) => {
  const auth = request.headers.authorization ?? '';
  if (!auth.startsWith('Bearer ') || !timingSafeEqual(sha256(auth.slice(7)), secretHash)) {
    return reply.code(401).send({ error: 'Unauthorized.' });
  }
  const parsed = Envelope.safeParse(request.body);
  if (!parsed.success) return reply.code(400).send({ error: 'Not a Vapi server message.' });
  const message = parsed.data.message;
  const results = [];
  for (const call of normaliseToolCalls(message)) {
    const args = call.name === 'book_appointment' && call.args.ok ? BookArgs.safeParse(call.args.value) : undefined;
    const result = args?.success
      ? await book(args.data, message.call?.id ?? call.id, callerNumber(message) ?? '')
      : refuse('invalid_arguments', 'Only book_appointment with start, provider and patient_name.');
    results.push(toVapiResult(call.id, call.name, result));
  }
  return { results };
});

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
console.log(`naive listening on http://127.0.0.1:${(app.server.address() as { port: number }).port}`);
process.on(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => sql.end({ timeout: 5 }))
      .then(() => process.exit(0)),
);
