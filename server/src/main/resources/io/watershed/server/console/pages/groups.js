// Consumer groups: the list with state, members and lag; a group's members and lag per partition.
import { api } from '../api.js';
import { html, raw, num, every } from '../util.js';

const POLL_MS = 2000;

export default async function groups(main, args) {
  if (args.length) return group(main, args[0]);
  const render = async () => {
    const { groups } = await api.groups();
    main.innerHTML = html`
      <h1>Consumer groups</h1>
      <table id="groups-table"><tr><th>Group</th><th>Type</th><th>State</th><th class="num">Members</th><th class="num">Lag</th><th>Topics</th></tr>
      ${raw(groups.map((g) => html`<tr data-group="${g.groupId}"><td><a href="#/groups/${encodeURIComponent(g.groupId)}">${g.groupId}</a></td>
        <td>${g.type}</td><td><span class="pill ${g.state === 'Stable' ? 'ok' : ''}">${g.state}</span></td>
        <td class="num">${g.members}</td><td class="num" data-lag="${g.lag}">${num(g.lag)}</td><td>${g.topics.join(', ')}</td></tr>`))}
      </table>${raw(groups.length ? '' : '<p class="muted">No consumer groups yet.</p>')}`;
  };
  return every(POLL_MS, render);
}

async function group(main, id) {
  return every(POLL_MS, async () => {
    const g = await api.group(id);
    main.innerHTML = html`
      <h1>Consumer group ${g.groupId}</h1>
      <div class="cards">
        <div class="card"><div class="label">State</div><div class="value">${g.state}</div></div>
        <div class="card"><div class="label">Type</div><div class="value">${g.type}</div></div>
        <div class="card"><div class="label">Members</div><div class="value">${g.members.length}</div></div>
        <div class="card"><div class="label">Total lag</div><div class="value" id="group-lag" data-lag="${g.lag}">${num(g.lag)}</div></div>
      </div>
      <h2>Lag per partition</h2>
      <table id="group-offsets"><tr><th>Topic</th><th class="num">Partition</th><th class="num">Committed</th><th class="num">End</th><th class="num">Lag</th><th>Member</th></tr>
      ${raw(g.offsets.map((o) => html`<tr data-topic="${o.topic}" data-partition="${o.partition}"><td>${o.topic}</td><td class="num">${o.partition}</td>
        <td class="num">${num(o.committedOffset)}</td><td class="num">${num(o.endOffset)}</td>
        <td class="num lag" data-lag="${o.lag ?? ''}">${num(o.lag)}</td><td class="muted">${o.memberId ?? '–'}</td></tr>`))}
      </table>
      <h2>Members</h2>
      <table><tr><th>Member</th><th>Client</th><th>Host</th><th>Assignment</th></tr>
      ${raw(g.members.map((m) => html`<tr><td>${m.memberId}</td><td>${m.clientId}</td><td>${m.host}</td>
        <td>${Object.entries(m.assignment).map(([t, ps]) => `${t} [${ps.join(', ')}]`).join('; ')}</td></tr>`))}
      </table>
      <p class="muted">Reset offsets with <code>bin/watershed groups reset-offsets ${g.groupId} --topic T --to-earliest --execute</code> while the group has no members.</p>`;
  });
}
