// One message (#/messages/<id>) from GET /ops/api/messages/{id}: metadata, patients (masked),
// files, deliveries with their Metriport sends, and the timeline. Subject and body stay hidden;
// an admin may reveal them with ?reveal=1, which the server writes to the audit log.
import { api, query } from '/ops/api.js';
import {
  h, replace, definitions, table, badge, formatTime, formatBytes, errorMessage,
} from '/ops/dom.js';
import { isAdmin } from '/ops/roles.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function content(view, session, onReveal) {
  const m = view.message;
  if (view.revealed) {
    return h('section', { class: 'card revealed', 'aria-labelledby': 'content-title' },
      h('h2', { id: 'content-title' }, 'Content (revealed; this reveal was audited)'),
      definitions([
        ['Sender name', m.from_name || '—'],
        ['Subject', h('span', { id: 'revealed-subject' }, m.subject || '')],
      ]),
      h('h3', {}, 'Body'),
      h('pre', { class: 'reveal', id: 'revealed-body' }, m.body || ''));
  }
  const parts = [
    h('h2', { id: 'content-title' }, 'Content'),
    h('p', { class: 'hidden-content' }, 'Subject, body, sender name and full patient IDs are hidden.'),
  ];
  if (isAdmin(session)) {
    parts.push(h('p', {},
      h('button', { type: 'button', id: 'reveal', class: 'danger', onclick: onReveal },
        'Reveal content (audited)'),
      ' ', h('span', { class: 'muted' }, 'Each reveal is written to the audit log under your name.')));
  }
  return h('section', { class: 'card', 'aria-labelledby': 'content-title' }, parts);
}

function deliveriesSection(view) {
  const rows = view.deliveries.flatMap((d) => {
    const sends = d.sends.length ? d.sends : [null];
    return sends.map((send, index) => h('tr', { 'data-delivery-id': d.id },
      index === 0 ? [
        h('td', { rowspan: sends.length, class: 'num' }, String(d.id)),
        h('td', { rowspan: sends.length }, d.patient_external_id),
        h('td', { rowspan: sends.length }, badge(d.state), d.flagged_unconfirmed ? ' unconfirmed' : ''),
        h('td', { rowspan: sends.length, class: 'num' }, String(d.attempts)),
        h('td', { rowspan: sends.length }, d.last_error_class || '—',
          view.revealed && d.last_error ? h('div', { class: 'muted' }, d.last_error) : null),
        h('td', { rowspan: sends.length }, d.metriport_patient_id || '—'),
      ] : [],
      send ? [
        h('td', {}, `${send.part}/${send.parts}`),
        h('td', { class: 'ids' }, send.metriport_message_id || '—'),
        h('td', {}, send.status),
        h('td', { class: 'nowrap' }, formatTime(send.sent_at)),
        h('td', { class: 'nowrap' }, formatTime(send.completed_at)),
      ] : h('td', { colspan: 5, class: 'muted' }, 'No send yet')));
  });
  return h('section', { 'aria-labelledby': 'm-deliveries' },
    h('h2', { id: 'm-deliveries' }, 'Deliveries and sends'),
    table('Deliveries of this message and their Metriport sends',
      ['Delivery', 'Patient', 'State', 'Attempts', 'Last error', 'Metriport patient', 'Part',
        'Metriport message', 'Send status', 'Sent', 'Completed'], rows));
}

function timelineItem(item) {
  let what;
  if (item.kind === 'audit') {
    const detail = item.detail && Object.keys(item.detail).length ? ` ${JSON.stringify(item.detail)}` : '';
    what = [h('strong', {}, item.event), ` by ${item.actor} (${item.entity_type} ${item.entity_id})`,
      h('span', { class: 'muted' }, detail)];
  } else if (item.kind === 'metriport_send_accepted') {
    what = [h('strong', {}, 'Metriport accepted send'),
      ` delivery ${item.delivery_id} part ${item.part}/${item.parts}, message ${item.metriport_message_id || '—'}`];
  } else if (item.kind === 'metriport_status') {
    what = [h('strong', {}, `Metriport status ${item.status}`),
      ` delivery ${item.delivery_id} part ${item.part}/${item.parts}`];
  } else if (item.kind === 'webhook') {
    what = [h('strong', {}, `Webhook ${item.type}`),
      ` ${item.outcome || 'new'} for ${item.metriport_message_id || '—'}`,
      item.times_delivered > 1 ? ` (delivered ${item.times_delivered} times)` : '',
      item.applied_at ? '' : h('span', { class: 'muted' }, ' not applied yet')];
  } else {
    what = [h('strong', {}, item.kind)];
  }
  return h('li', { 'data-kind': item.kind }, h('time', { datetime: item.at }, formatTime(item.at)), what);
}

