// The layer rules of docs/architecture.md, checked by `npm run lint:layers` (dependency-cruiser) in CI.
// Layers point down: edges → application → adapters → domain. Type-only imports count too.
const EDGE = '^src/(vapi|admin|dashboard|cli|plugins)/|^src/(app|main)\\.ts$';
const APPLICATION = '^src/(calls|booking|leads|sms|tenants|otp|security|waitlist)/';
const ADAPTER = '^src/(db|redis|coordinator)/';
const DOMAIN = '^(src/(scheduling|patients|domain)/|machines/)';

module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'No import cycles, type-only ones included.', from: {}, to: { circular: true } },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'The domain (scheduling, machines, domain types) imports only itself and pure libraries.',
      from: { path: DOMAIN },
      to: { path: '^(src|machines)/', pathNot: DOMAIN },
    },
    {
      name: 'adapters-point-down',
      severity: 'error',
      comment: 'Adapters (PostgreSQL, Redis, the coordinator) know the domain and each other, never the application or the edges.',
      from: { path: ADAPTER },
      to: { path: `${APPLICATION}|${EDGE}` },
    },
    {
      name: 'application-below-edges',
      severity: 'error',
      comment: 'The application (calls, booking, leads, SMS, …) never imports an edge: it returns outcomes, edges phrase them.',
      from: { path: APPLICATION },
      to: { path: EDGE },
    },
    {
      name: 'only-vapi-speaks-vapi',
      severity: 'error',
      comment: 'Vapi’s language stays in src/vapi; the app wiring and the CLI (tool export) may reach it.',
      from: { path: '^src/', pathNot: '^src/(vapi|cli)/|^src/app\\.ts$' },
      to: { path: '^src/vapi/' },
    },
    {
      name: 'src-not-from-tests',
      severity: 'error',
      comment: 'Production code never imports test or bench code.',
      from: { path: '^(src|machines)/' },
      to: { path: '^(tests|bench|testkit)/' },
    },
    {
      name: 'bench-not-from-tests',
      severity: 'error',
      comment: 'What bench and tests share lives in testkit/.',
      from: { path: '^bench/' },
      to: { path: '^tests/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
