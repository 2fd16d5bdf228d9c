// Overview: the doors, totals, and live charts of records in/out per second and request latency.
import { api } from '../api.js';
import { LineChart } from '../chart.js';
import { html, raw, num, bytes, every } from '../util.js';

const POLL_MS = 2000;

export default async function overview(main) {
  const cluster = await api.cluster();
  main.innerHTML = html`
    <h1>Overview</h1>
    <div class="cards">
      <div class="card"><div class="label">Topics</div><div class="value" id="topics">${cluster.topics}</div></div>
      <div class="card"><div class="label">Partitions</div><div class="value">${cluster.partitions}</div></div>
      <div class="card"><div class="label">Consumer groups</div><div class="value">${cluster.groups}</div></div>
      <div class="card"><div class="label">Records in / s</div><div class="value" id="in-rate">0</div></div>
      <div class="card"><div class="label">Records out / s</div><div class="value" id="out-rate">0</div></div>
      <div class="card"><div class="label">Bytes in / out total</div><div class="value" id="bytes">–</div></div>
    </div>
    <div class="charts">
      <div class="chart"><div class="title">Records per second</div>
        <div class="legend"><span style="color:var(--in)">■ in</span><span style="color:var(--out)">■ out</span></div>
        <canvas id="throughput" data-testid="throughput-chart"></canvas></div>
      <div class="chart"><div class="title">Request latency (ms)</div>
        <div class="legend"><span style="color:#8250df">■ mean</span><span style="color:#cf222e">■ p99</span></div>
        <canvas id="latency" data-testid="latency-chart"></canvas></div>
    </div>
    <h2>Front doors</h2>
    <table><tr><th>Door</th><th>Status</th><th class="num">Port</th><th class="num">Connections</th><th class="num">Requests</th><th class="num">Errors</th></tr>
    <tbody id="doors">${raw(doorRows(cluster, null))}</tbody></table>
    <p class="muted">Data in ${cluster.dataDir} · log.flush ${cluster.logFlush} · cluster ${cluster.clusterId}</p>`;
  const throughput = new LineChart(main.querySelector('#throughput'), [
    { name: 'in', color: '#1f6feb' }, { name: 'out', color: '#2da44e' }]);
  const latency = new LineChart(main.querySelector('#latency'), [
    { name: 'mean', color: '#8250df' }, { name: 'p99', color: '#cf222e' }], { unit: '' });
  let previous = null;
  return every(POLL_MS, async () => {
    const s = await api.stats();
    if (previous) {
      const dt = (s.timeMs - previous.timeMs) / 1000 || 1;
      const inRate = (s.recordsIn - previous.recordsIn) / dt;
      const outRate = (s.recordsOut - previous.recordsOut) / dt;
      throughput.push([inRate, outRate]);
      const canvas = main.querySelector('#throughput');
      canvas.dataset.inRate = inRate.toFixed(1);
      canvas.dataset.outRate = outRate.toFixed(1);
      canvas.dataset.maxInRate = throughput.max(0).toFixed(1);
      canvas.dataset.maxOutRate = throughput.max(1).toFixed(1);
      main.querySelector('#in-rate').textContent = num(Math.round(inRate));
      main.querySelector('#out-rate').textContent = num(Math.round(outRate));
      const [mean, p99] = latencies(s, previous);
      latency.push([mean, p99]);
    }
    main.querySelector('#bytes').textContent = `${bytes(s.bytesIn)} / ${bytes(s.bytesOut)}`;
    const c = await api.cluster();
    main.querySelector('#doors').innerHTML = doorRows(c, s);
    previous = s;
  });
}

function doorRows(cluster, stats) {
  return Object.entries(cluster.doors).map(([name, d]) => {
    const st = stats && stats.doors[name];
    const ok = d.status === 'listening';
    return html`<tr><td>${name}</td><td><span class="pill ${ok ? 'ok' : ''}">${d.status}</span></td>
      <td class="num">${d.port ?? '–'}</td><td class="num">${d.connections ?? '–'}</td>
      <td class="num">${st ? num(st.requests) : '–'}</td><td class="num">${st ? num(st.errors) : '–'}</td></tr>`;
  }).join('');
}

/** Mean and p99 latency (ms) of the requests answered between two samples, all doors together. */
function latencies(s, p) {
  let count = 0, nanos = 0;
  const buckets = new Array(s.bucketBoundsSeconds.length + 1).fill(0);
  for (const [name, d] of Object.entries(s.doors)) {
    const q = p.doors[name] || { requests: 0, nanos: 0, buckets: buckets.map(() => 0) };
    count += d.requests - q.requests;
    nanos += d.nanos - q.nanos;
    d.buckets.forEach((b, i) => { buckets[i] += b - (q.buckets[i] || 0); });
  }
  if (count <= 0) return [0, 0];
  const rank = Math.ceil(count * 0.99);
  let seen = 0, p99 = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i];
    if (seen >= rank) { p99 = (s.bucketBoundsSeconds[i] ?? s.bucketBoundsSeconds.at(-1)) * 1000; break; }
  }
  return [nanos / count / 1e6, p99];
}
