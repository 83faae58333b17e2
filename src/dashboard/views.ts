import { callMachine } from '../../machines/call-machine.ts';
import type { callDetail, DashboardTenant } from '../db/queries/dashboard.ts';
import { type Html, html } from './html.ts';
import { machineDiagram } from './machine-diagram.ts';

export function layout(title: string, body: Html, opts: { script?: boolean } = {}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
${opts.script ? html`<script src="/dashboard/assets/dashboard.js" defer></script>` : ''}
</head>
<body>
${body}
</body>
</html>
`.value;
}

export function signInPage(message: string): string {
  return layout(
    'Sign in · Slotkeeper',
    html`<main class="signin">
<h1>Slotkeeper dashboard</h1>
<p role="alert">${message}</p>
<p>Open the sign-in link your clinic's administrator or operator gave you, or sign in with your clinic's API key.</p>
<form method="post" action="/dashboard/signin">
<label for="api_key">Clinic API key</label>
<input id="api_key" name="api_key" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
</main>`,
  );
}

export function notFoundPage(message: string): string {
  return layout('Not found · Slotkeeper', html`<main class="signin"><p role="alert">${message}</p><p><a href="/dashboard">Back to the dashboard</a></p></main>`);
}

/** The page staff keep open: its panels are filled and kept live by dashboard.js. */
export function dashboardPage(tenant: DashboardTenant): string {
  return layout(
    `${tenant.name} · Slotkeeper`,
    html`<header class="top">
<h1>${tenant.name}</h1>
<p class="status" id="live-status" role="status" aria-live="polite">Connecting…</p>
<form method="post" action="/dashboard/signout"><button type="submit">Sign out</button></form>
</header>
<main class="panels" data-page="overview">
<section aria-labelledby="leads-h" class="panel" id="leads"><h2 id="leads-h">Hot leads</h2><ol class="list" aria-live="polite"></ol></section>
<section aria-labelledby="calls-h" class="panel" id="calls"><h2 id="calls-h">Live calls</h2><ul class="list" aria-live="polite"></ul></section>
<section aria-labelledby="schedule-h" class="panel wide" id="schedule"><h2 id="schedule-h">Schedule</h2><div class="days"></div></section>
<section aria-labelledby="sms-h" class="panel" id="sms"><h2 id="sms-h">Text messages</h2><ul class="list"></ul></section>
</main>`,
    { script: true },
  );
}

type CallDetail = NonNullable<Awaited<ReturnType<typeof callDetail>>>;

const when = (d: Date, zone: string) => d.toLocaleString('en-US', { timeZone: zone, dateStyle: 'medium', timeStyle: 'medium' });

/** One call: its lead, the machine with its path, the audit trail, summary and transcript. Rendered on the server. */
export function callPage(tenant: DashboardTenant, d: CallDetail): string {
  const { call, events, lead } = d;
  const path = { transitions: events.map((e) => ({ from: e.stateBefore, to: e.stateAfter, event: e.eventType })), current: call.state };
  return layout(
    `Call ${call.callerNumber ?? ''} · ${tenant.name}`,
    html`<header class="top">
<h1><a href="/dashboard">${tenant.name}</a> · call</h1>
<p class="status" id="live-status" role="status" aria-live="polite">Connecting…</p>
</header>
<main class="panels" data-page="call" data-call-id="${call.id}">
<section aria-labelledby="call-h" class="panel">
<h2 id="call-h">Caller ${call.callerNumber ?? 'unknown'}</h2>
<p>Now <strong data-current-state="${call.state}">${call.state}</strong>${call.flaggedForHuman ? html` · <strong>needs a call back</strong>` : ''}</p>
<p class="meta">Started ${when(call.createdAt, tenant.timeZone)}${call.durationSeconds ? html` · ${Math.round(Number(call.durationSeconds))} s` : ''}${call.endedReason ? html` · ${call.endedReason}` : ''}</p>
${lead
  ? html`<p class="${lead.hot ? 'lead hot' : 'lead'}"><span class="score">${lead.score}</span> ${lead.hot ? 'Hot lead' : 'Lead'}</p>
<ul class="reasons">${lead.reasons.map((r) => html`<li>${r.text} (${r.points > 0 ? '+' : ''}${r.points})</li>`)}</ul>`
  : ''}
</section>
<section aria-labelledby="timeline-h" class="panel">
<h2 id="timeline-h">Timeline</h2>
<ol class="timeline">${events.length
  ? events.map((e) => html`<li data-seq="${e.seq}"><span class="time">${e.createdAt.toLocaleTimeString('en-US', { timeZone: tenant.timeZone })}</span> ${e.eventType}: ${e.stateBefore} → ${e.stateAfter}</li>`)
  : html`<li class="empty">No events yet.</li>`}</ol>
</section>
<section aria-labelledby="diagram-h" class="panel wide">
<h2 id="diagram-h">Call machine</h2>
<div class="diagram">${machineDiagram(callMachine, path)}</div>
</section>
<section aria-labelledby="summary-h" class="panel wide">
<h2 id="summary-h">Summary and transcript</h2>
<p>${call.summary ?? 'No summary yet.'}</p>
${call.transcript ? html`<pre class="transcript">${call.transcript}</pre>` : ''}
</section>
</main>`,
    { script: true },
  );
}
