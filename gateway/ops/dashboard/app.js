// The dashboard shell: session handling, hash routing to one view at a time, the paused banner and
// the live refresh (every 5 s unless the operator pauses it). Views live in view-*.js.
import { api, setCsrfToken, setUnauthorizedHandler } from '/ops/api.js';
import { h, replace } from '/ops/dom.js';
import { loginView } from '/ops/view-login.js';
import { views } from '/ops/views.js';

const state = { session: null, timer: null, current: null };
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

async function render() {
  if (!state.session) {
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
  state.current = { view, route };
  await view.render(main, route, state.session);
  await refreshBanner();
  document.getElementById('updated').textContent = `Updated ${new Date().toLocaleTimeString()}`;
}

async function tick() {
  if (!document.getElementById('live').checked || !state.session || !state.current) return;
  if (document.activeElement && main.contains(document.activeElement) &&
      ['INPUT', 'SELECT', 'TEXTAREA'].includes(document.activeElement.tagName)) {
    return;  // never redraw under the operator's typing
  }
  if (state.current.view.refresh) {
    await state.current.view.refresh(main, state.current.route, state.session);
    await refreshBanner();
    document.getElementById('updated').textContent = `Updated ${new Date().toLocaleTimeString()}`;
  }
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
  window.addEventListener('hashchange', () => render());
  await loadSession();
  await render();
  state.timer = setInterval(() => tick().catch(() => {}), 5000);
}

start();
