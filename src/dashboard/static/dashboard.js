// The dashboard's only script: fills the panels from /dashboard/api/overview, refreshes them when the server says
// something changed (Server-Sent Events), and sends staff actions (book, move, cancel, no-show, call back done) with
// the page's CSRF token. Builds DOM nodes with textContent only, so data never becomes markup.

const main = document.querySelector('main[data-page]');
const statusLine = document.getElementById('live-status');
const csrf = document.querySelector('meta[name="csrf-token"]')?.content;
let data = null;
let skewMs = 0;

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat())
    if (c !== null && c !== undefined && c !== false && c !== '') el.append(c instanceof Node ? c : String(c));
  return el;
}

const zone = () => (data ? data.clinic.timeZone : undefined);
const clock = (iso) =>
  new Date(iso).toLocaleTimeString('en-US', { timeZone: zone(), hour: 'numeric', minute: '2-digit' });
const dayAndClock = (iso) =>
  new Date(iso).toLocaleString('en-US', { timeZone: zone(), weekday: 'short', hour: 'numeric', minute: '2-digit' });
const localDate = (iso) => new Date(iso).toLocaleDateString('en-CA', { timeZone: zone() });
const serverNow = () => Date.now() + skewMs;
function minutesSeconds(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
const callLink = (callId, text = 'call details') =>
  callId ? h('a', { href: `/dashboard/calls/${encodeURIComponent(callId)}` }, text) : null;

function fill(box, nodes, emptyText) {
  box.replaceChildren(
    ...(nodes.length ? nodes : [h(box.tagName === 'DIV' ? 'p' : 'li', { class: 'empty' }, emptyText)]),
  );
}

function flash(text) {
  const el = document.getElementById('flash');
  el.textContent = text;
  el.hidden = false;
}

async function post(action, body) {
  const res = await fetch(`/dashboard/actions/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify(body),
  });
  if (res.status === 401) location.reload();
  const json = await res.json().catch(() => ({ error: 'The server did not answer; try again.' }));
  return { ok: res.ok, ...json };
}

// ---- Call back ----
const handledBy = document.getElementById('handled-by');
if (handledBy) {
  handledBy.value = localStorage.getItem('slotkeeper.handledBy') || '';
  handledBy.addEventListener('change', () => localStorage.setItem('slotkeeper.handledBy', handledBy.value.trim()));
}

function renderCallbacks() {
  const list = document.querySelector('#callbacks .list');
  document.getElementById('callbacks-h').textContent = data.callbacks.length
    ? `Call back (${data.callbacks.length})`
    : 'Call back';
  document.getElementById('callbacks').classList.toggle('waiting', data.callbacks.length > 0);
  fill(
    list,
    data.callbacks.map((cb) => {
      const who = cb.name || 'Name unknown';
      const done = h(
        'button',
        { type: 'button', class: 'primary', 'aria-label': `Done: ${who}`, onclick: () => markDone(cb, done) },
        'Done',
      );
      return h(
        'li',
        { class: 'callback', 'data-callback': cb.key, 'data-kinds': cb.items.map((i) => i.kind).join(' ') },
        h(
          'div',
          { class: 'row' },
          h('strong', { class: 'who' }, who),
          cb.phone
            ? h('a', { class: 'tel', href: `tel:${cb.phone}` }, cb.phone)
            : h('span', { class: 'meta' }, 'number withheld'),
          h('span', { class: 'meta when' }, dayAndClock(cb.at)),
        ),
        h(
          'div',
          { class: 'row' },
          h('span', { class: 'why' }, cb.reasons.join('; ')),
          h('span', { class: 'actions' }, callLink(cb.callId), done),
        ),
      );
    }),
    'Nobody is waiting for a call back.',
  );
}

async function markDone(cb, button) {
  const name = handledBy.value.trim();
  if (!name) {
    flash('Type your name first: it is recorded with the call back.');
    handledBy.focus();
    return;
  }
  localStorage.setItem('slotkeeper.handledBy', name);
  button.disabled = true;
  const r = await post('callback-done', { items: cb.items, handledBy: name });
  flash(r.ok ? `${cb.name || cb.phone || 'Call back'}: ${r.say}` : r.error);
  button.disabled = false;
  refreshSoon();
}

function renderDone() {
  fill(
    document.querySelector('#done .list'),
    data.done.map((d) =>
      h(
        'li',
        {},
        h('span', { class: 'time' }, clock(d.at)),
        ' ',
        d.what,
        ' ',
        h('span', { class: 'meta' }, `— handled by ${d.handledBy}`),
      ),
    ),
    'Nothing handled yet today.',
  );
}

// ---- Schedule ----
const WORDS = { held: 'held', booked: 'booked', released: 'released', cancelled: 'cancelled', 'no-show': 'no-show' };

function appointment(it, providerName) {
  const who = [it.patient, it.phone].filter(Boolean).join(' · ');
  const label = `${clock(it.start)} ${it.service}${it.patient ? ` for ${it.patient}` : ''}`;
  return h(
    'li',
    { class: `item ${it.word}`, 'data-booking-id': it.id, 'data-word': it.word },
    h(
      'div',
      { class: 'row' },
      h('span', { class: 'time' }, `${clock(it.start)}–${clock(it.end)}`),
      h('span', { class: 'what' }, it.service),
      h('span', { class: `badge ${it.word}` }, WORDS[it.word]),
      it.confirmedByText ? h('span', { class: 'badge confirmed' }, 'confirmed by text') : null,
    ),
    who ? h('div', { class: 'meta' }, who) : null,
    it.expiresAt ? h('div', { class: 'meta countdown', 'data-expires': it.expiresAt }) : null,
    h(
      'div',
      { class: 'actions' },
      callLink(it.callId),
      it.can.move
        ? h(
            'button',
            { type: 'button', 'aria-label': `Move ${label}`, onclick: () => openMove(it, providerName) },
            'Move',
          )
        : null,
      it.can.cancel
        ? h(
            'button',
            { type: 'button', 'aria-label': `Cancel ${label}`, onclick: () => openCancel(it, providerName) },
            'Cancel',
          )
        : null,
      it.can.noShow
        ? h('button', { type: 'button', 'aria-label': `No-show: ${label}`, onclick: () => noShow(it) }, 'No-show')
        : null,
    ),
  );
}

function gap(g, p) {
  return h(
    'li',
    { class: 'gap', 'data-gap-start': g.start },
    h('span', { class: 'time' }, `${clock(g.start)}–${clock(g.end)}`),
    h('span', { class: 'what' }, 'free'),
    h(
      'button',
      {
        type: 'button',
        'aria-label': `Book with ${p.name} at ${clock(g.start)}`,
        onclick: () => openBook({ providerId: p.id, start: g.start }),
      },
      'Book',
    ),
  );
}

// Today leads, unless nothing is left of it (after hours): then tomorrow does, so the desk can plan and book.
const dayIsOver = (day) =>
  day.providers.every((p) => p.gaps.length === 0 && p.items.every((i) => Date.parse(i.end) <= serverNow()));
const firstDay = () => (dayIsOver(data.days[0]) && data.days[1] ? 1 : 0);

// A provider's day: appointments and free gaps in time order; holds given back folded away under a toggle.
function providerSection(p, tag = 'h3', emptyText = 'Nothing booked, no free time left.') {
  const shown = p.items.filter((i) => i.word !== 'released');
  const released = p.items.filter((i) => i.word === 'released');
  const rows = [
    ...shown.map((i) => ({ at: i.start, el: appointment(i, p.name) })),
    ...p.gaps.map((g) => ({ at: g.start, el: gap(g, p) })),
  ]
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    .map((r) => r.el);
  return h(
    'section',
    { class: 'provider', 'aria-label': p.name, 'data-provider': p.id },
    h(tag, {}, p.name),
    rows.length ? h('ul', { class: 'list' }, rows) : h('p', { class: 'empty' }, emptyText),
    released.length
      ? h(
          'details',
          { class: 'released', 'data-key': `released:${p.id}:${released[0].start.slice(0, 10)}` },
          h('summary', {}, `${released.length} released ${released.length === 1 ? 'hold' : 'holds'}`),
          h(
            'ul',
            { class: 'list' },
            released.map((i) => appointment(i, p.name)),
          ),
        )
      : null,
  );
}

function renderToday() {
  const today = data.days[firstDay()];
  const date = new Date(`${today.date}T12:00:00Z`).toLocaleDateString('en-US', {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
  });
  document.getElementById('today-h').textContent = `${today.label} · ${date}`;
  document.getElementById('today').dataset.date = today.date;
  fill(
    document.querySelector('#today .providers'),
    today.providers.map((p) => providerSection(p)),
    'Nobody works this day.',
  );
  document.getElementById('book-any').hidden = false;
}

function renderUpcoming() {
  fill(
    document.querySelector('#upcoming .days'),
    data.days
      .slice(firstDay() + 1)
      .filter((day) => day.providers.some((p) => p.items.length))
      .map((day) =>
        h(
          'section',
          { class: 'day', 'aria-label': day.label, 'data-date': day.date },
          h('h3', {}, day.label),
          day.providers
            .filter((p) => p.items.length)
            .map((p) => providerSection({ ...p, gaps: [] }, 'h4', 'Nothing booked.')),
        ),
      ),
    'Nothing booked in the coming days.',
  );
}

// ---- Live calls, leads, texts ----
function renderCalls() {
  fill(
    document.querySelector('#calls .list'),
    data.calls.map((c) =>
      h(
        'li',
        { class: 'call', 'data-call-id': c.id, 'data-state': c.state },
        h('strong', {}, c.name || c.caller || 'Unknown caller'),
        ' · ',
        h('span', {}, c.doing),
        c.slot
          ? h(
              'span',
              { class: 'meta' },
              ` · ${clock(c.slot.start)} with ${c.slot.provider}, `,
              h('span', { 'data-expires': c.slot.expiresAt }),
            )
          : null,
        ' ',
        h('span', { class: 'meta elapsed', 'data-since': c.startedAt }),
        ' ',
        callLink(c.id, 'details'),
      ),
    ),
    'No calls right now.',
  );
}

function renderLeads() {
  document.getElementById('leads-h').textContent = 'Hot leads';
  fill(
    document.querySelector('#leads .list'),
    data.leads.map((l) =>
      h(
        'li',
        { class: l.hot ? 'lead hot' : 'lead', 'data-call-id': l.callId },
        h(
          'div',
          { class: 'row' },
          h('span', { class: 'score', 'aria-label': `score ${l.score} of 100` }, l.score),
          h('strong', {}, l.name || l.caller || 'Unknown caller'),
          l.hot ? h('span', { class: 'badge hot' }, 'hot') : null,
          h('span', { class: 'meta when' }, dayAndClock(l.createdAt)),
        ),
        l.strongest ? h('div', { class: 'strongest' }, l.strongest) : null,
        h(
          'details',
          { 'data-key': `lead:${l.callId}` },
          h('summary', {}, 'Why this score'),
          h(
            'ul',
            { class: 'reasons' },
            l.more.map((r) => h('li', {}, r)),
          ),
          callLink(l.callId),
        ),
      ),
    ),
    'No scored calls yet.',
  );
}

function renderWaitlist() {
  const { waiting, offers } = data.waitlist;
  fill(
    document.querySelector('#waitlist .list'),
    [
      ...offers.map((o) =>
        h(
          'li',
          { class: 'offer', 'data-offer-id': o.id },
          h('strong', {}, o.name || o.phone || 'Unknown caller'),
          ` offered ${o.service} with ${o.provider} ${dayAndClock(o.start)} `,
          h('span', { class: 'meta' }, `— until ${clock(o.expiresAt)}`),
        ),
      ),
      ...waiting.map((w) =>
        h(
          'li',
          { class: 'waiting', 'data-entry-id': w.id },
          h('strong', {}, [w.name, w.phone].filter(Boolean).join(' · ')),
          ` ${w.service}, ${w.fromDate === w.toDate ? w.fromDate : `${w.fromDate} to ${w.toDate}`}${w.timeOfDay ? `, ${w.timeOfDay}` : ''} `,
          h('span', { class: 'meta' }, `— waiting since ${dayAndClock(w.since)}`),
        ),
      ),
    ],
    'Nobody is waiting.',
  );
}

function renderSms() {
  fill(
    document.querySelector('#sms .list'),
    data.sms.map((m) =>
      h(
        'li',
        { class: `sms sms-${m.status}`, 'data-sms-id': m.id, 'data-status': m.status },
        h(
          'div',
          { class: 'row' },
          h('strong', {}, m.kindWords),
          h('span', { class: 'meta' }, [m.to, clock(m.createdAt)].filter(Boolean).join(' · ')),
          h('span', { class: 'badge' }, m.status),
        ),
        h('div', { class: 'sms-text' }, m.text),
        m.error ? h('div', { class: 'meta' }, m.error) : null,
      ),
    ),
    'No messages yet.',
  );
}

function tick() {
  for (const el of document.querySelectorAll('[data-expires]')) {
    const left = Date.parse(el.dataset.expires) - serverNow();
    el.textContent = left > 0 ? `hold ends in ${minutesSeconds(left)}` : 'hold ran out';
  }
  for (const el of document.querySelectorAll('[data-since]'))
    el.textContent = `${minutesSeconds(serverNow() - Date.parse(el.dataset.since))} in call`;
}

// ---- Dialogs: book, move, cancel ----
function dialogParts(id) {
  const dialog = document.getElementById(id);
  const form = dialog.querySelector('form');
  return {
    dialog,
    form,
    error: form.querySelector('[data-error]'),
    note: form.querySelector('[data-note]'),
    field: (n) => form.elements.namedItem(n),
  };
}

function options(select, items, selected) {
  select.replaceChildren(...items.map((o) => h('option', { value: o.value, selected: o.value === selected }, o.label)));
}

/** Fills the time list for the dialog's service, provider and day; keeps an error already shown when asked. */
async function loadSlots(parts, wanted, keepError = false) {
  const { field, error, form } = parts;
  const params = new URLSearchParams({ serviceId: field('serviceId').value, date: field('date').value });
  if (field('providerId').value) params.set('providerId', field('providerId').value);
  // Only the latest request fills the list: an earlier answer arriving late would offer another day's times.
  const ask = String(Number(form.dataset.slotsAsked || 0) + 1);
  form.dataset.slotsAsked = ask;
  const submit = form.querySelector('button[type="submit"]');
  submit.disabled = true;
  const res = await fetch(`/dashboard/api/slots?${params}`, { headers: { accept: 'application/json' } });
  const body = await res.json();
  if (ask !== form.dataset.slotsAsked) return;
  submit.disabled = false;
  form.dataset.slotsFor = params.get('date');
  const slots = res.ok ? body.slots : [];
  if (!keepError)
    error.textContent = res.ok
      ? slots.length
        ? ''
        : 'No free time that day; try another day or provider.'
      : body.error;
  const first = slots.find((s) => !wanted || Date.parse(s.start) >= Date.parse(wanted)) || slots[0];
  options(
    field('start'),
    slots.map((s) => ({ value: `${s.start}|${s.providerId}`, label: s.label })),
    first && `${first.start}|${first.providerId}`,
  );
}

function providerOptions(select, serviceId, selected) {
  const service = data.catalog.services.find((s) => s.id === serviceId);
  const ids = service ? service.providerIds : [];
  options(
    select,
    [
      { value: '', label: 'Anyone free' },
      ...data.catalog.providers.filter((p) => ids.includes(p.id)).map((p) => ({ value: p.id, label: p.name })),
    ],
    selected || '',
  );
}

function openBook({ providerId, start }) {
  const parts = dialogParts('book-dialog');
  const { field } = parts;
  const services = data.catalog.services.filter((s) => !providerId || s.providerIds.includes(providerId));
  options(
    field('serviceId'),
    services.map((s) => ({ value: s.id, label: `${s.name} (${s.minutes} min)` })),
    services[0]?.id,
  );
  providerOptions(field('providerId'), field('serviceId').value, providerId);
  field('date').value = localDate(start || new Date(serverNow()).toISOString());
  parts.note.textContent = 'For a caller on the phone or at the desk: the same booking rules as the phone line.';
  parts.error.textContent = '';
  parts.dialog.showModal();
  loadSlots(parts, start);
}

function openMove(it, providerName) {
  const parts = dialogParts('move-dialog');
  const { field } = parts;
  const service = data.catalog.services.find((s) => s.name === it.service);
  field('appointmentId').value = it.id;
  field('serviceId').value = service ? service.id : '';
  providerOptions(
    field('providerId'),
    field('serviceId').value,
    data.catalog.providers.find((p) => p.name === providerName)?.id,
  );
  field('date').value = localDate(it.start);
  parts.note.textContent = `${it.patient || 'Patient'}: ${it.service}, now ${dayAndClock(it.start)} with ${providerName}.`;
  parts.error.textContent = '';
  parts.dialog.showModal();
  loadSlots(parts, it.start);
}

function openCancel(it, providerName) {
  const parts = dialogParts('cancel-dialog');
  parts.field('appointmentId').value = it.id;
  parts.note.textContent = `${it.patient || 'Patient'}: ${it.service}, ${dayAndClock(it.start)} with ${providerName}. The time becomes free and the patient is texted.`;
  parts.error.textContent = '';
  parts.dialog.showModal();
}

async function noShow(it) {
  const r = await post('no-show', { appointmentId: it.id });
  flash(r.ok ? `${it.patient || it.service}: ${r.say}` : r.error);
  refreshSoon();
}

for (const id of ['book-dialog', 'move-dialog', 'cancel-dialog']) {
  const parts = document.getElementById(id) && dialogParts(id);
  if (!parts) continue;
  const { dialog, form, field, error } = parts;
  form.querySelector('[data-close]').addEventListener('click', () => dialog.close());
  for (const name of ['serviceId', 'providerId', 'date']) {
    const input = field(name);
    if (!input || input.type === 'hidden') continue;
    input.addEventListener('change', () => {
      if (name === 'serviceId') providerOptions(field('providerId'), input.value, field('providerId').value);
      loadSlots(parts);
    });
  }
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    let r;
    if (form.dataset.action === 'cancel') r = await post('cancel', { appointmentId: field('appointmentId').value });
    else {
      const [start, providerId] = field('start').value.split('|');
      if (!start) {
        error.textContent = 'Pick a time first.';
        button.disabled = false;
        return;
      }
      r =
        form.dataset.action === 'book'
          ? await post('book', {
              serviceId: field('serviceId').value,
              providerId,
              start,
              name: field('name').value,
              phone: field('phone').value,
            })
          : await post('move', { appointmentId: field('appointmentId').value, start, providerId });
    }
    button.disabled = false;
    if (r.ok) {
      dialog.close();
      form.reset();
      flash(r.say);
      refreshSoon();
    } else {
      error.textContent = r.alternatives?.length
        ? `${r.error} Free nearby: ${r.alternatives.map((a) => a.label).join('; ')}.`
        : r.error;
      if (form.dataset.action !== 'cancel') loadSlots(parts, undefined, true);
    }
  });
}

// ---- Diagram zoom (call page) ----
// Delegated: the call page's content is swapped on every refresh.
document.addEventListener('click', (e) => {
  const button = e.target.closest?.('[data-zoom]');
  if (!button) return;
  const box = document.getElementById(button.getAttribute('aria-controls'));
  const actual = box.classList.toggle('actual');
  button.setAttribute('aria-pressed', String(actual));
  if (actual) centreOnPath(box);
});

// At actual size the drawing is wider than a phone: scroll sideways to where this call went.
function centreOnPath(box) {
  const visited = [...box.querySelectorAll('g.node.visited rect')].map((r) => r.getBoundingClientRect());
  if (!visited.length) return;
  const left = box.getBoundingClientRect().left;
  const middle = visited.reduce((sum, r) => sum + r.left + r.width / 2, 0) / visited.length;
  box.scrollLeft += middle - left - box.clientWidth / 2;
}

// ---- Live refresh ----
async function refreshOverview() {
  const res = await fetch('/dashboard/api/overview', { headers: { accept: 'application/json' } });
  if (res.status === 401) return location.reload();
  if (!res.ok) throw new Error(`overview answered ${res.status}`);
  data = await res.json();
  skewMs = Date.parse(data.serverNow) - Date.now();
  // What staff opened stays open when the panels are redrawn.
  const open = new Set([...main.querySelectorAll('details[open][data-key]')].map((d) => d.dataset.key));
  renderCallbacks();
  renderToday();
  renderUpcoming();
  renderCalls();
  renderLeads();
  renderSms();
  renderDone();
  renderWaitlist();
  for (const d of main.querySelectorAll('details[data-key]')) if (open.has(d.dataset.key)) d.open = true;
  tick();
  main.dataset.loaded = String(Number(main.dataset.loaded || 0) + 1);
}

// The call page is rendered on the server; when this call changes, fetch the page again and swap its content.
async function refreshCall() {
  const res = await fetch(location.href, { headers: { accept: 'text/html' } });
  if (!res.ok) return;
  const fresh = new DOMParser().parseFromString(await res.text(), 'text/html').querySelector('main[data-page]');
  // Open "machine" toggles and the diagram's zoom stay as they were across a refresh.
  const open = new Set([...main.querySelectorAll('details[open]')].map((d) => d.closest('[data-seq]')?.dataset.seq));
  const zoomed = [...main.querySelectorAll('[data-zoom][aria-pressed="true"]')].map((b) =>
    b.getAttribute('aria-controls'),
  );
  if (fresh) main.replaceChildren(...fresh.childNodes);
  for (const seq of open) main.querySelector(`[data-seq="${seq}"] details`)?.setAttribute('open', '');
  for (const id of zoomed) {
    document.getElementById(id)?.classList.add('actual');
    main.querySelector(`[data-zoom][aria-controls="${id}"]`)?.setAttribute('aria-pressed', 'true');
  }
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

const bookAny = document.getElementById('book-any');
if (bookAny) bookAny.addEventListener('click', () => openBook({}));
if (main.dataset.page === 'overview') setInterval(tick, 1000);
connect();
