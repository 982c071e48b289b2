// Deliveries: the filter form (kept in the hash, so links can open a filtered list), one page of
// GET /ops/api/deliveries with keyset paging, retry/cancel per row and, for everything the filter
// matches, a dry run shown in a confirmation before the real bulk call.
import { api, query } from '/ops/api.js';
import {
  h, replace, table, badge, formatTime, formatShortTime, formatCount, errorMessage, actionButton,
} from '/ops/dom.js';
import { confirmDialog } from '/ops/dialog.js';
import { canAct } from '/ops/roles.js';

const filterNames = ['state', 'vendor', 'sender', 'patient_external_id', 'error', 'created_from', 'created_to'];
const states = ['draft', 'queued', 'resolving', 'uploading', 'sending', 'retry_wait', 'accepted',
  'completed', 'failed', 'dead', 'cancelled'];
const cancellable = new Set(['draft', 'queued', 'resolving', 'uploading', 'sending', 'retry_wait', 'dead']);
const pageSize = 50;

// Paging survives refreshes of the same filter: cursors[i] is the cursor of page i (null first).
const paging = { key: null, cursors: [null], index: 0, next: null };

function filterOf(route) {
  const filter = {};
  for (const name of filterNames) {
    const value = route.params.get(name);
    if (value) filter[name] = value;
  }
  return filter;
}

function describe(filter) {
  const parts = Object.entries(filter).map(([k, v]) => `${k.replace(/_/g, ' ')} ${v}`);
  return parts.length ? parts.join(', ') : 'no filter';
}

// ISO UTC text to a datetime-local value in the browser's time zone, and back.
function toLocalInput(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 16);
}
function fromLocalInput(value) {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function field(id, label, control) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}

function filterForm(filter) {
  const stateSelect = h('select', { id: 'f-state', name: 'state' },
    h('option', { value: '' }, 'any'),
    states.map((state) => h('option', { value: state, selected: filter.state === state }, state)));
  const text = (name, id) => h('input', { id, name, value: filter[name] || '', autocomplete: 'off' });
  const when = (name, id) => h('input', {
    id, name, type: 'datetime-local', value: filter[name] ? toLocalInput(filter[name]) : '',
  });
  const form = h('form', { class: 'filters', 'aria-label': 'Filter deliveries', role: 'search' },
    field('f-state', 'State', stateSelect),
    field('f-vendor', 'Vendor', text('vendor', 'f-vendor')),
    field('f-sender', 'Sender ID', text('sender', 'f-sender')),
    field('f-patient', 'Patient external ID', text('patient_external_id', 'f-patient')),
    field('f-error', 'Error text', text('error', 'f-error')),
    field('f-from', 'Created from (local time)', when('created_from', 'f-from')),
    field('f-to', 'Created to (local time)', when('created_to', 'f-to')),
    h('div', { class: 'field buttons' },
      h('button', { type: 'submit' }, 'Apply filter'),
      h('button', { type: 'button', class: 'secondary', onclick: () => { location.hash = '#/deliveries'; } },
        'Clear')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const params = new URLSearchParams();
    for (const name of filterNames) {
      let value = String(data.get(name) || '').trim();
      if (name === 'created_from' || name === 'created_to') value = fromLocalInput(value);
      if (value) params.set(name, value);
    }
    const hash = `#/deliveries${params.toString() ? `?${params}` : ''}`;
    if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
    else location.hash = hash;
  });
  return form;
}

function rowActions(row, session, announce, reload) {
  if (!canAct(session)) return null;
  const buttons = [];
  if (row.state === 'dead') {
    buttons.push(actionButton('Retry', async () => {
      try {
        const result = await api.post(`/ops/api/deliveries/${row.id}/retry`);
        announce(result.changed
          ? `Delivery ${row.id} retried: now ${result.state}.`
          : `Delivery ${row.id} was not retried: it is ${result.state}.`);
      } catch (failure) {
        announce(errorMessage(failure), true);
      }
      await reload();
    }, { 'aria-label': `Retry delivery ${row.id}` }));
  }
  if (cancellable.has(row.state)) {
    buttons.push(actionButton('Cancel', async () => {
      const sure = await confirmDialog({
        title: `Cancel delivery ${row.id}?`,
        body: h('p', {}, 'It will not be sent to Metriport. A cancelled delivery cannot be retried.'),
        confirmLabel: 'Cancel delivery',
        dismissLabel: 'Keep it',
        danger: true,
      });
      if (!sure) return;
      try {
        const result = await api.post(`/ops/api/deliveries/${row.id}/cancel`);
        announce(result.changed
          ? `Delivery ${row.id} cancelled.`
          : `Delivery ${row.id} was not cancelled: it is ${result.state}.`);
      } catch (failure) {
        announce(errorMessage(failure), true);
      }
      await reload();
    }, { class: 'secondary', 'aria-label': `Cancel delivery ${row.id}` }));
  }
  return buttons;
}

function deliveryRows(rows, session, announce, reload) {
  const acting = canAct(session);
  return rows.map((row) => h('tr', { 'data-delivery-id': row.id, 'data-state': row.state },
    h('td', { class: 'num' }, String(row.id)),
    h('td', {}, h('a', { href: `#/messages/${row.message_id}`, title: row.message_id },
      `${row.message_id.slice(0, 8)}…`)),
    h('td', {}, row.vendor),
    h('td', {}, row.sender),
    h('td', {}, row.patient_external_id_masked),
    h('td', {}, badge(row.state), row.flagged ? h('span', { class: 'muted' }, ' unconfirmed') : null,
      row.priority !== 'Normal' ? h('div', { class: 'muted small' }, row.priority) : null),
    h('td', { class: 'num' }, String(row.attempts)),
    h('td', { class: 'nowrap' },
      h('time', { datetime: row.created_at, title: formatTime(row.created_at) }, formatShortTime(row.created_at)),
      h('br'),
      h('time', { datetime: row.updated_at, title: formatTime(row.updated_at), class: 'muted' }, formatShortTime(row.updated_at))),
    h('td', { class: 'error-text' }, row.last_error || ''),
    h('td', { class: 'ids' }, row.metriport_message_ids.map((id) => h('div', { title: id }, `${id.slice(0, 8)}…`))),
    acting ? h('td', { class: 'actions' }, rowActions(row, session, announce, reload)) : null));
}

