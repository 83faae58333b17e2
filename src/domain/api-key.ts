// The scopes an admin API key can carry.
export const API_KEY_SCOPES = ['read', 'write', 'secrets'] as const;

export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
