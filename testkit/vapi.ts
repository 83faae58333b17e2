// Builds webhook bodies typed with Vapi's own server SDK (@vapi-ai/server-sdk) and reads the answers, checking each
// answer against the SDK's response type at run time (see vapi-sdk.ts).
import { randomUUID } from 'node:crypto';
import type { Vapi } from '@vapi-ai/server-sdk';
import { notVapiAssistantAnswer, ToolCallsAnswer } from './vapi-sdk.ts';

/**
 * Vapi's ToolCall as it arrives. The SDK types `function.arguments` as a string; real tool-calls webhooks send an
 * object (../shared/reference/vapi-protocol.md §1.2), so both are allowed here and everything else is the SDK's.
 */
export type WireToolCall = Omit<Vapi.ToolCall, 'function'> & {
  function: Omit<Vapi.ToolCallFunction, 'arguments'> & { arguments: string | Record<string, unknown> };
};
type WireFunctionTool = Omit<Vapi.ServerMessageToolCallsToolWithToolCallListItem.Function, 'toolCall'> & {
  toolCall: WireToolCall;
};
export type WireToolCallsMessage = Omit<Vapi.ServerMessageToolCalls, 'toolCallList' | 'toolWithToolCallList'> & {
  toolCallList: WireToolCall[];
  toolWithToolCallList: WireFunctionTool[];
};

export interface ToolCallSpec {
  id?: string;
  name: string;
  args?: Record<string, unknown> | string;
}

export interface CallSpec {
  callId?: string;
  customerNumber?: string | null;
}

const CREATED = '2026-09-01T08:00:00.000Z';

/** The `call` object every message of a phone call carries (the SDK's Call, with the fields it requires). */
export function vapiCall(id: string, customerNumber: string | null): Vapi.Call {
  return {
    id,
    orgId: 'org-test',
    createdAt: CREATED,
    updatedAt: CREATED,
    type: 'inboundPhoneCall',
    status: 'in-progress',
    ...(customerNumber === null ? {} : { customer: { number: customerNumber } }),
  };
}

const phoneNumber: Vapi.ServerMessageToolCallsPhoneNumber = {
  provider: 'twilio',
  number: '+12125550100',
  twilioAccountSid: 'ACtest',
};

export function toolCallsBody(calls: ToolCallSpec[], call: CallSpec = {}): { message: WireToolCallsMessage } {
  const callId = call.callId ?? randomUUID();
  const number = call.customerNumber === undefined ? '+16172531000' : call.customerNumber;
  const toolCallList: WireToolCall[] = calls.map((c) => ({
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
      call: vapiCall(callId, number),
      ...(number === null ? {} : { customer: { number } }),
      phoneNumber,
      assistant: { name: 'Test receptionist' },
      artifact: { messages: [] },
    },
  };
}

/** Vapi's status-update and end-of-call-report for a call; `call: null` leaves the call object out. */
export function statusUpdateBody(
  fields: Partial<Vapi.ServerMessageStatusUpdate> & Pick<Vapi.ServerMessageStatusUpdate, 'status'>,
  call: Vapi.Call | null,
): { message: Vapi.ServerMessageStatusUpdate } {
  return {
    message: {
      type: 'status-update',
      timestamp: Date.now(),
      ...(call ? { call, customer: call.customer } : {}),
      ...fields,
    },
  };
}

/** Fields older reports carried at the top level (vapi-protocol.md §3.2); the webhook still reads them. */
export interface LegacyReportFields {
  summary?: string;
  transcript?: string;
}

export function endOfCallReportBody(
  fields: Partial<Vapi.ServerMessageEndOfCallReport> & LegacyReportFields,
  call: Vapi.Call | null,
): { message: Vapi.ServerMessageEndOfCallReport & LegacyReportFields } {
  return {
    message: {
      type: 'end-of-call-report',
      timestamp: Date.now(),
      endedReason: 'customer-ended-call',
      artifact: {},
      analysis: {},
      ...(call ? { call, customer: call.customer } : {}),
      ...fields,
    },
  };
}

export interface VapiClient {
  /** Any body, Vapi's or not (bad-input tests send both). */
  post(
    body: unknown,
    init?: { headers?: Record<string, string>; raw?: string },
  ): Promise<{ status: number; json: any }>;
  /** A tool-calls message; the answer is checked against the SDK's ServerMessageResponseToolCalls. */
  toolCalls(body: { message: WireToolCallsMessage }): Promise<Vapi.ToolCallResult[]>;
  /** Vapi's assistant-request; the answer is checked against the SDK's ServerMessageResponseAssistantRequest. */
  assistantRequest(call?: Vapi.Call): Promise<Record<string, any>>;
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
  const toolCalls: VapiClient['toolCalls'] = async (body) => {
    const res = await post(body);
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${JSON.stringify(res.json)}`);
    return ToolCallsAnswer.parse(res.json).results;
  };
  return {
    post,
    toolCalls,
    async assistantRequest(call) {
      const message: Vapi.ServerMessageAssistantRequest = {
        type: 'assistant-request',
        timestamp: Date.now(),
        phoneNumber,
        ...(call ? { call } : {}),
      };
      const res = await post({ message });
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${JSON.stringify(res.json)}`);
      const problems = notVapiAssistantAnswer(res.json);
      if (problems.length) throw new Error(`not a Vapi assistant-request answer: ${problems.join('; ')}`);
      return res.json;
    },
    async tool(name, args, call = {}) {
      const [entry] = await toolCalls(toolCallsBody([{ id: call.toolCallId, name, args }], call));
      return readReply(entry!);
    },
  };
}

export function readReply(entry: Vapi.ToolCallResult): ToolReply {
  const field = entry.result !== undefined ? 'result' : 'error';
  const line = entry[field]!;
  if (line.includes('\n')) throw new Error('Vapi needs single-line results');
  return { field, ...JSON.parse(line) };
}