async function bulk(action, filter, announce, reload) {
  const verb = action === 'retry' ? 'retried' : 'cancelled';
  let preview;
  try {
    preview = await api.post(`/ops/api/deliveries/${action}${query({ ...filter, dry_run: 'true' })}`);
  } catch (failure) {
    announce(errorMessage(failure), true);
    return;
  }
  const sure = await confirmDialog({
    title: `${action === 'retry' ? 'Retry' : 'Cancel'} ${formatCount(preview.would_change)} deliveries?`,
    body: [
      h('p', { id: 'bulk-preview' },
        `${formatCount(preview.would_change)} of the ${formatCount(preview.matched)} deliveries matching `
        + `${describe(filter)} would be ${verb}; the others are in states this action does not apply to.`),
      h('p', { class: 'muted' }, 'The action applies to everything the filter matches when you confirm, not only this page. It is written to the audit log.'),
    ],
    confirmLabel: `${action === 'retry' ? 'Retry' : 'Cancel'} ${formatCount(preview.would_change)}`,
    danger: action === 'cancel',
  });
  if (!sure) {
    announce('Nothing was changed.');
    return;
  }
  try {
    const result = await api.post(`/ops/api/deliveries/${action}${query(filter)}`);
    announce(`${formatCount(result.changed)} deliveries ${verb} (${formatCount(result.matched)} matched, `
      + `${formatCount(result.skipped)} skipped).`);
  } catch (failure) {
    announce(errorMessage(failure), true);
  }
  await reload();
}

async function loadPage(container, route, session) {
  const filter = filterOf(route);
  const results = container.querySelector('#delivery-results');
  let page;
  try {
    page = await api.get(`/ops/api/deliveries${query({ ...filter, limit: pageSize, cursor: paging.cursors[paging.index] })}`);
  } catch (failure) {
    replace(results, h('p', { class: 'error', role: 'alert' }, errorMessage(failure)));
    return;
  }
  paging.next = page.next_cursor;
  const announce = container.announce;
  const reload = () => loadPage(container, route, session);
  const headers = ['ID', 'Message', 'Vendor', 'Sender', 'Patient', 'State', 'Attempts',
    'Created / updated', 'Last error', 'Metriport'];
  if (canAct(session)) headers.push('Actions');
  const first = paging.index * pageSize + 1;
  const shown = page.deliveries.length
    ? `${formatCount(first)}–${formatCount(first + page.deliveries.length - 1)} of ${formatCount(page.total)}`
    : `0 of ${formatCount(page.total)}`;
  const previous = h('button', { type: 'button', class: 'secondary', disabled: paging.index === 0 },
    'Previous page');
  previous.addEventListener('click', async () => {
    paging.index = Math.max(0, paging.index - 1);
    await reload();
  });
  const next = h('button', { type: 'button', class: 'secondary', disabled: !page.next_cursor }, 'Next page');
  next.addEventListener('click', async () => {
    paging.cursors[paging.index + 1] = paging.next;
    paging.cursors.length = paging.index + 2;
    paging.index += 1;
    await reload();
  });
  replace(results,
    h('p', { id: 'delivery-total' }, `${shown} deliveries matching ${describe(filter)}`),
    table('Deliveries', headers, deliveryRows(page.deliveries, session, announce, reload),
      { empty: 'No delivery matches this filter.' }),
    h('nav', { class: 'toolbar', 'aria-label': 'Pages' }, previous, next,
      h('span', { class: 'muted' }, `Page ${paging.index + 1}`)));
}

async function render(main, route, session) {
  const filter = filterOf(route);
  const key = JSON.stringify(filter);
  if (paging.key !== key) Object.assign(paging, { key, cursors: [null], index: 0, next: null });
  const status = h('p', { id: 'action-status', role: 'status', class: 'status-line' });
  const container = h('div', {});
  container.announce = (text, isError = false) => {
    status.textContent = text;
    status.className = isError ? 'status-line error' : 'status-line';
  };
  const reload = () => loadPage(container, route, session);
  const empty = Object.keys(filter).length === 0;
  const bulkTools = canAct(session)
    ? h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Act on everything the filter matches' },
      actionButton('Retry all matching…', () => bulk('retry', filter, container.announce, reload),
        { disabled: empty, id: 'bulk-retry' }),
      actionButton('Cancel all matching…', () => bulk('cancel', filter, container.announce, reload),
        { disabled: empty, class: 'secondary', id: 'bulk-cancel' }),
      empty ? h('span', { class: 'muted' }, 'Set a filter to act on everything it matches.') : null)
    : null;
  replace(container, h('div', { id: 'delivery-results' }, h('p', { class: 'muted' }, 'Loading…')));
  replace(main, h('h1', {}, 'Deliveries'), filterForm(filter), bulkTools, status, container);
  main.deliveries = container;
  await loadPage(container, route, session);
}

export const deliveriesView = {
  render,
  async refresh(main, route, session) {
    if (main.deliveries) await loadPage(main.deliveries, route, session);
  },
};
