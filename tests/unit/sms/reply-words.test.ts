import { describe, expect, it } from 'vitest';
import { understandReply } from '../../../src/sms/reply-words.ts';

describe('understandReply', () => {
  it.each([
    ['yes', 'yes'],
    ['Y', 'yes'],
    ['Yep!', 'yes'],
    ['  YES please ', 'yes'],
    ['ok.', 'yes'],
    ['Yeah, thanks', 'yes'],
    ['C', 'confirm'],
    ['confirm', 'confirm'],
    ['Confirmed!!', 'confirm'],
    ['c thanks', 'confirm'],
    ['no', 'no'],
    ['N', 'no'],
    ['No thank you', 'no'],
    ['nope', 'no'],
    ['R', 'reschedule'],
    ['reschedule please', 'reschedule'],
    ['CANCEL', 'cancel'],
    ['Cancel.', 'cancel'],
    ['STOP', 'stop'],
    ['stop all', 'stop'],
    ['StopAll', 'stop'],
    ['UNSUBSCRIBE', 'stop'],
    ['end', 'stop'],
    ['Quit', 'stop'],
    ['START', 'start'],
    ['unstop', 'start'],
    ['HELP', 'help'],
    ['info?', 'help'],
  ])('%j means %s', (text, meaning) => {
    expect(understandReply(text)).toBe(meaning);
  });

  it.each(['yes but can we do Tuesday', 'what time is it', '', '🙂', 'stop by tomorrow?', 'cancel my other one'])(
    '%j is not understood',
    (text) => {
      expect(understandReply(text)).toBe('unknown');
    },
  );
});
