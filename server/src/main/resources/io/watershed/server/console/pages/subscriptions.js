// Persistent subscriptions: each group's positions, backlog, in-flight and parked events.
import { api } from '../api.js';
import { html, raw, num, toast, every } from '../util.js';

export default async function subscriptions(main) {
  return every(3000, async () => {
    const { subscriptions } = await api.subscriptions();
    main.innerHTML = html`
      <h1>Persistent subscriptions</h1>
      <table id="subscriptions-table"><tr><th>Stream</th><th>Group</th><th>Status</th><th>Strategy</th><th class="num">Checkpoint</th>
        <th class="num">Last known</th><th class="num">Backlog</th><th class="num">In flight</th><th class="num">Parked</th><th class="num">Connections</th><th></th></tr>
      ${raw(subscriptions.map((s) => html`<tr><td>${s.stream}</td><td>${s.group}</td><td><span class="pill ${s.status === 'Live' ? 'ok' : 'warn'}">${s.status}</span></td>
        <td>${s.strategy}</td><td class="num">${num(s.lastCheckpointedPosition)}</td><td class="num">${num(s.lastKnownPosition)}</td>
        <td class="num">${num(s.backlog)}</td><td class="num">${num(s.inFlight)}</td><td class="num">${num(s.parked)}</td><td class="num">${s.connectionCount}</td>
        <td>${raw(s.parked > 0 ? html`<button class="secondary" data-replay="${s.stream}" data-group="${s.group}">Replay parked</button>` : '')}</td></tr>`))}
      </table>${raw(subscriptions.length ? '' : '<p class="muted">No persistent subscription groups.</p>')}`;
    main.querySelectorAll('button[data-replay]').forEach((b) => b.addEventListener('click', async () => {
      try { await api.replayParked(b.dataset.replay, b.dataset.group); toast('replaying parked events'); } catch (e) { toast(e.message, true); }
    }));
  });
}
