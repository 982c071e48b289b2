// The audit log from GET /ops/api/audit: who did what to which entity, filtered by actor and
// action (e.g. operator:ada, deliveries.retry), newest first with keyset paging.
import { api, query } from '/ops/api.js';
import { h, replace, table, formatTime } from '/ops/dom.js';
import { PagedList } from '/ops/paged-list.js';

const filterNames = ['actor', 'action', 'entity_type', 'entity_id'];
const labels = { actor: 'Actor', action: 'Action', entity_type: 'Entity type', entity_id: 'Entity ID' };

function filterForm(route) {
  const inputs = filterNames.map((name) => h('input', {
    id: `a-${name}`, name, value: route.params.get(name) || '', autocomplete: 'off',
  }));
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter the audit log' },
    filterNames.map((name, i) => h('div', { class: 'field' }, h('label', { for: `a-${name}` }, labels[name]), inputs[i])),
    h('div', { class: 'field buttons' },
      h('button', { type: 'submit' }, 'Apply filter'),
      h('button', { type: 'button', class: 'secondary', onclick: () => { location.hash = '#/audit'; } }, 'Clear')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    filterNames.forEach((name, i) => {
      if (inputs[i].value.trim()) params.set(name, inputs[i].value.trim());
    });
    location.hash = `#/audit${params.toString() ? `?${params}` : ''}`;
  });
  return form;
}

function entity(event) {
  const text = `${event.entity_type} ${event.entity_id}`;
  if (event.entity_type === 'message' && /^[0-9a-f-]{36}$/i.test(event.entity_id)) {
    return h('a', { href: `#/messages/${event.entity_id}` }, text);
  }
  return text;
}

function eventsTable(page) {
  return table('Audit events', ['When', 'Actor', 'Action', 'Entity', 'Detail'],
    page.events.map((e) => h('tr', { 'data-action': e.action },
      h('td', { class: 'nowrap' }, formatTime(e.occurred_at)), h('td', {}, e.actor), h('td', {}, e.action),
      h('td', {}, entity(e)),
      h('td', { class: 'detail' }, Object.keys(e.detail || {}).length ? JSON.stringify(e.detail) : ''))),
    { empty: 'No audit event matches.' });
}

export const auditView = {
  async render(main, route) {
    const filter = Object.fromEntries(filterNames.map((n) => [n, route.params.get(n)]));
    const list = new PagedList({
      id: 'audit-events', label: 'Audit events',
      fetchPage: (cursor) => api.get(`/ops/api/audit${query({ ...filter, cursor, limit: 50 })}`),
      draw: eventsTable,
    });
    main.lists = [list];
    replace(main, h('h1', {}, 'Audit log'), filterForm(route),
      h('p', { class: 'muted small' }, 'Filters match exactly, e.g. actor operator:ada, action deliveries.retry or relay.paused, entity type message.'),
      list.element);
    await list.load();
  },
  async refresh(main) {
    await Promise.all((main.lists || []).filter((l) => l.onFirstPage()).map((l) => l.load()));
  },
};
