// Topics: the list with a create form; a topic's partitions (offsets, sizes, traffic) and configs.
import { api } from '../api.js';
import { html, raw, num, bytes, toast } from '../util.js';

export default async function topics(main, args) {
  if (args.length) return topic(main, args[0]);
  const { topics } = await api.topics();
  main.innerHTML = html`
    <h1>Topics</h1>
    <form class="inline" id="create-topic">
      <label>Name <input name="name" id="new-topic-name" required pattern="[a-zA-Z0-9._-]+"></label>
      <label>Partitions <input name="partitions" id="new-topic-partitions" type="number" min="1" value="1" style="width:90px"></label>
      <label>Retention (ms) <input name="retention" placeholder="default" style="width:130px"></label>
      <label>Cleanup <select name="cleanup"><option value="">default</option><option>delete</option><option>compact</option><option value="compact,delete">compact,delete</option></select></label>
      <button type="submit" id="create-topic-button">Create topic</button>
    </form>
    <table id="topics-table"><tr><th>Topic</th><th class="num">Partitions</th><th class="num">Records</th><th class="num">Size</th><th>Cleanup</th><th></th></tr>
    ${raw(topics.map((t) => html`<tr data-topic="${t.name}"><td><a href="#/topics/${encodeURIComponent(t.name)}">${t.name}</a>
      ${raw(t.internal ? '<span class="pill">internal</span>' : '')}</td>
      <td class="num">${t.partitions}</td><td class="num">${num(t.records)}</td><td class="num">${bytes(t.sizeBytes)}</td>
      <td>${t.cleanupPolicy}</td><td><a href="#/messages?topic=${encodeURIComponent(t.name)}">messages</a></td></tr>`))}
    </table>`;
  main.querySelector('#create-topic').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const configs = {};
    if (f.get('retention')) configs['retention.ms'] = f.get('retention');
    if (f.get('cleanup')) configs['cleanup.policy'] = f.get('cleanup');
    try {
      await api.createTopic(f.get('name'), Number(f.get('partitions')), configs);
      toast(`created topic ${f.get('name')}`);
      location.hash = '#/topics/' + encodeURIComponent(f.get('name'));
    } catch (e) {
      toast(e.message, true);
    }
  });
}

async function topic(main, name) {
  const t = await api.topic(name);
  main.innerHTML = html`
    <h1>Topic ${t.name} ${raw(t.internal ? '<span class="pill">internal</span>' : '')}</h1>
    <div class="cards">
      <div class="card"><div class="label">Partitions</div><div class="value">${t.partitionCount}</div></div>
      <div class="card"><div class="label">Records</div><div class="value" id="topic-records">${num(t.records)}</div></div>
      <div class="card"><div class="label">Size</div><div class="value">${bytes(t.sizeBytes)}</div></div>
    </div>
    <div class="toolbar"><a href="#/messages?topic=${encodeURIComponent(t.name)}">Browse messages</a>
      ${raw(t.internal ? '' : '<button class="danger" id="delete-topic">Delete topic</button>')}</div>
    <h2>Partitions</h2>
    <table id="partitions"><tr><th class="num">Partition</th><th class="num">Start</th><th class="num">End</th><th class="num">Records</th>
      <th class="num">Size</th><th class="num">Segments</th><th class="num">Records in</th><th class="num">Records out</th></tr>
    ${raw(t.partitions.map((p) => html`<tr><td class="num"><a href="#/messages?topic=${encodeURIComponent(t.name)}&partition=${p.partition}">${p.partition}</a></td>
      <td class="num">${num(p.startOffset)}</td><td class="num">${num(p.endOffset)}</td><td class="num">${num(p.records)}</td>
      <td class="num">${bytes(p.sizeBytes)}</td><td class="num">${p.segments}</td><td class="num">${num(p.recordsIn)}</td><td class="num">${num(p.recordsOut)}</td></tr>`))}
    </table>
    <h2>Configs</h2>
    <table id="configs"><tr><th>Config</th><th>Value</th><th>Source</th></tr>
    ${raw(Object.entries(t.configs).map(([k, c]) => html`<tr><td>${k}</td><td>${c.value}</td>
      <td><span class="pill ${c.source === 'topic' ? 'warn' : ''}">${c.source}</span></td></tr>`))}
    </table>
    ${raw(t.internal ? '' : html`<form class="inline" id="alter" style="margin-top:12px">
      <label>Config <select name="key">${raw(Object.keys(t.configs).map((k) => html`<option>${k}</option>`))}</select></label>
      <label>Value <input name="value" placeholder="empty: back to default"></label>
      <button type="submit">Set</button></form>`)}`;
  const del = main.querySelector('#delete-topic');
  if (del) del.addEventListener('click', async () => {
    if (!confirm(`Delete topic ${t.name} and all its records?`)) return;
    try { await api.deleteTopic(t.name); toast(`deleted ${t.name}`); location.hash = '#/topics'; } catch (e) { toast(e.message, true); }
  });
  const alter = main.querySelector('#alter');
  if (alter) alter.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const key = f.get('key'), value = f.get('value');
    try {
      await api.alterConfigs(t.name, value ? { [key]: value } : {}, value ? [] : [key]);
      toast(`${key} ${value ? 'set' : 'reset'}`);
      topic(main, name);
    } catch (e) { toast(e.message, true); }
  });
}
