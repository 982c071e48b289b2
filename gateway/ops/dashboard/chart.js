// The overview's activity chart: the last hour per minute from GET /ops/api/activity (counted from
// audit events by the server, so every process's work shows), drawn as inline SVG with DOM calls.
import { h, s, formatTime } from '/ops/dom.js';

export const measures = ['intake', 'sends', 'completions', 'failures'];

// A step of 1, 2 or 5 times a power of ten, so four steps cover `value` with round labels.
function niceStep(value) {
  const raw = Math.max(1, value / 4);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const step of [1, 2, 5, 10]) {
    if (raw <= step * power) return step * power;
  }
  return 10 * power;
}

// activity: {"as_of", "minute_seconds", "series": {measure: [counts, oldest minute first]}}.
export function activityChart(activity) {
  const width = 720;
  const height = 190;
  const left = 44;
  const right = 12;
  const top = 12;
  const bottom = 28;
  const minutes = (activity.series[measures[0]] || []).length || 60;
  const end = new Date(activity.as_of).getTime();
  const minuteMs = (activity.minute_seconds || 60) * 1000;
  const spanMs = minutes * minuteMs;
  const start = end - spanMs;
  const counts = (m) => activity.series[m] || [];
  const step = niceStep(Math.max(0, ...measures.flatMap(counts)));
  const peak = step * 4;
  // Bucket i covers the minute ending (minutes - 1 - i) minutes before as_of: drawn at its end.
  const x = (i) => left + (((i + 1) * minuteMs) / spanMs) * (width - left - right);
  const y = (v) => top + (1 - v / peak) * (height - top - bottom);

  const grid = [];
  for (let i = 0; i <= 4; i += 1) {
    const value = step * i;
    grid.push(s('line', { class: 'grid', x1: left, x2: width - right, y1: y(value), y2: y(value) }));
    grid.push(s('text', { class: 'axis', x: left - 6, y: y(value) + 4, 'text-anchor': 'end' },
      value));
  }
  for (let ago = minutes; ago >= 0; ago -= 15) {
    grid.push(s('text', { class: 'axis', x: x(minutes - 1 - ago), y: height - 8, 'text-anchor': 'middle' },
      ago ? `−${ago} min` : 'now'));
  }

  const series = measures.map((m) => s('polyline', {
    class: `series ${m}`,
    points: counts(m).map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' '),
  }));

  const totals = measures.map((m) => `${m} ${counts(m).reduce((a, b) => a + b, 0)}`).join(', ');
  return h('figure', { class: 'chart-figure' },
    s('svg', {
      class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img',
      'aria-label': `Events per minute over the last ${minutes} minutes; totals: ${totals}.`,
    }, grid, series),
    h('ul', { class: 'legend', 'aria-label': 'Legend' },
      measures.map((m) => h('li', { class: m }, m))),
    h('figcaption', { class: 'muted small' },
      `Events per minute over the last hour, every gateway process, as of ${formatTime(activity.as_of)}.`));
}
