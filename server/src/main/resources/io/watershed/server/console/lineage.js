// A Kinesis stream's shard lineage as an SVG picture. The x axis is the hash-key space (0 to
// 2^128), so each shard is a bar over the keys it holds; each row is a generation, parents above
// their children, and lines join them (a merged shard has two). Open shards are green, closed grey,
// closing yellow. Each bar names its shard and its sequence range (positions in the shard: a
// closed shard's end, an open shard's records so far); the full numbers are in its tooltip.
import { esc, num } from './util.js';

const WIDTH = 1200;
const MARGIN = 12;
const TOP = 34;
const ROW = 74;
const BAR = 44;
const KEY_SPACE = 1n << 128n;

/** Where a hash key (a decimal string) lies on the x axis. */
function x(key) {
  const permille = Number((BigInt(key) * 1000000n) / KEY_SPACE) / 1000000;
  return MARGIN + permille * (WIDTH - 2 * MARGIN);
}

/** Each shard's generation: 0 without parents, else one below its lowest parent. */
function depths(shards) {
  const byId = new Map(shards.map((s) => [s.shardId, s]));
  const depth = new Map();
  const of = (s) => {
    if (depth.has(s.shardId)) return depth.get(s.shardId);
    depth.set(s.shardId, 0);
    const parents = [s.parentShardId, s.adjacentParentShardId].filter((p) => p && byId.has(p));
    const d = parents.length ? 1 + Math.max(...parents.map((p) => of(byId.get(p)))) : 0;
    depth.set(s.shardId, d);
    return d;
  };
  shards.forEach(of);
  return depth;
}

/** The position a sequence number names (its last 19 digits), as a plain number. */
function position(sequenceNumber) {
  return sequenceNumber ? BigInt(sequenceNumber.slice(-19)) : null;
}

function sequenceLabel(s) {
  if (s.state === 'CLOSED') return `seq 0 → ${num(position(s.sequenceNumberRange.endingSequenceNumber))}`;
  return `seq 0 → … (${num(s.endOffset)} so far)`;
}

function tooltip(s) {
  const r = s.sequenceNumberRange;
  return [
    `${s.shardId} (partition ${s.partition}), ${s.state}`,
    `hash keys ${s.hashKeyRange.startingHashKey} – ${s.hashKeyRange.endingHashKey}`,
    `sequence numbers ${r.startingSequenceNumber} – ${r.endingSequenceNumber ?? 'open'}`,
    `${num(s.records)} records in the partition`,
    s.parentShardId ? `parents ${[s.parentShardId, s.adjacentParentShardId].filter(Boolean).join(', ')}` : 'no parent',
  ].join('\n');
}

/** The SVG markup of the lineage of {@code shards} (the admin API's shards of one stream). */
export function lineageSvg(shards) {
  const depth = depths(shards);
  const rows = Math.max(0, ...depth.values()) + 1;
  const height = TOP + rows * ROW;
  const box = new Map();
  for (const s of shards) {
    const x1 = x(s.hashKeyRange.startingHashKey);
    const x2 = x((BigInt(s.hashKeyRange.endingHashKey) + 1n).toString());
    const y = TOP + depth.get(s.shardId) * ROW;
    box.set(s.shardId, { x1, x2, y });
  }
  const axis = [0, 25, 50, 75, 100].map((p) => {
    const ax = MARGIN + (p / 100) * (WIDTH - 2 * MARGIN);
    const anchor = p === 0 ? 'start' : p === 100 ? 'end' : 'middle';
    return `<line class="tick" x1="${ax}" y1="16" x2="${ax}" y2="${height}"/>`
      + `<text class="axis" x="${ax}" y="12" text-anchor="${anchor}">${p}% of hash keys</text>`;
  }).join('');
  const edges = [];
  for (const s of shards) {
    const child = box.get(s.shardId);
    for (const p of [s.parentShardId, s.adjacentParentShardId]) {
      const parent = p && box.get(p);
      if (!parent) continue;
      const ex = (Math.max(parent.x1, child.x1) + Math.min(parent.x2, child.x2)) / 2;
      const px = (parent.x1 + parent.x2) / 2;
      const y1 = parent.y + BAR, y2 = child.y;
      const mid = (y1 + y2) / 2;
      edges.push(`<path class="edge" data-from="${esc(p)}" data-to="${esc(s.shardId)}" `
        + `d="M${px.toFixed(1)},${y1} C${px.toFixed(1)},${mid} ${ex.toFixed(1)},${mid} ${ex.toFixed(1)},${y2}"/>`);
    }
  }
  const bars = shards.map((s) => {
    const b = box.get(s.shardId);
    const w = Math.max(2, b.x2 - b.x1 - 2);
    const label = w >= 120
      ? `<text class="name" x="${(b.x1 + 6).toFixed(1)}" y="${b.y + 18}">${esc(s.shardId)}</text>`
        + `<text class="seq" x="${(b.x1 + 6).toFixed(1)}" y="${b.y + 35}">${esc(sequenceLabel(s))}</text>`
      : w >= 28
        ? `<text class="name" x="${(b.x1 + 4).toFixed(1)}" y="${b.y + 18}">${s.partition}</text>`
        : '';
    return `<g class="shard ${s.state.toLowerCase()}" data-shard="${esc(s.shardId)}" data-state="${s.state}" `
      + `data-depth="${depth.get(s.shardId)}"><title>${esc(tooltip(s))}</title>`
      + `<rect x="${(b.x1 + 1).toFixed(1)}" y="${b.y}" width="${w.toFixed(1)}" height="${BAR}" rx="4"/>${label}</g>`;
  }).join('');
  return `<svg id="lineage" class="lineage" data-testid="shard-lineage" viewBox="0 0 ${WIDTH} ${height}" `
    + `width="100%" role="img" aria-label="shard lineage">${axis}${edges.join('')}${bars}</svg>`;
}
