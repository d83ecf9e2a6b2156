// Writes src/fonts/skew-digits.ttf: a tiny TrueType font made here (no download), whose digits and
// "v" are slanted bars. It gives the playground a real web font (an asset referenced from CSS) at a
// few hundred bytes. Run: node scripts/make-font.mjs (the output is committed; the bytes are fixed).
import { writeFileSync } from 'node:fs';

const u16 = (v) => [(v >> 8) & 255, v & 255];
const i16 = (v) => u16(v < 0 ? v + 65536 : v);
const u32 = (v) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const bytes = (...parts) => Buffer.from(parts.flat(Number.POSITIVE_INFINITY));

const CHARS = [...'0123456789v'];
const numGlyphs = CHARS.length + 1; // .notdef first
const ADVANCE = 600;

// One contour, four on-curve points: a bar slanted by `skew`, taller for higher digits.
function glyph(index) {
  const height = 400 + index * 30;
  const skew = 120;
  const pts = [
    [100, 0],
    [300, 0],
    [300 + skew, height],
    [100 + skew, height],
  ];
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const deltas = (vals) => vals.map((v, i) => v - (i ? vals[i - 1] : 0));
  const data = bytes(
    i16(1),
    i16(Math.min(...xs)),
    i16(Math.min(...ys)),
    i16(Math.max(...xs)),
    i16(Math.max(...ys)),
    u16(3),
    u16(0),
    [1, 1, 1, 1],
    deltas(xs).map(i16),
    deltas(ys).map(i16),
  );
  return data.length % 2 ? Buffer.concat([data, Buffer.alloc(1)]) : data;
}

const glyphs = [Buffer.alloc(0), ...CHARS.map((_, i) => glyph(i))];
const glyf = Buffer.concat(glyphs);
const loca = [];
let offset = 0;
for (const g of glyphs) {
  loca.push(...u16(offset / 2));
  offset += g.length;
}
loca.push(...u16(offset / 2));

const yMax = 400 + (CHARS.length - 1) * 30;
const head = bytes(
  u32(0x00010000),
  u32(0x00010000),
  u32(0),
  u32(0x5f0f3cf5),
  u16(0x000b),
  u16(1000),
  u32(0),
  u32(0),
  u32(0),
  u32(0), // created, modified
  i16(100),
  i16(0),
  i16(420),
  i16(yMax),
  u16(0),
  u16(8),
  i16(2),
  i16(0),
  i16(0),
);
const hhea = bytes(
  u32(0x00010000),
  i16(800),
  i16(-200),
  i16(0),
  u16(ADVANCE),
  i16(0),
  i16(0),
  i16(420),
  i16(1),
  i16(0),
  i16(0),
  i16(0),
  i16(0),
  i16(0),
  i16(0),
  i16(0),
  u16(numGlyphs),
);
const maxp = bytes(
  u32(0x00010000),
  u16(numGlyphs),
  u16(4),
  u16(1),
  u16(0),
  u16(0),
  u16(2),
  u16(0),
  u16(0),
  u16(0),
  u16(0),
  u16(0),
  u16(0),
  u16(0),
  u16(0),
);
const os2 = bytes(
  u16(4),
  i16(ADVANCE),
  u16(400),
  u16(5),
  u16(0),
  i16(650),
  i16(600),
  i16(0),
  i16(75),
  i16(650),
  i16(600),
  i16(0),
  i16(350),
  i16(50),
  i16(250),
  i16(0),
  Array(10).fill(0),
  u32(1),
  u32(0),
  u32(0),
  u32(0),
  [83, 75, 76, 83], // vendor "SKLS"
  u16(0x40),
  u16(0x30),
  u16(0x76),
  i16(800),
  i16(-200),
  i16(0),
  u16(800),
  u16(200),
  u32(1),
  u32(0),
  i16(500),
  i16(700),
  u16(0),
  u16(32),
  u16(1),
);
const hmtx = bytes(...glyphs.map((_, i) => [u16(ADVANCE), i16(i ? 100 : 0)]));

// cmap format 4: digits → glyphs 1..10, "v" → 11, and the required 0xFFFF end segment.
const segments = [
  { start: 0x30, end: 0x39, delta: 1 - 0x30 },
  { start: 0x76, end: 0x76, delta: 11 - 0x76 },
  { start: 0xffff, end: 0xffff, delta: 1 },
];
const segX2 = segments.length * 2;
const searchRange = 2 * 2 ** Math.floor(Math.log2(segments.length));
const sub = bytes(
  u16(4),
  u16(16 + segments.length * 8),
  u16(0),
  u16(segX2),
  u16(searchRange),
  u16(Math.floor(Math.log2(segments.length))),
  u16(segX2 - searchRange),
  segments.map((s) => u16(s.end)),
  u16(0),
  segments.map((s) => u16(s.start)),
  segments.map((s) => i16(((s.delta + 32768) % 65536) - 32768)),
  segments.map(() => u16(0)),
);
const cmap = bytes(u16(0), u16(1), u16(3), u16(1), u32(12), [...sub]);

const names = [
  'Skew Digits',
  'Regular',
  'Skew Digits Regular',
  'Skew Digits',
  'Version 1.0',
  'SkewDigits-Regular',
];
const encoded = names.map((n) => Buffer.from(n, 'utf16le').swap16());
let strOffset = 0;
const records = encoded.map((s, i) => {
  const r = [u16(3), u16(1), u16(0x409), u16(i + 1), u16(s.length), u16(strOffset)];
  strOffset += s.length;
  return r;
});
const name = Buffer.concat([
  bytes(u16(0), u16(names.length), u16(6 + names.length * 12), ...records),
  ...encoded,
]);
const post = bytes(u32(0x00030000), u32(0), i16(-100), i16(50), u32(0), u32(0), u32(0), u32(0), u32(0));

const tables = { 'OS/2': os2, cmap, glyf, head, hhea, hmtx, loca: Buffer.from(loca), maxp, name, post };
const tags = Object.keys(tables).sort();
const pad = (b) => (b.length % 4 ? Buffer.concat([b, Buffer.alloc(4 - (b.length % 4))]) : b);
const checksum = (b) => {
  const p = pad(b);
  let sum = 0;
  for (let i = 0; i < p.length; i += 4) sum = (sum + p.readUInt32BE(i)) >>> 0;
  return sum;
};
const n = tags.length;
const entrySelector = Math.floor(Math.log2(n));
const header = bytes(
  u32(0x00010000),
  u16(n),
  u16(16 * 2 ** entrySelector),
  u16(entrySelector),
  u16(n * 16 - 16 * 2 ** entrySelector),
);
let at = 12 + n * 16;
const dir = [];
const body = [];
for (const tag of tags) {
  const t = tables[tag];
  dir.push(Buffer.from(tag, 'latin1'), bytes(u32(checksum(t)), u32(at), u32(t.length)));
  body.push(pad(t));
  at += pad(t).length;
}
const font = Buffer.concat([header, ...dir, ...body]);
// head.checkSumAdjustment makes the whole file sum to 0xB1B0AFBA.
const headAt =
  12 + n * 16 + tags.slice(0, tags.indexOf('head')).reduce((s, t) => s + pad(tables[t]).length, 0);
font.writeUInt32BE((0xb1b0afba - checksum(font)) >>> 0, headAt + 8);
writeFileSync(new URL('../src/fonts/skew-digits.ttf', import.meta.url), font);
process.stdout.write(`wrote src/fonts/skew-digits.ttf (${font.length} bytes)\n`);
