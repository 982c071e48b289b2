// The overview's activity chart. The summary gives counts over the last 1, 5 and 15 minutes only,
// so the page keeps its own ring of samples (each refresh's 1-minute counts, for up to an hour, in
// sessionStorage) and draws those as inline SVG built with DOM calls.
import { h, s, formatTime } from '/ops/dom.js';

export const measures = ['intake', 'sends', 'completions', 'failures'];
const storageKey = 'relay-ops-activity-samples';
const hourMs = 60 * 60 * 1000;
const maxSamples = 800;

function loadSamples() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(storageKey) || '[]');
    return Array.isArray(stored) ? stored : [];
  } catch {
    return [];
  }
}

// Adds this summary's 1-minute counts to the ring and answers the samples of the last hour.
export function recordSample(summary) {
  const t = new Date(summary.generated_at).getTime();
  let samples = loadSamples().filter((sample) => t - sample.t <= hourMs && sample.t <= t);
  const last = samples[samples.length - 1];
  if (!last || t - last.t >= 2000) {
    const sample = { t };
    for (const m of measures) sample[m] = (summary.rates[m] && summary.rates[m]['1m']) || 0;
    samples.push(sample);
  }
  samples = samples.slice(-maxSamples);
  try {
    sessionStorage.setItem(storageKey, JSON.stringify(samples));
  } catch {
    // storage full or off: the chart still shows this page's samples
  }
  return samples;
}

// A step of 1, 2 or 5 times a power of ten, so four steps cover `value` with round labels.
function niceStep(value) {
  const raw = Math.max(1, value / 4);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const step of [1, 2, 5, 10]) {
    if (raw <= step * power) return step * power;
  }
  return 10 * power;
}

export function activityChart(samples) {
  const width = 720;
  const height = 190;
  const left = 44;
  const right = 12;
  const top = 12;
  const bottom = 28;
  const end = samples.length ? samples[samples.length - 1].t : Date.now();
  // The axis spans the hour once the page has sampled that long; before that, the time sampled
  // (at least five minutes), so a fresh page's samples are not squeezed against the right edge.
  const first = samples.length ? samples[0].t : end;
  const spanMinutes = Math.min(60, Math.max(5, Math.ceil((end - first) / 60000 / 5) * 5));
  const spanMs = spanMinutes * 60000;
  const start = end - spanMs;
  const step = niceStep(Math.max(0, ...samples.flatMap((sample) => measures.map((m) => sample[m]))));
  const peak = step * 4;
  const x = (t) => left + ((t - start) / spanMs) * (width - left - right);
  const y = (v) => top + (1 - v / peak) * (height - top - bottom);

  const grid = [];
  for (let i = 0; i <= 4; i += 1) {
    const value = step * i;
    grid.push(s('line', { class: 'grid', x1: left, x2: width - right, y1: y(value), y2: y(value) }));
    grid.push(s('text', { class: 'axis', x: left - 6, y: y(value) + 4, 'text-anchor': 'end' },
      value));
  }
  const tick = spanMinutes <= 10 ? 1 : spanMinutes <= 30 ? 5 : 15;
  for (let minutes = spanMinutes - (spanMinutes % tick); minutes >= 0; minutes -= tick) {
    const t = end - minutes * 60 * 1000;
    grid.push(s('text', { class: 'axis', x: x(t), y: height - 8, 'text-anchor': 'middle' },
      minutes ? `−${minutes} min` : 'now'));
  }

  const series = measures.map((m) => {
    const points = samples.map((sample) => `${x(sample.t).toFixed(1)},${y(sample[m]).toFixed(1)}`);
    if (samples.length === 1) {
      return s('circle', { class: `series ${m}`, cx: x(samples[0].t), cy: y(samples[0][m]), r: 3 });
    }
    return s('polyline', { class: `series ${m}`, points: points.join(' ') });
  });

  const latest = samples[samples.length - 1] || {};
  const description = measures.map((m) => `${m} ${latest[m] ?? 0}`).join(', ');
  const since = samples.length ? formatTime(new Date(samples[0].t).toISOString()) : '—';
  return h('figure', { class: 'chart-figure' },
    s('svg', {
      class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img',
      'aria-label': `Events per minute over the last ${spanMinutes} minutes as sampled by this page; latest: ${description}.`,
    }, grid, series),
    h('ul', { class: 'legend', 'aria-label': 'Legend' },
      measures.map((m) => h('li', { class: m }, m))),
    h('figcaption', { class: 'muted small' },
      `Events in the trailing minute, sampled by this page at each refresh since ${since}; last ${spanMinutes} min shown. `
      + 'The server keeps 1, 5 and 15-minute counts only (table), so the chart grows to an hour while the page stays open.'));
}
