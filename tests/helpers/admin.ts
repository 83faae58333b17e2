// A small client for the admin API over real HTTP.
export const ADMIN_TOKEN = 'operator-token-for-tests-0123456789abcdef';

export interface ApiReply {
  status: number;
  json: any;
  headers: Headers;
}

export type Api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<ApiReply>;

export function apiClient(baseUrl: string, token: string | undefined): Api {
  return async (method, path, body, headers = {}) => {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
}

export interface TenantHandle {
  id: string;
  slug: string;
  vapiSecret: string;
  key: string;
  api: Api;
}

/** A clinic created through the operator API, with an all-scopes key and a client using it. */
export async function newTenant(
  baseUrl: string,
  slug: string,
  extra: Record<string, unknown> = {},
): Promise<TenantHandle> {
  const operator = apiClient(baseUrl, ADMIN_TOKEN);
  const created = await operator('POST', '/tenants', {
    slug,
    name: `Clinic ${slug}`,
    timeZone: 'America/New_York',
    country: 'US',
    ...extra,
  });
  if (created.status !== 201)
    throw new Error(`tenant creation answered ${created.status}: ${JSON.stringify(created.json)}`);
  const issued = await operator('POST', `/tenants/${created.json.tenant.id}/api-keys`, { label: 'tests' });
  if (issued.status !== 201) throw new Error(`key issue answered ${issued.status}: ${JSON.stringify(issued.json)}`);
  return {
    id: created.json.tenant.id,
    slug,
    vapiSecret: created.json.vapiSecret,
    key: issued.json.key,
    api: apiClient(baseUrl, issued.json.key),
  };
}

export interface BookableClinic extends TenantHandle {
  providerId: string;
  serviceId: string;
}

/**
 * A clinic set up through the API: one provider, one 30-minute consultation (with `service`'s other fields),
 * Monday–Friday `start`–`end`.
 */
export async function bookableClinic(
  baseUrl: string,
  slug: string,
  o: { start?: string; end?: string; settings?: Record<string, unknown>; service?: Record<string, unknown> } = {},
): Promise<BookableClinic> {
  const t = await newTenant(baseUrl, slug, o.settings);
  const provider = await t.api('POST', '/providers', { name: `Dr. ${slug}` });
  const service = await t.api('POST', '/services', {
    slug: 'consultation',
    name: 'consultation',
    durationMinutes: 30,
    ...o.service,
  });
  const linked = await t.api('PUT', `/providers/${provider.json.id}/services/${service.json.id}`);
  const week = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: o.start ?? '09:00', end: o.end ?? '17:00' }));
  const hours = await t.api('PUT', `/providers/${provider.json.id}/hours`, { hours: week });
  const statuses = [provider.status, service.status, linked.status, hours.status];
  if (statuses.join() !== '201,201,200,200') throw new Error(`clinic set-up answered ${statuses.join()}`);
  return { ...t, providerId: provider.json.id, serviceId: service.json.id };
}

/** The admin API's answer to booking `start` (ISO) at the clinic as staff, for a patient at `phone`. */
export const staffBooking = (c: BookableClinic, start: string, phone = '+16175550100', name = 'Pat Staff') =>
  c.api('POST', '/appointments', { serviceId: c.serviceId, start, patient: { name, phone } });

/** An appointment booked as staff, by its id; any answer but 201 fails the test. */
export async function bookedAsStaff(c: BookableClinic, start: string, phone: string): Promise<string> {
  const res = await staffBooking(c, start, phone);
  if (res.status !== 201) throw new Error(`staff booking answered ${res.status}: ${JSON.stringify(res.json)}`);
  return res.json.id;
}
