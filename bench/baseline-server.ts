// The floor for HTTP + JSON on this machine: fastify parses the same Vapi body the real webhook gets and answers
// with a fixed tool result, touching no database. Run as its own process by the bench.
import Fastify from 'fastify';

const FIXED = JSON.stringify({ status: 'ok', say: 'I have Tuesday at 9 AM, Tuesday at 11 AM or Tuesday at 2 PM.' });

interface Body {
  message?: { toolCallList?: { id?: string; function?: { name?: string } }[] };
}

const app = Fastify({ logger: false, bodyLimit: 2 * 1024 * 1024 });
app.post<{ Body: Body }>('/vapi/:tenant', async (request) => {
  const call = request.body?.message?.toolCallList?.[0];
  return { results: [{ toolCallId: call?.id ?? '', name: call?.function?.name ?? '', result: FIXED }] };
});
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
console.log(`baseline listening on http://127.0.0.1:${(app.server.address() as { port: number }).port}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
