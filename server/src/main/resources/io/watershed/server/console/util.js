// Small DOM helpers shared by the pages.

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML. */
export function esc(v) {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Template tag: interpolated values are escaped unless wrapped with raw(). */
export function html(strings, ...values) {
  return strings.reduce((out, s, i) => {
    if (i === 0) return s;
    const v = values[i - 1];
    const text = v && v.__raw !== undefined ? v.__raw : Array.isArray(v) ? v.map((x) => (x && x.__raw !== undefined ? x.__raw : esc(x))).join('') : esc(v);
    return out + text + s;
  }, '');
}

/** Markup to interpolate as it is; an array of pieces is joined without separators. */
export function raw(s) {
  return { __raw: Array.isArray(s) ? s.join('') : s };
}

export function bytes(n) {
  if (n < 1024) return n + ' B';
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n, u = -1;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return v.toFixed(1) + ' ' + units[u];
}

export function num(n) {
  return n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US');
}

export function toast(message, error = false) {
  const box = document.getElementById('toast');
  const d = document.createElement('div');
  d.textContent = message;
  if (error) d.className = 'error';
  box.appendChild(d);
  setTimeout(() => d.remove(), error ? 8000 : 3000);
}

/** Runs fn now and every ms milliseconds; returns a function that stops it. */
export function every(ms, fn) {
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    try { await fn(); } catch (e) { /* shown by the page */ }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  let timer = setTimeout(tick, 0);
  return () => { stopped = true; clearTimeout(timer); };
}

/** The value of a record or event as text to show: JSON pretty-printed, others as they are. */
export function shown(value, format) {
  if (value === null || value === undefined) return 'null';
  if (format === 'json') return JSON.stringify(value, null, 2);
  return String(value);
}

export function errorBox(e) {
  return html`<p class="pill bad">${e.message}</p>`;
}
