// The dashboard shell: session handling, hash routing to one view at a time, the paused banner and
// the live refresh (every 5 s unless the operator pauses it). Views live in view-*.js.
import { api, setCsrfToken, setUnauthorizedHandler } from '/ops/api.js';
import { h, replace } from '/ops/dom.js';
import { loginView } from '/ops/view-login.js';
import { views } from '/ops/views.js';

const state = { session: null, timer: null, current: null, ticking: false };
const main = document.getElementById('main');

function showSession(session) {
  state.session = session;
  setCsrfToken(session ? session.csrf_token : null);
  document.getElementById('nav').hidden = !session;
  document.getElementById('session').hidden = !session;
  if (session) {
    document.getElementById('session-name').textContent = session.name;
    document.getElementById('session-role').textContent = session.role;
  }
}

async function loadSession() {
  try {
    showSession(await api.get('/ops/api/session'));
  } catch {
    showSession(null);
  }
}

function parseHash() {
  const hash = location.hash.replace(/^#/, '') || '/overview';
  const [path, search = ''] = hash.split('?');
  const parts = path.split('/').filter(Boolean);
  return { name: parts[0] || 'overview', args: parts.slice(1), params: new URLSearchParams(search) };
}

function markNavigation(name) {
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.view === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

export async function refreshBanner() {
  const banner = document.getElementById('banner');
  if (!state.session) {
    banner.hidden = true;
    return;
  }
  try {
    const pauses = await api.get('/ops/api/pauses');
    const list = (pauses && pauses.pauses) || [];
    if (list.length === 0) {
      banner.hidden = true;
      return;
    }
    const text = list
      .map((p) => (p.vendor ? `vendor ${p.vendor}` : 'all vendors'))
      .join(', ');
    replace(banner, h('strong', {}, 'Relaying is paused: '), text,
      ' — intake still accepts messages; nothing is sent until resumed.');
    banner.hidden = false;
  } catch {
    // The banner is advisory; the overview shows the same state.
  }
}

// Each render draws into a fresh container, so a refresh still running for a view the operator
// has left writes into a detached element instead of over the new view.
async function render({ focus = false } = {}) {
  if (!state.session) {
    state.current = null;
    replace(main, loginView(async (session) => {
      showSession(session);
      if (!location.hash || location.hash === '#/login') location.hash = '#/overview';
      await render();
    }));
    markNavigation(null);
    return;
  }
  const route = parseHash();
  const view = views[route.name] || views.overview;
  markNavigation(views[route.name] ? route.name : 'overview');
  const container = h('div', { class: 'view', 'data-view': views[route.name] ? route.name : 'overview' });
  replace(main, container);
  state.current = { view, route, container };
  if (focus) main.focus({ preventScroll: true });
  await view.render(container, route, state.session);
  await refreshBanner();
  stamp();
}

function stamp() {
  document.getElementById('updated').textContent = `Updated ${new Date().toLocaleTimeString()}`;
}

async function tick() {
  if (!document.getElementById('live').checked || !state.session || !state.current) return;
  if (document.querySelector('dialog[open]')) return;  // never redraw under a confirmation
  const active = document.activeElement;
  if (active && main.contains(active) && ['INPUT', 'SELECT', 'TEXTAREA'].includes(active.tagName)) {
    return;  // never redraw under the operator's typing
  }
  const { view, route, container } = state.current;
  if (!view.refresh) return;
  // Keyboard focus survives the redraw when the focused control has an id or a label.
  const focusId = active && main.contains(active) ? active.id : '';
  const focusLabel = active && main.contains(active) ? active.getAttribute('aria-label') : null;
  await view.refresh(container, route, state.session);
  if (focusId || focusLabel) {
    const again = focusId ? document.getElementById(focusId)
      : [...main.querySelectorAll('[aria-label]')].find((e) => e.getAttribute('aria-label') === focusLabel);
    if (again && document.activeElement !== again) again.focus({ preventScroll: true });
  }
  await refreshBanner();
  stamp();
}

async function start() {
  setUnauthorizedHandler(() => {
    if (state.session) {
      showSession(null);
      render();
    }
  });
  document.getElementById('logout').addEventListener('click', async () => {
    try {
      await api.post('/ops/api/logout');
    } finally {
      showSession(null);
      location.hash = '#/login';
      await render();
    }
  });
  window.addEventListener('hashchange', () => render({ focus: true }));
  window.addEventListener('relay:pauses-changed', () => refreshBanner());
  await loadSession();
  await render();
  // One refresh at a time: a slow answer delays the next tick instead of piling up requests.
  state.timer = setInterval(() => {
    if (state.ticking) return;
    state.ticking = true;
    tick().catch(() => {}).finally(() => { state.ticking = false; });
  }, 5000);
}

start();
