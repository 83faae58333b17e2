import { callMachine } from '../../machines/call-machine.ts';
import type { callDetail, DashboardTenant } from '../db/queries/dashboard.ts';
import { type Html, html } from './html.ts';
import { machineDiagram } from './machine-diagram.ts';
import { maskPhone, smsKindWords, smsShownText, stateWords, timelineSentence } from './words.ts';

export function layout(title: string, body: Html, opts: { script?: boolean; csrf?: string } = {}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
${opts.csrf ? html`<meta name="csrf-token" content="${opts.csrf}">` : ''}
${opts.script ? html`<script type="module" src="/dashboard/assets/dashboard.js"></script>` : ''}
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
  return layout(
    'Not found · Slotkeeper',
    html`<main class="signin"><p role="alert">${message}</p><p><a href="/dashboard">Back to the dashboard</a></p></main>`,
  );
}

/** The page staff keep open: what needs doing first; its panels are filled and kept live by dashboard.js. */
export function dashboardPage(tenant: DashboardTenant, csrf: string): string {
  const panel = (id: string, title: string, body: Html, cls = '') =>
    html`<section aria-labelledby="${id}-h" class="panel ${cls}" id="${id}"><h2 id="${id}-h">${title}</h2>${body}</section>`;
  return layout(
    `${tenant.name} · Slotkeeper`,
    html`<a class="skip" href="#callbacks">Skip to the call-back list</a>
<header class="top">
<h1>${tenant.name}</h1>
<p class="status" id="live-status" role="status" aria-live="polite">Connecting…</p>
<form method="post" action="/dashboard/signout"><button type="submit">Sign out</button></form>
</header>
<p id="flash" class="flash" role="status" aria-live="polite" hidden></p>
<main class="panels" data-page="overview">
<div class="col main-col">
${panel('callbacks', 'Call back', html`<p class="handler"><label for="handled-by">Your name</label> <input id="handled-by" name="handled-by" autocomplete="name" maxlength="100" placeholder="who is at the desk"></p><ul class="list"></ul>`)}
${panel('today', 'Today', html`<p class="panel-tools"><button type="button" id="book-any" hidden>Book for a caller…</button></p><div class="providers"></div>`)}
${panel('upcoming', 'Coming days', html`<div class="days"></div>`)}
</div>
<div class="col side-col">
${panel('calls', 'Live calls', html`<ul class="list"></ul>`)}
${panel('leads', 'Hot leads', html`<ol class="list"></ol>`)}
${panel('waitlist', 'Waitlist', html`<ul class="list"></ul>`)}
${panel('sms', 'Text messages', html`<ul class="list"></ul>`)}
${panel('done', 'Handled today', html`<ul class="list"></ul>`)}
</div>
</main>
<dialog id="book-dialog" aria-labelledby="book-title">
<form method="dialog" class="dialog-form" data-action="book">
<h2 id="book-title">Book an appointment</h2>
<p class="dialog-note" data-note></p>
<label for="book-service">Service</label><select id="book-service" name="serviceId" required></select>
<label for="book-provider">With</label><select id="book-provider" name="providerId"></select>
<label for="book-date">Day</label><input id="book-date" name="date" type="date" required>
<label for="book-start">Time</label><select id="book-start" name="start" required></select>
<label for="book-name">Patient's name</label><input id="book-name" name="name" autocomplete="off" required maxlength="200">
<label for="book-phone">Patient's phone</label><input id="book-phone" name="phone" type="tel" autocomplete="off" required maxlength="40">
<p class="error" role="alert" data-error></p>
<div class="buttons"><button type="submit" class="primary" value="go">Book</button> <button type="button" value="close" data-close>Close</button></div>
</form>
</dialog>
<dialog id="move-dialog" aria-labelledby="move-title">
<form method="dialog" class="dialog-form" data-action="move">
<h2 id="move-title">Move the appointment</h2>
<p class="dialog-note" data-note></p>
<input type="hidden" name="appointmentId"><input type="hidden" name="serviceId">
<label for="move-provider">With</label><select id="move-provider" name="providerId"></select>
<label for="move-date">Day</label><input id="move-date" name="date" type="date" required>
<label for="move-start">New time</label><select id="move-start" name="start" required></select>
<p class="error" role="alert" data-error></p>
<div class="buttons"><button type="submit" class="primary" value="go">Move and text the patient</button> <button type="button" value="close" data-close>Close</button></div>
</form>
</dialog>
<dialog id="cancel-dialog" aria-labelledby="cancel-title">
<form method="dialog" class="dialog-form" data-action="cancel">
<h2 id="cancel-title">Cancel the appointment?</h2>
<p class="dialog-note" data-note></p>
<input type="hidden" name="appointmentId">
<p class="error" role="alert" data-error></p>
<div class="buttons"><button type="submit" class="danger" value="go">Cancel it and text the patient</button> <button type="button" value="close" data-close>Keep it</button></div>
</form>
</dialog>`,
    { script: true, csrf },
  );
}

