// What a patient's text means, whatever its case, punctuation or politeness: "Yes!", "y", "yep thanks", "C", "STOP".

export type ReplyWord = 'yes' | 'confirm' | 'no' | 'reschedule' | 'cancel' | 'stop' | 'start' | 'help' | 'unknown';

const WORDS: ReadonlyMap<string, ReplyWord> = new Map<string, ReplyWord>([
  ...['yes', 'y', 'yep', 'yeah', 'yea', 'yup', 'ya', 'ok', 'okay', 'sure', 'si', 'oui', 'ja'].map(
    (w) => [w, 'yes'] as const,
  ),
  ...['c', 'confirm', 'confirmed', 'confirming'].map((w) => [w, 'confirm'] as const),
  ...['no', 'n', 'nope', 'nah', 'pass'].map((w) => [w, 'no'] as const),
  ...['r', 'reschedule', 'rebook', 'move'].map((w) => [w, 'reschedule'] as const),
  ['cancel', 'cancel'],
  // The carriers' opt-out and opt-in keywords (CTIA; Twilio's Advanced Opt-Out uses the same).
  ...['stop', 'stopall', 'stop all', 'unsubscribe', 'end', 'quit', 'opt out', 'optout', 'revoke'].map(
    (w) => [w, 'stop'] as const,
  ),
  ...['start', 'unstop', 'subscribe'].map((w) => [w, 'start'] as const),
  ...['help', 'info'].map((w) => [w, 'help'] as const),
]);

/** Words that may follow the keyword without changing it: "yes please", "c thanks", "no thank you". */
const COURTESY = new Set(['please', 'pls', 'thanks', 'thank', 'you', 'thx', 'ty', 'ok', 'sir', 'maam']);

export function understandReply(body: string): ReplyWord {
  const text = body
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const whole = WORDS.get(text);
  if (whole) return whole;
  const words = text.split(' ');
  for (const n of [2, 1]) {
    const head = WORDS.get(words.slice(0, n).join(' '));
    if (head && words.length > n && words.slice(n).every((w) => COURTESY.has(w))) return head;
  }
  return 'unknown';
}
