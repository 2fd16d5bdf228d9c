// Event-store streams: the list (newest first), a stream's events or $all, forwards or backwards.
import { api } from '../api.js';
import { html, raw, num, shown } from '../util.js';

export default async function streams(main, args, params) {
  if (args.length) return stream(main, args[0], params);
  const r = await api.streams({ limit: 200 });
  main.innerHTML = html`
    <h1>Streams</h1>
    <p><a href="#/streams/%24all">Browse $all</a> · ${num(r.allEndPosition)} events in $all</p>
    <table id="streams-table"><tr><th>Stream</th><th class="num">Last revision</th></tr>
    ${raw(r.streams.map((s) => html`<tr><td><a href="#/streams/${encodeURIComponent(s.name)}">${s.name}</a>
      ${raw(s.system ? '<span class="pill">system</span>' : '')}</td><td class="num">${num(s.lastRevision)}</td></tr>`))}
    </table>${raw(r.streams.length ? '' : '<p class="muted">No streams yet.</p>')}`;
}

async function stream(main, name, params) {
  const direction = params.get('direction') || 'backwards';
  const from = params.get('from');
  const r = await api.stream(name, { direction, from, limit: 20 });
  const link = (p) => `#/streams/${encodeURIComponent(name)}?` + new URLSearchParams(p).toString();
  main.innerHTML = html`
    <h1>${name === '$all' ? 'All events ($all)' : 'Stream ' + name}</h1>
    <div class="toolbar">
      <a href="${link({ direction: 'backwards' })}">Newest</a>
      <a href="${link({ direction: 'forwards' })}">Oldest</a>
      ${raw(r.next !== null ? html`<a href="${link({ direction, from: r.next })}" id="next-page">Next page</a>` : '')}
      <span class="muted">${name === '$all' ? `end position ${num(r.endPosition)}` : `last revision ${num(r.lastRevision)}`}</span>
    </div>
    <table id="events-table"><tr><th class="num">${name === '$all' ? 'Position' : 'Revision'}</th><th>Type</th><th>Stream</th><th>Created</th><th>Data</th><th>Metadata</th></tr>
    ${raw(r.events.map((e) => html`<tr><td class="num">${name === '$all' ? e.position : e.revision}</td><td>${e.type}</td>
      <td><a href="#/streams/${encodeURIComponent(e.stream)}">${e.stream}</a></td><td>${e.created}</td>
      <td><pre class="value">${shown(e.data, e.dataFormat)}</pre></td><td><pre class="value">${e.metadata === null ? '' : shown(e.metadata, 'json')}</pre></td></tr>`))}
    </table>`;
}
