import { z } from 'zod';

const points = z.number().int().min(-100).max(100);
const words = z.array(z.string().trim().min(1).max(60)).max(100);

/** A phrase family in what the caller said that moves the score, e.g. "emergency", "wrong number". */
export const Intent = z.object({
  words,
  points,
  /** Shown to staff when it matched, e.g. "sounds urgent". */
  reason: z.string().trim().min(1).max(80),
});
export type Intent = z.infer<typeof Intent>;

const DEFAULT_INTENTS: Intent[] = [
  {
    words: [
      'emergency',
      'urgent',
      'toothache',
      'severe pain',
      'in pain',
      'bleeding',
      'swollen',
      'broke a tooth',
      'broken tooth',
    ],
    points: 20,
    reason: 'sounds urgent',
  },
  {
    words: ['wrong number', 'dialed the wrong', 'dialled the wrong', 'meant to call'],
    points: -60,
    reason: 'wrong number',
  },
  {
    words: [
      'car warranty',
      'special offer',
      'not interested',
      'remove me',
      'stop calling',
      'robocall',
      'this is a recording',
      'seo services',
    ],
    points: -50,
    reason: 'spam or sales call',
  },
];

/**
 * How a clinic weighs a call. Every field has a default, so a tenant stores only what it changes (tenants.lead_weights);
 * `LeadWeights.parse(stored)` gives the full set.
 */
export const LeadWeights = z.object({
  /** Every real conversation starts here. */
  base: points.default(10),
  /** An appointment was confirmed during the call. */
  booked: points.default(30),
  /** Up to this many more points by what the booked service is worth to the clinic (services.value_cents)... */
  serviceValueMax: points.default(20),
  /** ...reached at this value; a service worth half of it earns half. */
  serviceValueFullCents: z.number().int().min(1).default(50_000),
  /** A slot was held but never confirmed: a warm lead that slipped. */
  heldNotBooked: points.default(20),
  /** The caller proved they own the phone. */
  codeVerified: points.default(5),
  /** Escalated to a human (asked for one, or too many wrong codes): someone should call back. */
  escalated: points.default(15),
  /** A question about price... */
  priceQuestion: points.default(10),
  priceWords: words.default([
    'how much',
    'price',
    'prices',
    'pricing',
    'cost',
    'costs',
    'quote',
    'fee',
    'fees',
    'afford',
    'payment plan',
  ]),
  /** ...or interest in a treatment that is worth a lot to the clinic (together: "asked for price of implants"). */
  valuableTopic: points.default(20),
  valuableTopics: words.default([
    'implant',
    'implants',
    'veneers',
    'invisalign',
    'braces',
    'aligners',
    'crown',
    'crowns',
    'whitening',
    'root canal',
    'dentures',
  ]),
  intents: z.array(Intent).max(50).default(DEFAULT_INTENTS),
  /** Not known to the clinic before this call, or says so: new patients are what the owner pays for. */
  newPatient: points.default(10),
  newPatientWords: words.default(['new patient', 'first visit', 'first time', 'never been']),
  /** Vapi's successEvaluation mapped to -1…1 and multiplied by this: "10/10" gives all of it, "0/10" takes it away. */
  successEvaluation: points.default(10),
  /** structuredData keys from the assistant's analysis plan that add points when truthy. */
  structuredData: z
    .record(z.string().min(1).max(60), points)
    .default({ urgent: 10, wantsCallback: 15, wants_callback: 15, interested: 10 }),
  /** A call shorter than this is a hang-up or a misdial... */
  shortCallSeconds: z.number().int().min(0).max(600).default(15),
  shortCall: points.default(-20),
  /** ...and one at least this long is an engaged caller. */
  engagedCallSeconds: z.number().int().min(0).max(7200).default(120),
  engagedCall: points.default(10),
});
export type LeadWeights = z.infer<typeof LeadWeights>;

export const DEFAULT_LEAD_WEIGHTS: LeadWeights = LeadWeights.parse({});
