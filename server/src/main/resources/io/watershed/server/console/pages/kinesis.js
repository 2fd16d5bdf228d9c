// Kinesis streams and their shard lineage, once the Kinesis door is part of the server.
import { api } from '../api.js';
import { html } from '../util.js';

export default async function kinesis(main) {
  try {
    const { streams } = await api.kinesisStreams();
    main.innerHTML = html`<h1>Kinesis streams</h1><p>${streams.length} streams.</p>`;
  } catch (e) {
    main.innerHTML = html`<h1>Kinesis streams</h1><p class="muted">${e.status === 501 ? 'The Kinesis front door is not part of this server yet; its streams and shard lineage will show here.' : e.message}</p>`;
  }
}
