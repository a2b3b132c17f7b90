import { Resvg } from '@resvg/resvg-js';

export interface TrendPoint {
  label: string;
  incidents: number;
  nearMisses: number;
}

const W = 900;
const H = 420;
const PAD = { left: 56, right: 24, top: 56, bottom: 64 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The trend as an SVG bar chart: reports per month, near misses stacked on incidents. */
export function trendSvg(title: string, points: TrendPoint[]): string {
  const max = Math.max(1, ...points.map((p) => p.incidents + p.nearMisses));
  const step = Math.max(1, Math.ceil(max / 5));
  const top = step * Math.ceil(max / step);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, points.length);
  const bar = Math.min(48, slot * 0.7);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const parts: string[] = [
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${PAD.left}" y="32" font-size="20" font-weight="bold" fill="#1d3557">${esc(title)}</text>`,
  ];
  for (let v = 0; v <= top; v += step) {
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e5e5"/>`,
      `<text x="${PAD.left - 8}" y="${y(v) + 4}" font-size="12" text-anchor="end" fill="#555">${v}</text>`,
    );
  }
  points.forEach((p, i) => {
    const x = PAD.left + i * slot + (slot - bar) / 2;
    parts.push(
      `<rect x="${x}" y="${y(p.incidents)}" width="${bar}" height="${y(0) - y(p.incidents)}" fill="#e63946"/>`,
      `<rect x="${x}" y="${y(p.incidents + p.nearMisses)}" width="${bar}" height="${y(p.incidents) - y(p.incidents + p.nearMisses)}" fill="#f4a261"/>`,
      `<text x="${x + bar / 2}" y="${H - PAD.bottom + 18}" font-size="12" text-anchor="middle" fill="#333">${esc(p.label)}</text>`,
    );
  });
  parts.push(
    `<rect x="${PAD.left}" y="${H - 24}" width="12" height="12" fill="#e63946"/>`,
    `<text x="${PAD.left + 18}" y="${H - 14}" font-size="12" fill="#333">Incidents and weaknesses</text>`,
    `<rect x="${PAD.left + 200}" y="${H - 24}" width="12" height="12" fill="#f4a261"/>`,
    `<text x="${PAD.left + 218}" y="${H - 14}" font-size="12" fill="#333">Near misses</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif">${parts.join('')}</svg>`;
}

/** Rendered server-side to PNG, so it shows in Slack as an image. */
export function trendPng(title: string, points: TrendPoint[]): Buffer {
  return new Resvg(trendSvg(title, points), {
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng();
}