type CallDetail = NonNullable<Awaited<ReturnType<typeof callDetail>>>;

const when = (d: Date, zone: string) =>
  d.toLocaleString('en-US', { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' });
const clock = (d: Date, zone: string) =>
  d.toLocaleTimeString('en-US', { timeZone: zone, hour: 'numeric', minute: '2-digit', second: '2-digit' });

/** One call: who, what happened in plain sentences, its texts, the machine with its path, summary and transcript. */
export async function callPage(tenant: DashboardTenant, d: CallDetail): Promise<string> {
  const { call, events, lead, sms, name } = d;
  const path = {
    transitions: events.map((e) => ({ from: e.stateBefore, to: e.stateAfter, event: e.eventType })),
    current: call.state,
  };
  const who = name ?? maskPhone(call.callerNumber) ?? 'Unknown caller';
  return layout(
    `Call · ${who} · ${tenant.name}`,
    html`<header class="top">
<h1><a href="/dashboard">${tenant.name}</a> · call</h1>
<p class="status" id="live-status" role="status" aria-live="polite">Connecting…</p>
</header>
<main class="panels call-panels" data-page="call" data-call-id="${call.id}">
<section aria-labelledby="call-h" class="panel">
<h2 id="call-h">${who}</h2>
<p>${call.callerNumber ? html`<a class="tel" href="tel:${call.callerNumber}">${call.callerNumber}</a>` : 'Number withheld'}</p>
<p>Now: <strong data-current-state="${call.state}">${stateWords(call.state)}</strong>${call.flaggedForHuman ? html` · <strong class="attention">needs a call back</strong>` : ''}</p>
<p class="meta">Started ${when(call.createdAt, tenant.timeZone)}${call.durationSeconds ? html` · ${Math.round(Number(call.durationSeconds))} s` : ''}${call.endedReason ? html` · ${call.endedReason}` : ''}</p>
${
  lead
    ? html`<p class="${lead.hot ? 'lead hot' : 'lead'}"><span class="score">${lead.score}</span> ${lead.hot ? 'Hot lead' : 'Lead'}</p>
<ul class="reasons">${lead.reasons.map((r) => html`<li>${r.text} (${r.points > 0 ? '+' : ''}${r.points})</li>`)}</ul>`
    : ''
}
</section>
<section aria-labelledby="timeline-h" class="panel">
<h2 id="timeline-h">What happened</h2>
<ol class="timeline">${
      events.length
        ? events.map(
            (
              e,
            ) => html`<li data-seq="${e.seq}"><span class="time">${clock(e.createdAt, tenant.timeZone)}</span> ${timelineSentence(e)}
<details><summary>machine</summary><code>${e.eventType}: ${e.stateBefore} → ${e.stateAfter}</code></details></li>`,
          )
        : html`<li class="empty">Nothing yet.</li>`
    }</ol>
</section>
<section aria-labelledby="texts-h" class="panel">
<h2 id="texts-h">Text messages</h2>
<ul class="list">${
      sms.length
        ? sms.map(
            (m) =>
              html`<li class="sms" data-sms-id="${m.id}"><strong>${smsKindWords(m.kind)}</strong> to ${maskPhone(m.toE164)} · ${m.status}<div class="sms-text">${smsShownText(m)}</div></li>`,
          )
        : html`<li class="empty">No texts from this call.</li>`
    }</ul>
</section>
<section aria-labelledby="summary-h" class="panel">
<h2 id="summary-h">Summary and transcript</h2>
<p>${call.summary ?? 'No summary yet.'}</p>
${call.transcript ? html`<pre class="transcript" tabindex="0">${call.transcript}</pre>` : ''}
</section>
<section aria-labelledby="diagram-h" class="panel wide">
<h2 id="diagram-h">Call machine</h2>
<p class="meta">The steps every call can take; this call's path is highlighted. <button type="button" data-zoom aria-controls="diagram-box" aria-pressed="false">Actual size</button></p>
<div class="diagram" id="diagram-box" tabindex="0" role="group" aria-label="Call machine diagram">${await machineDiagram(callMachine, path)}</div>
</section>
</main>`,
    { script: true },
  );
}
