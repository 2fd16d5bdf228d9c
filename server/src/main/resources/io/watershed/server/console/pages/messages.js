// The message browser: one partition from the oldest or newest records, an offset or a time;
// values shown as JSON, text, hex or base64.
import { api } from '../api.js';
import { html, raw, num, shown, errorBox } from '../util.js';

export default async function messages(main, args, params) {
  const { topics } = await api.topics();
  const topic = params.get('topic') || (topics.find((t) => !t.internal) || topics[0] || {}).name || '';
  const current = topics.find((t) => t.name === topic);
  const partitions = current ? current.partitions : 1;
  const st = {
    partition: Number(params.get('partition') || 0),
    mode: params.get('mode') || 'oldest',
    offset: params.get('offset') || '0',
    time: params.get('time') || '',
    format: params.get('format') || 'auto',
    limit: params.get('limit') || '50',
  };
  main.innerHTML = html`
    <h1>Messages</h1>
    <form class="inline" id="browse">
      <label>Topic <select name="topic" id="browse-topic">${raw(topics.map((t) => html`<option ${raw(t.name === topic ? 'selected' : '')}>${t.name}</option>`))}</select></label>
      <label>Partition <select name="partition" id="browse-partition">${raw(Array.from({ length: partitions }, (_, p) => html`<option value="${p}" ${raw(p === st.partition ? 'selected' : '')}>${p}</option>`))}</select></label>
      <label>From <select name="mode" id="browse-mode">
        ${raw(['oldest', 'newest', 'offset', 'time'].map((m) => html`<option ${raw(m === st.mode ? 'selected' : '')}>${m}</option>`))}</select></label>
      <label>Offset <input name="offset" id="browse-offset" type="number" min="0" value="${st.offset}" style="width:110px"></label>
      <label>Time <input name="time" id="browse-time" type="datetime-local" step="1" value="${st.time}"></label>
      <label>Show value as <select name="format" id="browse-format">
        ${raw(['auto', 'json', 'text', 'hex', 'base64'].map((f) => html`<option ${raw(f === st.format ? 'selected' : '')}>${f}</option>`))}</select></label>
      <label>Max <input name="limit" type="number" min="1" max="1000" value="${st.limit}" style="width:80px"></label>
      <button type="submit" id="browse-button">Show</button>
    </form>
    <div id="browse-summary" class="muted"></div>
    <table id="messages-table"><thead><tr><th class="num">Offset</th><th>Timestamp</th><th>Key</th><th>Value</th><th>Headers</th></tr></thead><tbody></tbody></table>`;
  const form = main.querySelector('#browse');
  form.querySelector('#browse-topic').addEventListener('change', (ev) => {
    location.hash = '#/messages?topic=' + encodeURIComponent(ev.target.value);
  });
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(main, form); });
  if (topic) await load(main, form);
}

async function load(main, form) {
  const f = new FormData(form);
  const p = { limit: f.get('limit'), format: f.get('format') };
  if (f.get('mode') === 'newest') p.tail = true;
  if (f.get('mode') === 'offset') p.offset = f.get('offset');
  if (f.get('mode') === 'time' && f.get('time')) p.timestamp = new Date(f.get('time')).getTime();
  const body = main.querySelector('#messages-table tbody');
  const summary = main.querySelector('#browse-summary');
  try {
    const r = await api.browse(f.get('topic'), f.get('partition'), p);
    summary.textContent = `partition ${r.partition}: offsets ${num(r.startOffset)} to ${num(r.endOffset)}; showing ${r.records.length} from ${num(r.from)}`;
    body.innerHTML = r.records.map((m) => html`<tr data-offset="${m.offset}">
      <td class="num">${m.offset}</td><td>${new Date(m.timestamp).toISOString()}</td>
      <td><pre class="value">${m.key === null ? '' : m.key}</pre></td>
      <td><pre class="value" data-format="${m.valueFormat}">${shown(m.value, m.valueFormat)}</pre><span class="muted">${m.valueFormat} · ${m.valueSize} B</span></td>
      <td>${raw(m.headers.map((h) => html`<div><b>${h.key}</b>: ${h.value}</div>`))}</td></tr>`).join('')
      || html`<tr><td colspan="5" class="muted">no records</td></tr>`;
  } catch (e) {
    summary.innerHTML = errorBox(e);
    body.innerHTML = '';
  }
}
