// Kinesis streams: the list; a stream's settings, its shard lineage as a picture, its shards'
// ranges and its enhanced fan-out consumers. Refreshed every few seconds; the page is repainted
// only when what it shows has changed, so tooltips stay open.
import { api } from '../api.js';
import { lineageSvg } from '../lineage.js';
import { html, raw, esc, num, bytes, every, errorBox } from '../util.js';

const POLL_MS = 3000;

export default async function kinesis(main, args) {
  if (args.length) return stream(main, args[0]);
  return repaint(main, async () => {
    const { streams } = await api.kinesisStreams();
    return html`
      <h1>Kinesis streams</h1>
      <table id="kinesis-streams-table"><tr><th>Stream</th><th>Status</th><th>Mode</th><th class="num">Open shards</th>
        <th class="num">Closed shards</th><th class="num">Retention</th><th class="num">Records</th><th class="num">Size</th>
        <th class="num">Consumers</th><th>Origin</th></tr>
      ${raw(streams.map((s) => html`<tr data-stream="${s.name}"><td><a href="#/kinesis/${encodeURIComponent(s.name)}">${s.name}</a></td>
        <td><span class="pill ${statusClass(s.status)}">${s.status}</span></td><td>${s.mode}</td>
        <td class="num">${s.openShards}</td><td class="num">${s.closedShards}</td><td class="num">${s.retentionHours} h</td>
        <td class="num">${num(s.records)}</td><td class="num">${bytes(s.sizeBytes)}</td><td class="num">${s.consumerCount}</td>
        <td>${raw(s.origin === 'topic' ? '<span class="pill" title="a topic made through another door, seen as a stream">topic</span>' : 'kinesis')}</td></tr>`))}
      </table>${raw(streams.length ? '' : '<p class="muted">No streams yet: create one with any Kinesis client (port 4567).</p>')}`;
  });
}

function stream(main, name) {
  return repaint(main, async () => {
    const s = await api.kinesisStream(name);
    const tags = Object.entries(s.tags);
    return html`
      <h1>Kinesis stream ${s.name}</h1>
      <div class="cards">
        <div class="card"><div class="label">Status</div><div class="value" id="stream-status">${s.status}</div></div>
        <div class="card"><div class="label">Mode</div><div class="value">${s.mode}</div></div>
        <div class="card"><div class="label">Shards open / closed</div><div class="value">${s.openShards} / ${s.closedShards}</div></div>
        <div class="card"><div class="label">Retention</div><div class="value">${s.retentionHours} h</div></div>
        <div class="card"><div class="label">Records</div><div class="value">${num(s.records)}</div></div>
        <div class="card"><div class="label">Consumers</div><div class="value">${s.consumers.length}</div></div>
      </div>
      <p class="muted">${s.arn} · topic <a href="#/topics/${encodeURIComponent(s.topic)}">${s.topic}</a> · encryption ${s.encryptionType}
        ${raw(tags.length ? html` · tags ${tags.map(([k, v]) => `${k}=${v}`).join(', ')}` : '')}</p>
      <h2>Shard lineage</h2>
      <div class="legend"><span class="swatch open"></span> open <span class="swatch closed"></span> closed
        <span class="swatch closing"></span> closing · bars span the hash keys each shard holds; parents above their children</div>
      ${raw(lineageSvg(s.shards))}
      <h2>Shards</h2>
      <div class="scroll"><table id="shards-table"><tr><th>Shard</th><th class="num">Partition</th><th>State</th><th>Parents</th><th>Children</th>
        <th>Hash keys</th><th>Sequence numbers</th><th class="num">Records</th></tr>
      ${raw(s.shards.map((sh) => html`<tr data-shard="${sh.shardId}"><td class="nowrap">${sh.shardId}</td><td class="num">${sh.partition}</td>
        <td><span class="pill ${sh.open ? 'ok' : sh.state === 'CLOSING' ? 'warn' : ''}">${sh.state}</span></td>
        <td class="nowrap">${raw([sh.parentShardId, sh.adjacentParentShardId].filter(Boolean).map(esc).join('<br>') || '–')}</td>
        <td class="nowrap">${raw(sh.childShardIds.map(esc).join('<br>') || '–')}</td>
        <td class="mono">${sh.hashKeyRange.startingHashKey} –<br>${sh.hashKeyRange.endingHashKey}</td>
        <td class="mono">${sh.sequenceNumberRange.startingSequenceNumber} –<br>${sh.sequenceNumberRange.endingSequenceNumber ?? 'open'}</td>
        <td class="num">${num(sh.records)}</td></tr>`))}
      </table></div>
      <h2>Enhanced fan-out consumers</h2>
      ${raw(s.consumers.length ? html`<table id="consumers-table"><tr><th>Consumer</th><th>Status</th><th>Registered</th><th>ARN</th></tr>
      ${raw(s.consumers.map((c) => html`<tr><td>${c.name}</td><td><span class="pill ok">${c.status}</span></td><td>${c.created}</td>
        <td class="mono">${c.arn}</td></tr>`))}</table>` : '<p class="muted">No registered consumers.</p>')}`;
  });
}

function statusClass(status) {
  return status === 'ACTIVE' ? 'ok' : status === 'DELETING' ? 'bad' : 'warn';
}

/**
 * Runs {@code render} now and every few seconds, showing the markup it returns (or the error it
 * throws) unless that is what the page shows already; returns the function that stops it.
 */
function repaint(main, render) {
  let shown = null;
  return every(POLL_MS, async () => {
    let markup;
    try {
      markup = await render();
    } catch (e) {
      markup = html`<h1>Kinesis</h1>${raw(errorBox(e))}`;
    }
    if (markup !== shown) {
      main.innerHTML = markup;
      shown = markup;
    }
  });
}