function lookupForm() {
  const vendor = h('input', { id: 'lookup-vendor', name: 'vendor', required: true, autocomplete: 'off' });
  const external = h('input', { id: 'lookup-external', name: 'external_id', required: true, autocomplete: 'off' });
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Find a message' },
    h('div', { class: 'field' }, h('label', { for: 'lookup-vendor' }, 'Vendor'), vendor),
    h('div', { class: 'field' }, h('label', { for: 'lookup-external' }, 'Message external ID'), external),
    h('div', { class: 'field buttons' }, h('button', { type: 'submit' }, 'Find')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const view = await api.get(`/ops/api/messages${query({ vendor: vendor.value.trim(), external_id: external.value.trim() })}`);
      location.hash = `#/messages/${view.message.id}`;
    } catch (failure) {
      error.textContent = failure.status === 404 ? 'No message matches.' : errorMessage(failure);
    }
  });
  return [form, error];
}

function show(main, view, session, onReveal) {
  const m = view.message;
  replace(main,
    h('p', {}, h('a', { href: '#/deliveries' }, '← Deliveries')),
    h('h1', {}, `Message ${m.external_id}`),
    h('div', { class: 'cards' },
      h('section', { class: 'card', 'aria-labelledby': 'm-meta' },
        h('h2', { id: 'm-meta' }, 'Metadata'),
        definitions([
          ['ID', m.id], ['Vendor', m.vendor], ['External ID', m.external_id], ['Sender ID', m.sender_id],
          ['Portal status', m.status], ['Requested', m.requested_status], ['Priority', m.priority],
          ['Destination', m.destination], ['Recipient NPIs', m.intended_recipient_npi.join(', ') || '—'],
          ['Created', formatTime(m.created_at)], ['Sent', formatTime(m.sent_at)], ['Updated', formatTime(m.updated_at)],
        ])),
      content(view, session, onReveal)),
    h('section', { 'aria-labelledby': 'm-patients' },
      h('h2', { id: 'm-patients' }, `Patients (${view.patients.length})`),
      table('Patients', ['#', 'External ID', 'Representative', 'Represents'],
        view.patients.map((p) => h('tr', {}, h('td', {}, String(p.position)), h('td', {}, p.external_id),
          h('td', {}, p.is_representative ? 'yes' : 'no'), h('td', {}, p.representative_external_id || '—'))))),
    m.files.length ? h('section', { 'aria-labelledby': 'm-files' },
      h('h2', { id: 'm-files' }, `Files (${m.files.length})`),
      table('Files', ['#', 'Name', 'Type', 'Size', 'SHA-256'],
        m.files.map((f) => h('tr', {}, h('td', {}, String(f.position)), h('td', {}, f.file_name),
          h('td', {}, f.content_type), h('td', { class: 'num' }, formatBytes(f.size_bytes)),
          h('td', { class: 'ids' }, f.sha256))))) : null,
    deliveriesSection(view),
    h('section', { 'aria-labelledby': 'm-timeline' },
      h('h2', { id: 'm-timeline' }, 'Timeline'),
      view.timeline_truncated ? h('p', { class: 'muted' }, 'Only the first audit events are shown.') : null,
      h('ol', { class: 'timeline', id: 'timeline' }, view.timeline.map(timelineItem))));
}

async function load(main, route, session, reveal) {
  const id = route.args[0];
  try {
    const view = await api.get(`/ops/api/messages/${encodeURIComponent(id)}${reveal ? '?reveal=1' : ''}`);
    main.messageRevealed = view.revealed;
    show(main, view, session, () => load(main, route, session, true));
  } catch (failure) {
    replace(main, h('h1', {}, 'Message'), h('p', { class: 'error', role: 'alert' },
      failure.status === 404 ? 'No message has this id.' : errorMessage(failure)));
  }
}

export const messageView = {
  async render(main, route, session) {
    main.messageRevealed = false;
    const id = route.args[0];
    if (!id || !uuidPattern.test(id)) {
      replace(main, h('h1', {}, 'Find a message'), lookupForm());
      return;
    }
    await load(main, route, session, false);
  },
  async refresh(main, route, session) {
    // A revealed view is not re-read: each reveal is audited, and hiding it again would surprise.
    const id = route.args[0];
    if (main.messageRevealed || !id || !uuidPattern.test(id)) return;
    await load(main, route, session, false);
  },
};
