// Webhooks: Metriport's events as received (type and outcome filters, counts by type and outcome)
// and the webhook requests the gateway refused, each list with keyset paging.
import { api, query } from '/ops/api.js';
import { h, replace, table, formatTime, formatCount, formatBytes } from '/ops/dom.js';
import { PagedList } from '/ops/paged-list.js';

function filterForm(route) {
  const type = h('input', { id: 'w-type', name: 'type', value: route.params.get('type') || '', autocomplete: 'off' });
  const outcome = h('input', { id: 'w-outcome', name: 'outcome', value: route.params.get('outcome') || '', autocomplete: 'off' });
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter webhooks' },
    h('div', { class: 'field' }, h('label', { for: 'w-type' }, 'Type'), type),
    h('div', { class: 'field' }, h('label', { for: 'w-outcome' }, 'Outcome'), outcome),
    h('div', { class: 'field buttons' }, h('button', { type: 'submit' }, 'Apply filter')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    if (type.value.trim()) params.set('type', type.value.trim());
    if (outcome.value.trim()) params.set('outcome', outcome.value.trim());
    location.hash = `#/webhooks${params.toString() ? `?${params}` : ''}`;
  });
  return form;
}

function eventsTable(page) {
  const counts = page.counts.by_type_and_outcome;
  return [
    h('p', { class: 'muted', id: 'webhook-counts' },
      `From ${formatTime(page.counts.from)} to ${formatTime(page.counts.to)}: `,
      counts.length ? counts.map((c) => `${c.type} ${c.outcome}: ${formatCount(c.count)}`).join('; ') : 'none'),
    table('Webhook events', ['Received', 'Type', 'Outcome', 'Metriport message', 'Applied', 'Times delivered', 'Event ID'],
      page.events.map((e) => h('tr', {},
        h('td', { class: 'nowrap' }, formatTime(e.received_at)), h('td', {}, e.type), h('td', {}, e.outcome),
        h('td', { class: 'ids' }, e.metriport_message_id || '—'), h('td', { class: 'nowrap' }, formatTime(e.applied_at)),
        h('td', { class: 'num' }, String(e.times_delivered)), h('td', { class: 'ids' }, e.event_id))),
      { empty: 'No webhook event matches.' }),
  ];
}

function rejectionsTable(page) {
  return table('Rejected webhook requests', ['Received', 'Reason', 'Size', 'Body SHA-256'],
    page.rejections.map((r) => h('tr', {},
      h('td', { class: 'nowrap' }, formatTime(r.received_at)), h('td', {}, r.reason),
      h('td', { class: 'num' }, formatBytes(r.body_bytes)), h('td', { class: 'ids' }, r.body_sha256))),
    { empty: 'No webhook request was refused.' });
}

export const webhooksView = {
  async render(main, route) {
    const filter = { type: route.params.get('type'), outcome: route.params.get('outcome') };
    const events = new PagedList({
      id: 'webhook-events', label: 'Webhook events',
      fetchPage: (cursor) => api.get(`/ops/api/webhooks${query({ ...filter, cursor, limit: 50 })}`),
      draw: eventsTable,
    });
    const rejections = new PagedList({
      id: 'webhook-rejections', label: 'Rejections',
      fetchPage: (cursor) => api.get(`/ops/api/webhooks/rejections${query({ cursor, limit: 50 })}`),
      draw: rejectionsTable,
    });
    main.lists = [events, rejections];
    replace(main, h('h1', {}, 'Webhooks'), filterForm(route),
      h('section', { 'aria-labelledby': 'w-events' }, h('h2', { id: 'w-events' }, 'Events received'), events.element),
      h('section', { 'aria-labelledby': 'w-rejections' },
        h('h2', { id: 'w-rejections' }, 'Rejected requests'),
        h('p', { class: 'muted' }, 'Requests refused before they were stored (bad signature, malformed, too large); only their size and hash are kept.'),
        rejections.element));
    await Promise.all([events.load(), rejections.load()]);
  },
  async refresh(main) {
    // Only first pages follow live data; a later page would shift under the reader.
    await Promise.all((main.lists || []).filter((l) => l.onFirstPage()).map((l) => l.load()));
  },
};
