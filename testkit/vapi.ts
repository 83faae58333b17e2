// Builds webhook bodies shaped like Vapi's (see ../shared/reference/vapi-protocol.md §1.3) and reads the answers.
import { randomUUID } from 'node:crypto';

export interface ToolCallSpec {
  id?: string;
  name: string;
  args?: Record<string, unknown> | string;
}

export interface CallSpec {
  callId?: string;
  customerNumber?: string | null;
}

export function toolCallsBody(calls: ToolCallSpec[], call: CallSpec = {}) {
  const callId = call.callId ?? randomUUID();
  const customer = call.customerNumber === null ? undefined : { number: call.customerNumber ?? '+16172531000' };
  const toolCallList = calls.map((c) => ({
    id: c.id ?? `call_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
    type: 'function',
    function: { name: c.name, arguments: c.args ?? {} },
  }));
  return {
    message: {
      type: 'tool-calls',
      timestamp: Date.now(),
      toolCallList,
      toolWithToolCallList: toolCallList.map((tc) => ({
        type: 'function',
        function: { name: tc.function.name, parameters: { type: 'object', properties: {} } },
        toolCall: tc,
      })),
      call: { id: callId, orgId: 'org-test', type: 'inboundPhoneCall', status: 'in-progress', customer },
      customer,
      phoneNumber: { id: 'pn-test', number: '+12125550100', provider: 'twilio' },
      assistant: { name: 'Test receptionist' },
      artifact: { messages: [] },
    },
  };
}

export interface VapiClient {
  post(body: unknown, init?: { headers?: Record<string, string>; raw?: string }): Promise<{ status: number; json: any }>;
  /** One tool call; returns the parsed result or error body with which field it came in. */
  tool(name: string, args?: ToolCallSpec['args'], call?: CallSpec & { toolCallId?: string }): Promise<ToolReply>;
}

export interface ToolReply {
  field: 'result' | 'error';
  status: string;
  say: string;
  [k: string]: any;
}

export function vapiClient(baseUrl: string, slug: string, secret: string): VapiClient {
  const post: VapiClient['post'] = async (body, init = {}) => {
    const res = await fetch(`${baseUrl}/vapi/${slug}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}`, ...init.headers },
      body: init.raw ?? JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  return {
    post,
    async tool(name, args, call = {}) {
      const res = await post(toolCallsBody([{ id: call.toolCallId, name, args }], call));
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${JSON.stringify(res.json)}`);
      return readReply(res.json.results[0]);
    },
  };
}

export function readReply(entry: { result?: string; error?: string }): ToolReply {
  const field = entry.result !== undefined ? 'result' : 'error';
  const line = entry[field]!;
  if (line.includes('\n')) throw new Error('Vapi needs single-line results');
  return { field, ...JSON.parse(line) };
}
