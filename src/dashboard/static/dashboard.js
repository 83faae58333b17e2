// The dashboard's only script: fills the panels from /dashboard/api/overview and refreshes them when the server
// says something changed (Server-Sent Events). Builds DOM nodes with textContent only, so data never becomes markup.
'use strict';

const main = document.querySelector('main[data-page]');
const statusLine = document.getElementById('live-status');
let data = null;
let skewMs = 0;

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

const zone = () => (data ? data.clinic.timeZone : undefined);
const clock = (iso) => new Date(iso).toLocaleTimeString([], { timeZone: zone(), hour: 'numeric', minute: '2-digit' });
const serverNow = () => Date.now() + skewMs;
function minutesSeconds(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function fill(listOrBox, nodes, emptyText) {
  listOrBox.replaceChildren(...(nodes.length ? nodes : [h(listOrBox.tagName === 'DIV' ? 'p' : 'li', { class: 'empty' }, emptyText)]));
}

function renderSchedule() {
  const box = document.querySelector('#schedule .days');
  fill(box, data.days.map((day) =>
    h('section', { class: 'day', 'aria-label': `${day.label}, ${day.date}`, 'data-date': day.date },
      h('h3', {}, `${day.label} · ${day.date}`),
      day.providers.length
        ? day.providers.map((p) => h('div', { class: 'provider' },
            h('h4', {}, p.name),
            h('ul', { class: 'list' }, p.items.map(scheduleItem))))
        : h('p', { class: 'empty' }, 'Nothing booked.'))), 'Nothing booked.');
}

function scheduleItem(it) {
  const who = [it.patient, it.phone].filter(Boolean).join(' · ');
  const li = h('li', { class: `item ${it.status}`, 'data-booking-id': it.id, 'data-status': it.status },
    h('span', { class: 'time' }, `${clock(it.start)}–${clock(it.end)}`),
    h('span', { class: 'what' }, it.service),
    it.status === 'held' ? h('span', { class: 'badge' }, 'held') : null,
    it.status === 'cancelled' ? h('span', { class: 'badge' }, 'cancelled') : null,
    who ? h('div', { class: 'meta' }, who) : null,
    it.status === 'held' && it.expiresAt ? h('div', { class: 'meta countdown', 'data-expires': it.expiresAt }) : null,
    it.callId ? h('div', { class: 'meta' }, h('a', { href: `/dashboard/calls/${encodeURIComponent(it.callId)}` }, 'call details')) : null);
  return li;
}

function renderLeads() {
  const list = document.querySelector('#leads .list');
  fill(list, data.leads.map((l) =>
    h('li', { class: l.hot ? 'lead hot' : 'lead', 'data-call-id': l.callId },
      h('span', { class: 'score', 'aria-label': `score ${l.score} of 100` }, l.score),
      ' ', l.hot ? h('strong', {}, 'Hot lead ') : '',
      h('span', { class: 'meta' }, [l.caller, clock(l.createdAt)].filter(Boolean).join(' · ')), ' ',
      h('a', { href: `/dashboard/calls/${encodeURIComponent(l.callId)}` }, 'details'),
      h('ul', { class: 'reasons' }, l.reasons.map((r) => h('li', {}, `${r.text} (${r.points > 0 ? '+' : ''}${r.points})`))))),
  'No scored calls yet.');
}

function renderCalls() {
  const list = document.querySelector('#calls .list');
  fill(list, data.calls.map((c) =>
    h('li', { class: 'call', 'data-call-id': c.id, 'data-state': c.state },
      h('strong', {}, c.state), ' ',
      h('span', { class: 'meta' }, c.caller || 'unknown caller'), ' ',
      h('span', { class: 'meta elapsed', 'data-since': c.startedAt }), ' ',
      c.slot ? h('div', { class: 'meta' }, `holding ${clock(c.slot.start)} with ${c.slot.provider}`) : null,
      c.slot ? h('div', { class: 'meta countdown', 'data-expires': c.slot.expiresAt }) : null,
      h('a', { href: `/dashboard/calls/${encodeURIComponent(c.id)}` }, 'details'))),
  'No calls right now.');
}

function renderSms() {
  const list = document.querySelector('#sms .list');
  fill(list, data.sms.map((m) =>
    h('li', { class: `sms sms-${m.status}`, 'data-sms-id': m.id, 'data-status': m.status },
      h('strong', {}, m.status), ' ', h('span', {}, m.kind), ' ',
      h('span', { class: 'meta' }, [m.to, clock(m.createdAt)].filter(Boolean).join(' · ')),
      m.error ? h('div', { class: 'meta' }, m.error) : null)),
  'No messages yet.');
}

function tick() {
  for (const el of document.querySelectorAll('[data-expires]')) {
    const left = Date.parse(el.dataset.expires) - serverNow();
    el.textContent = left > 0 ? `hold ends in ${minutesSeconds(left)}` : 'hold expired';
  }
  for (const el of document.querySelectorAll('[data-since]')) {
    el.textContent = `in call ${minutesSeconds(serverNow() - Date.parse(el.dataset.since))}`;
  }
}

async function refreshOverview() {
  const res = await fetch('/dashboard/api/overview', { headers: { accept: 'application/json' } });
  if (res.status === 401) return location.reload();
  if (!res.ok) throw new Error(`overview answered ${res.status}`);
  data = await res.json();
  skewMs = Date.parse(data.serverNow) - Date.now();
  renderLeads();
  renderCalls();
  renderSchedule();
  renderSms();
  tick();
  main.dataset.loaded = String(Number(main.dataset.loaded || 0) + 1);
}

// The call page is rendered on the server; when this call changes, fetch the page again and swap its content.
async function refreshCall() {
  const res = await fetch(location.href, { headers: { accept: 'text/html' } });
  if (!res.ok) return;
  const fresh = new DOMParser().parseFromString(await res.text(), 'text/html').querySelector('main[data-page]');
  if (fresh) main.replaceChildren(...fresh.childNodes);
  main.dataset.loaded = String(Number(main.dataset.loaded || 0) + 1);
}

const refresh = main.dataset.page === 'call' ? refreshCall : refreshOverview;
let pending = null;
function refreshSoon() {
  // Several changes in one burst (a booking and its lead) cost one fetch.
  clearTimeout(pending);
  pending = setTimeout(() => refresh().catch((err) => console.warn(err)), 100);
}

function connect() {
  const events = new EventSource('/dashboard/events');
  events.addEventListener('open', () => {
    statusLine.textContent = 'Live';
    statusLine.classList.add('live');
    refreshSoon(); // catches up on anything missed while disconnected
  });
  events.addEventListener('change', (e) => {
    const change = JSON.parse(e.data);
    if (main.dataset.page === 'call' && change.id !== main.dataset.callId) return;
    refreshSoon();
  });
  events.addEventListener('error', () => {
    statusLine.textContent = 'Reconnecting…';
    statusLine.classList.remove('live');
    // A refused reconnect (signed out: key revoked, clinic suspended, session expired) closes the stream for good:
    // reloading shows the sign-in page then, and otherwise tries again shortly.
    if (events.readyState === EventSource.CLOSED) {
      fetch('/dashboard/api/overview', { headers: { accept: 'application/json' } })
        .then((res) => (res.status === 401 ? location.reload() : setTimeout(connect, 2000)))
        .catch(() => setTimeout(connect, 2000));
    }
  });
}

if (main.dataset.page === 'overview') setInterval(tick, 1000);
connect();
