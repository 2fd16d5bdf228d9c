// A small line chart on a canvas: a few named series over the last N samples, with a y-axis scale.

export class LineChart {
  constructor(canvas, series, { unit = '', capacity = 60 } = {}) {
    this.canvas = canvas;
    this.series = series; // [{ name, color }]
    this.unit = unit;
    this.capacity = capacity;
    this.data = series.map(() => []);
  }

  push(values) {
    values.forEach((v, i) => {
      const d = this.data[i];
      d.push(Number.isFinite(v) ? v : 0);
      if (d.length > this.capacity) d.shift();
    });
    this.draw();
  }

  /** The last value of series i. */
  last(i) {
    const d = this.data[i];
    return d.length ? d[d.length - 1] : 0;
  }

  /** The largest value series i had within the samples kept. */
  max(i) {
    return Math.max(0, ...this.data[i]);
  }

  draw() {
    const c = this.canvas;
    const ratio = window.devicePixelRatio || 1;
    const w = c.clientWidth, h = c.clientHeight;
    if (c.width !== w * ratio || c.height !== h * ratio) {
      c.width = w * ratio;
      c.height = h * ratio;
    }
    const g = c.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, w, h);
    const left = 56, bottom = 18, top = 8;
    const max = niceMax(Math.max(1, ...this.data.flat()));
    g.strokeStyle = '#dde3ea';
    g.fillStyle = '#647184';
    g.font = '11px system-ui, sans-serif';
    for (let k = 0; k <= 4; k++) {
      const y = top + (h - top - bottom) * (1 - k / 4);
      g.beginPath();
      g.moveTo(left, y);
      g.lineTo(w, y);
      g.stroke();
      g.fillText(format(max * k / 4) + this.unit, 2, y + 4);
    }
    const step = (w - left) / Math.max(1, this.capacity - 1);
    this.data.forEach((d, i) => {
      g.strokeStyle = this.series[i].color;
      g.lineWidth = 2;
      g.beginPath();
      d.forEach((v, j) => {
        const x = left + (this.capacity - d.length + j) * step;
        const y = top + (h - top - bottom) * (1 - v / max);
        if (j === 0) g.moveTo(x, y); else g.lineTo(x, y);
      });
      g.stroke();
    });
  }
}

function niceMax(v) {
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

export function format(v) {
  if (v >= 1e9) return (v / 1e9).toFixed(1) + 'G';
  if (v >= 1e6) return (v / 1e6).toFixed(1) + 'M';
  if (v >= 1e3) return (v / 1e3).toFixed(1) + 'k';
  if (v >= 10 || v === 0) return v.toFixed(0);
  return v.toPrecision(2);
}
