// Building the page without innerHTML: every value from the server is set as text, never parsed
// as markup, so nothing the API returns can inject script (the CSP forbids inline script anyway).
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      element.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'class') {
      element.className = value;
    } else if (value === true) {
      element.setAttribute(key, '');
    } else {
      element.setAttribute(key, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function replace(container, ...children) {
  container.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
}

export function formatTime(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

// "12-02 06:43:33Z" for tables (the year is in the full form, shown on hover).
export function formatShortTime(iso) {
  const full = formatTime(iso);
  return full === '—' ? full : full.slice(5);
}

export function formatAge(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

export function errorMessage(error) {
  if (error && error.body && error.body.message) {
    return error.body.field ? `${error.body.message} (${error.body.field})` : error.body.message;
  }
  return error && error.message ? error.message : 'Something went wrong.';
}

const svgNamespace = 'http://www.w3.org/2000/svg';

// h() for SVG elements (charts are drawn with DOM calls, never from markup).
export function s(tag, attributes = {}, ...children) {
  const element = document.createElementNS(svgNamespace, tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') element.setAttribute('class', value);
    else element.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function formatCount(value) {
  if (value === null || value === undefined) return '—';
  return Number(value).toLocaleString('en-US');
}

export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

// Seconds from an ISO instant to `now` (a Date or ISO text; default the browser's clock).
export function secondsSince(iso, now = new Date()) {
  if (!iso) return null;
  const then = new Date(iso).getTime();
  const at = typeof now === 'string' ? new Date(now).getTime() : now.getTime();
  if (Number.isNaN(then) || Number.isNaN(at)) return null;
  return Math.max(0, (at - then) / 1000);
}

// A definition list from [term, value] pairs; values may be nodes.
export function definitions(pairs, attributes = {}) {
  return h('dl', { class: 'kv', ...attributes },
    pairs.filter(Boolean).flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

// A table with a caption (visible or for screen readers), header cells and rows of cells.
export function table(caption, headers, rows, { captionClass = 'sr-only', empty = 'Nothing to show.' } = {}) {
  const body = rows.length
    ? rows
    : [h('tr', {}, h('td', { colspan: headers.length, class: 'muted' }, empty))];
  // Focusable and named, so keyboard users can scroll a wide table on a narrow screen.
  return h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': caption },
    h('table', {},
      h('caption', { class: captionClass }, caption),
      h('thead', {}, h('tr', {}, headers.map((name) => h('th', { scope: 'col' }, name)))),
      h('tbody', {}, body)));
}

export function badge(state) {
  return h('span', { class: `badge ${state}` }, state);
}

// A button that runs an async action once at a time (disabled while it runs).
export function actionButton(label, action, attributes = {}) {
  const button = h('button', { type: 'button', ...attributes }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await action();
    } finally {
      if (button.isConnected) button.disabled = false;
    }
  });
  return button;
}
