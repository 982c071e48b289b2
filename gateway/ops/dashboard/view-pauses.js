// Pause and resume relaying, for all vendors or one: the pauses in force (GET /ops/api/pauses),
// the vendors the summary knows with their state, and the actions for operators and admins.
import { api } from '/ops/api.js';
import { h, replace, table, formatTime, errorMessage, actionButton } from '/ops/dom.js';
import { canAct } from '/ops/roles.js';

async function change(path, vendor, announce, reload) {
  try {
    const result = await api.post(path, vendor ? { vendor } : undefined);
    const scope = vendor ? `vendor ${vendor}` : 'all vendors';
    if (result.paused) announce(result.changed ? `Relaying paused for ${scope}.` : `Relaying was already paused for ${scope}.`);
    else announce(result.changed ? `Relaying resumed for ${scope}.` : `Relaying was not paused for ${scope}.`);
  } catch (failure) {
    announce(errorMessage(failure), true);
  }
  await reload();
  // The shell redraws the paused banner at once.
  window.dispatchEvent(new Event('relay:pauses-changed'));
}

async function draw(main, session) {
  const status = main.pauseStatus;
  const announce = (text, isError = false) => {
    status.textContent = text;
    status.className = isError ? 'status-line error' : 'status-line';
  };
  const reload = () => draw(main, session);
  const body = main.pauseBody;
  let pauses;
  let summary;
  try {
    [pauses, summary] = await Promise.all([api.get('/ops/api/pauses'), api.get('/ops/api/summary')]);
  } catch (failure) {
    replace(body, h('p', { class: 'error', role: 'alert' }, errorMessage(failure)));
    return;
  }
  const acting = canAct(session);
  const list = pauses.pauses;
  const global = list.find((p) => p.scope === 'global');
  const pausedVendors = new Map(list.filter((p) => p.scope === 'vendor').map((p) => [p.vendor, p]));
  const vendors = [...new Set([...summary.vendors.map((v) => v.vendor), ...pausedVendors.keys()])].sort();

  const globalSection = h('section', { class: 'card', 'aria-labelledby': 'p-global' },
    h('h2', { id: 'p-global' }, 'All vendors'),
    h('p', { id: 'global-pause-state' }, global
      ? h('span', { class: 'status-bad' }, `Paused by ${global.paused_by} at ${formatTime(global.paused_at)}`)
      : h('span', { class: 'status-ok' }, 'Relaying')),
    acting ? (global
      ? actionButton('Resume all vendors', () => change('/ops/api/resume', null, announce, reload), { id: 'resume-all' })
      : actionButton('Pause all vendors', () => change('/ops/api/pause', null, announce, reload), { id: 'pause-all', class: 'danger' }))
      : null,
    h('p', { class: 'muted' }, 'While paused, intake still accepts messages and deliveries wait in the queue; deliveries already being sent are handed back before their send.'));

  const headers = ['Vendor', 'State'];
  if (acting) headers.push('Action');
  const rows = vendors.map((vendor) => {
    const pause = pausedVendors.get(vendor);
    return h('tr', { 'data-vendor': vendor },
      h('th', { scope: 'row' }, vendor),
      h('td', {}, pause ? `Paused by ${pause.paused_by} at ${formatTime(pause.paused_at)}` : 'Relaying'),
      acting ? h('td', { class: 'actions' }, pause
        ? actionButton('Resume', () => change('/ops/api/resume', vendor, announce, reload), { 'aria-label': `Resume vendor ${vendor}` })
        : actionButton('Pause', () => change('/ops/api/pause', vendor, announce, reload), { class: 'secondary', 'aria-label': `Pause vendor ${vendor}` }))
        : null);
  });

  let vendorForm = null;
  if (acting) {
    const name = h('input', { id: 'p-vendor', name: 'vendor', required: true, autocomplete: 'off' });
    const submitter = (path) => async () => {
      if (!name.value.trim()) {
        announce('Enter a vendor name.', true);
        name.focus();
        return;
      }
      await change(path, name.value.trim(), announce, reload);
    };
    vendorForm = h('div', { class: 'filters', role: 'group', 'aria-label': 'Pause or resume a vendor by name' },
      h('div', { class: 'field' }, h('label', { for: 'p-vendor' }, 'Vendor name'), name),
      h('div', { class: 'field buttons' },
        actionButton('Pause vendor', submitter('/ops/api/pause'), { class: 'secondary' }),
        actionButton('Resume vendor', submitter('/ops/api/resume'), { class: 'secondary' })));
  }

  replace(body, globalSection,
    h('section', { 'aria-labelledby': 'p-vendors' },
      h('h2', { id: 'p-vendors' }, 'Vendors'),
      table('Vendors and their pauses', headers, rows, { empty: 'No vendor has deliveries or pauses yet.' }),
      vendorForm));
}

export const pausesView = {
  async render(main, route, session) {
    main.pauseStatus = h('p', { role: 'status', class: 'status-line', id: 'pause-status' });
    main.pauseBody = h('div', {});
    replace(main, h('h1', {}, 'Pause and resume'), main.pauseStatus, main.pauseBody);
    await draw(main, session);
  },
  async refresh(main, route, session) {
    if (main.pauseBody) await draw(main, session);
  },
};
