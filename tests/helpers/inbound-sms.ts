// A patient's text to a clinic, delivered to the clinic's Messaging webhook the way Twilio does it: a form POST
// signed with X-Twilio-Signature over the URL and the sorted parameters (the SDK's own getExpectedTwilioSignature).
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, FAKE_FROM } from '../../testkit/fake-twilio.ts';

export interface InboundReply {
  status: number;
  /** The raw answer (TwiML on success). */
  text: string;
  /** The <Message> of the TwiML answer, null when it says nothing. */
  message: string | null;
  sid: string;
}

export const newMessageSid = () => `SM${randomBytes(16).toString('hex')}`;

export interface TextOptions {
  sid?: string;
  /** Sign with another token (a forger's), or not at all (null). */
  signWith?: string | null;
}

/** Sends `body` from `from` to the clinic's webhook at `baseUrl/twilio/sms/<slug>`. */
export async function textClinic(
  baseUrl: string,
  slug: string,
  from: string,
  body: string,
  o: TextOptions = {},
): Promise<InboundReply> {
  const url = `${baseUrl}/twilio/sms/${slug}`;
  const sid = o.sid ?? newMessageSid();
  const params = {
    MessageSid: sid,
    SmsSid: sid,
    AccountSid: FAKE_ACCOUNT_SID,
    From: from,
    To: FAKE_FROM,
    Body: body,
    NumMedia: '0',
  };
  const signWith = o.signWith === undefined ? FAKE_AUTH_TOKEN : o.signWith;
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signWith === null ? {} : { 'x-twilio-signature': twilio.getExpectedTwilioSignature(signWith, url, params) }),
    },
    body: new URLSearchParams(params).toString(),
  });
  const text = await res.text();
  const m = /<Message>([\s\S]*?)<\/Message>/.exec(text);
  return { status: res.status, text, message: m ? unescapeXml(m[1]!) : null, sid };
}

const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
