// The overview from GET /ops/api/summary: deliveries by state (all vendors and each vendor), the
// activity chart, the pacer, Metriport and webhook health, and whether relaying is paused.
import { api } from '/ops/api.js';
import {
  h, replace, definitions, table, formatAge, formatCount, formatTime, secondsSince, errorMessage,
} from '/ops/dom.js';
import { activityChart } from '/ops/chart.js';

const stateOrder = ['draft', 'queued', 'resolving', 'uploading', 'sending', 'retry_wait',
  'accepted', 'completed', 'failed', 'dead', 'cancelled'];
const finishedStates = new Set(['completed', 'failed', 'cancelled']);

// The warning the RelayWebhooksMissing alert gives: sends accepted (more than a minute ago) in the
// last 15 minutes, and no webhook received in those 15 minutes.
export function webhookWarning(summary) {
  const sends = (summary.rates && summary.rates.sends) || {};
  const olderSends = (sends['15m'] || 0) - (sends['1m'] || 0);
  const age = secondsSince(summary.webhooks.last_received_at, summary.generated_at);
  return olderSends > 0 && (age === null || age > 15 * 60);
}

// "26 s ago", with the exact instant for hovering and for assistive technology.
function ago(iso, now) {
  if (!iso) return '—';
  return h('time', { datetime: iso, title: formatTime(iso) }, `${formatAge(secondsSince(iso, now))} ago`);
}

function statusText(kind, text) {
  return h('span', { class: `status-${kind}` }, text);
}

function stateLink(state, vendor, count) {
  if (!count) return h('span', { class: 'muted' }, '0');
  const params = new URLSearchParams({ state });
  if (vendor) params.set('vendor', vendor);
  return h('a', { href: `#/deliveries?${params}` }, formatCount(count));
}

function deliveriesCard(summary) {
  const d = summary.deliveries;
  return h('section', { class: 'card', 'aria-labelledby': 'card-deliveries' },
    h('h2', { id: 'card-deliveries' }, 'Deliveries'),
    h('p', { class: 'figure', id: 'figure-waiting' }, formatCount(d.waiting),
      h('span', { class: 'figure-unit' }, ' waiting')),
    definitions([
      ['In flight', h('span', { id: 'count-in-flight' }, formatCount(d.in_flight))],
      ['Dead', d.dead ? h('a', { href: '#/deliveries?state=dead', class: 'status-bad', id: 'count-dead' },
        formatCount(d.dead)) : h('span', { id: 'count-dead' }, '0')],
      ['Failed', formatCount(d.failed)],
      ['Unconfirmed', formatCount(d.flagged_unconfirmed)],
      ['Oldest waiting', formatAge(d.oldest_waiting_age_seconds)],
    ]));
}

function pacerCard(summary) {
  const p = summary.pacer;
  const used = p.used_source === 'metriport_headers' ? 'from Metriport\'s headers' : 'sends started';
  const blocked = p.blocked_until
    ? statusText('warn', `Rate limited until ${formatTime(p.blocked_until)}`)
    : null;
  return h('section', { class: 'card', 'aria-labelledby': 'card-pacer' },
    h('h2', { id: 'card-pacer' }, 'Pacer'),
    h('p', { class: 'figure' }, `${formatCount(p.used_this_window)} / ${formatCount(p.limit)}`),
    h('p', { class: 'muted small' }, `Sends used of the limit per ${p.window_seconds} s window (${used}).`),
    blocked,
    definitions([
      ['In flight', formatCount(p.in_flight)],
      ['Sends to make', h('span', { id: 'sends-to-make' }, formatCount(p.sends_to_make))],
      ['Drain estimate', p.sends_to_make ? `${formatAge(p.drain_seconds)} (at ${formatTime(p.drains_at)})` : 'nothing queued'],
      ['Next free slot', p.next_free_slot_in_seconds ? `in ${formatAge(p.next_free_slot_in_seconds)}` : 'now'],
    ]));
}

function metriportCard(summary) {
  const m = summary.metriport;
  const failures = m.failures_since_success;
  let status;
  if (!m.last_success_at && !m.last_failure_at) status = statusText('muted', 'No calls yet');
  else if (failures === 0) status = statusText('ok', 'Healthy');
  else if (failures < 5) status = statusText('warn', 'Failing sometimes');
  else status = statusText('bad', 'Failing');
  return h('section', { class: 'card', 'aria-labelledby': 'card-metriport' },
    h('h2', { id: 'card-metriport' }, 'Metriport'),
    h('p', { class: 'figure', id: 'metriport-status' }, status),
    definitions([
      ['Last accepted send', ago(m.last_success_at, summary.generated_at)],
      ['Failures since', `${formatCount(failures)}${m.failures_since_success_capped ? ' or more' : ''}`],
      ['Last failure', m.last_failure_at ? [ago(m.last_failure_at, summary.generated_at), ` (${m.last_failure_class || 'unknown'}, ${m.last_failure_event || ''})`] : '—'],
    ]));
}

