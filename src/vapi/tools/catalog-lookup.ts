import { refuse, type ToolAnswer } from '../../domain/answer.ts';
import type { Provider, Service } from '../../domain/tenant.ts';
import { spokenList } from '../../scheduling/spoken.ts';
import type { TenantContext } from '../../tenants/directory.ts';

const fold = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** The service the caller means: by slug or name, ignoring case and punctuation; the clinic's default when unsaid. */
export function pickService(ctx: TenantContext, asked: string | undefined): Service | ToolAnswer {
  const { services } = ctx.catalog;
  if (services.length === 0) return refuse('no_services', 'This clinic has no bookable services set up yet.');
  if (!asked?.trim()) return services.find((s) => s.slug === 'consultation') ?? services[0]!;
  const want = fold(asked);
  const found =
    services.find((s) => fold(s.slug) === want || fold(s.name) === want) ??
    services.find((s) => fold(s.name).includes(want) || want.includes(fold(s.slug)));
  return (
    found ??
    refuse('unknown_service', `We don't offer "${asked.trim()}"; we have ${spokenList(services.map((s) => s.name))}.`, {
      services: services.map((s) => s.slug),
    })
  );
}

/** Providers to try for this service, in order; just the named one when the caller asked for someone. */
export function pickProviders(
  ctx: TenantContext,
  service: Service,
  asked: string | undefined,
): Provider[] | ToolAnswer {
  const offering = ctx.catalog.providers.filter((p) => service.providerIds.includes(p.id));
  if (offering.length === 0) return refuse('no_providers', `Nobody offers ${service.name} at the moment.`);
  if (!asked?.trim() || /^(any(one| one)?|no preference|whoever|either)$/i.test(asked.trim())) return offering;
  const want = fold(asked).replace(/^(dr|doctor) /, '');
  const found = offering.filter(
    (p) =>
      fold(p.name)
        .split(' ')
        .some((w) => w === want) || fold(p.name).includes(want),
  );
  return found.length > 0
    ? found
    : refuse(
        'unknown_provider',
        `${asked.trim()} doesn't offer ${service.name} here; ${spokenList(offering.map((p) => p.name))} can.`,
        {
          providers: offering.map((p) => p.name),
        },
      );
}

export const isAnswer = (x: unknown): x is ToolAnswer => typeof x === 'object' && x !== null && 'body' in x;
