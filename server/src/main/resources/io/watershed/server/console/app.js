// The console: a hash router over pages, each rendering into <main> from the admin API.
import { api } from './api.js';
import { errorBox } from './util.js';
import overview from './pages/overview.js';
import topics from './pages/topics.js';
import messages from './pages/messages.js';
import groups from './pages/groups.js';
import streams from './pages/streams.js';
import subscriptions from './pages/subscriptions.js';
import kinesis from './pages/kinesis.js';

const PAGES = { overview, topics, messages, groups, streams, subscriptions, kinesis };

let stop = null;

/** #/page/arg?x=y → { page, args, params } */
function parse() {
  const [path, q] = location.hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] || 'overview', args: parts.slice(1), params: new URLSearchParams(q || '') };
}

async function route() {
  if (stop) { stop(); stop = null; }
  const { page, args, params } = parse();
  const render = PAGES[page] || overview;
  document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('active', a.dataset.page === page));
  const main = document.getElementById('page');
  main.dataset.page = page;
  try {
    stop = (await render(main, args, params)) || null;
  } catch (e) {
    main.innerHTML = errorBox(e);
  }
}

async function status() {
  const el = document.getElementById('server-status');
  try {
    const c = await api.cluster();
    el.textContent = `${c.ready ? 'ready' : 'starting'} · v${c.version} · ${c.topics} topics`;
  } catch (e) {
    el.textContent = 'server unreachable';
  }
}

window.addEventListener('hashchange', route);
route();
status();
setInterval(status, 10000);