function webhooksCard(summary) {
  const w = summary.webhooks;
  const age = secondsSince(w.last_received_at, summary.generated_at);
  const warn = webhookWarning(summary);
  const status = warn
    ? statusText('warn', 'No webhook for 15 min after accepted sends')
    : statusText(w.last_received_at ? 'ok' : 'muted',
      w.last_received_at ? `Last ${formatAge(age)} ago` : 'None received yet');
  return h('section', { class: 'card', 'aria-labelledby': 'card-webhooks' },
    h('h2', { id: 'card-webhooks' }, 'Webhooks'),
    h('p', { class: 'figure', id: 'webhook-status', role: warn ? 'alert' : null }, status),
    definitions([
      ['Last received', ago(w.last_received_at, summary.generated_at)],
      ['Last rejection', ago(w.last_rejection_at, summary.generated_at)],
      ['Last hour', formatCount(w.last_hour_by_type_and_outcome.reduce((n, t) => n + t.count, 0))],
      ['Not applied yet', formatCount(w.not_applied_yet)],
      ['Waiting for send', formatCount(w.waiting_for_send)],
      ['Rejected (last hour)', w.rejections_last_hour
        ? h('a', { href: '#/webhooks', class: 'status-bad' }, formatCount(w.rejections_last_hour))
        : '0'],
    ]));
}

function relayCard(summary) {
  const paused = summary.paused;
  const vendors = paused.vendors.map((v) => v.vendor);
  let status;
  if (paused.global) status = statusText('bad', 'Paused (all vendors)');
  else if (vendors.length) status = statusText('warn', `Paused for ${vendors.join(', ')}`);
  else status = statusText('ok', 'Relaying');
  return h('section', { class: 'card', 'aria-labelledby': 'card-relay' },
    h('h2', { id: 'card-relay' }, 'Relay'),
    h('p', { class: 'figure', id: 'relay-status' }, status),
    definitions([
      ['Paused by', paused.global ? [`${paused.global.paused_by}, `, ago(paused.global.paused_at, summary.generated_at)] : '—'],
    ]),
    h('p', {}, h('a', { href: '#/pauses' }, 'Pause or resume')));
}

function stateTable(summary) {
  const tally = [{ name: 'All vendors', vendor: null, by_state: summary.deliveries.by_state, paused: false },
    ...summary.vendors.map((v) => ({ name: v.vendor, vendor: v.vendor, by_state: v.by_state, paused: v.paused }))];
  const headers = ['Vendor', ...stateOrder.map((state) => (finishedStates.has(state) ? `${state}*` : state))];
  const rows = tally.map((row) => h('tr', { 'data-vendor': row.vendor || '' },
    h('th', { scope: 'row' }, row.name, row.paused ? h('span', { class: 'status-warn' }, ' (paused)') : null),
    stateOrder.map((state) => h('td', { class: 'num', 'data-state': state },
      stateLink(state, row.vendor, row.by_state[state])))));
  return h('section', { 'aria-labelledby': 'by-state' },
    h('h2', { id: 'by-state' }, 'Deliveries by state'),
    table('Deliveries by vendor and state', headers, rows),
    h('p', { class: 'muted small' },
      `Unfinished deliveries are all counted; * completed, failed and cancelled ones since ${formatTime(summary.deliveries.finished_counted_since)}.`));
}

function ratesTable(summary) {
  const measures = ['intake', 'sends', 'completions', 'failures', 'rate_limited'];
  const rows = measures.map((m) => {
    const r = summary.rates[m] || {};
    return h('tr', {}, h('th', { scope: 'row' }, m.replace('_', ' ')),
      h('td', { class: 'num' }, formatCount(r['1m'])), h('td', { class: 'num' }, formatCount(r['5m'])),
      h('td', { class: 'num' }, formatCount(r['15m'])));
  });
  return table('Events in the last 1, 5 and 15 minutes', ['Event', '1 min', '5 min', '15 min'], rows,
    { captionClass: 'caption' });
}

// The hour's activity scans an hour of audit events: read it at most every 30 s, not every refresh.
const activityMaxAgeMs = 30 * 1000;
let activityCache = null;

async function latestActivity() {
  if (!activityCache || Date.now() - activityCache.fetchedAt > activityMaxAgeMs) {
    activityCache = { fetchedAt: Date.now(), activity: await api.get('/ops/api/activity') };
  }
  return activityCache.activity;
}

async function draw(main) {
  let summary;
  let activity;
  try {
    [summary, activity] = await Promise.all([api.get('/ops/api/summary'), latestActivity()]);
  } catch (failure) {
    replace(main, h('h1', {}, 'Overview'), h('p', { class: 'error', role: 'alert' }, errorMessage(failure)));
    return;
  }
  replace(main,
    h('div', { class: 'heading' }, h('h1', {}, 'Overview'),
      h('p', { class: 'muted' }, `As of ${formatTime(summary.generated_at)} (server time)`)),
    h('div', { class: 'cards' }, deliveriesCard(summary), relayCard(summary), pacerCard(summary),
      metriportCard(summary), webhooksCard(summary)),
    stateTable(summary),
    h('section', { 'aria-labelledby': 'activity' },
      h('h2', { id: 'activity' }, 'Activity'),
      h('div', { class: 'activity' }, activityChart(activity), ratesTable(summary))));
}

export const overviewView = {
  render: draw,
  refresh: draw,
};
