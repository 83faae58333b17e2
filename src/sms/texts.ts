// Message texts. A clinic may set its own with {placeholders}; kept short so most fit one 160-character segment.

export const DEFAULT_CODE_TEXT = '{clinic}: your booking code is {code}. It expires in {minutes} min. Never share it.';
export const DEFAULT_CONFIRMATION_TEXT = '{clinic}: you are booked for {service} with {provider}, {when}. {cancel}';
export const DEFAULT_CANCEL_INSTRUCTIONS = 'To cancel or change, call us.';

export interface TextSettings {
  name: string;
  smsCodeText: string | null;
  smsConfirmationText: string | null;
  cancelInstructions: string | null;
}

/** Fills {name} placeholders; an unknown placeholder stays as written so a typo shows instead of vanishing. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole).replace(/\s+/g, ' ').trim();
}

export const codeText = (t: TextSettings, code: string, minutes: number): string =>
  fill(t.smsCodeText ?? DEFAULT_CODE_TEXT, { clinic: t.name, code, minutes: String(minutes) });

export const confirmationText = (t: TextSettings, a: { service: string; provider: string; when: string }): string =>
  fill(t.smsConfirmationText ?? DEFAULT_CONFIRMATION_TEXT, {
    clinic: t.name,
    ...a,
    cancel: t.cancelInstructions ?? DEFAULT_CANCEL_INSTRUCTIONS,
  });
