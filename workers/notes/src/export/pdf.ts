// A note as a PDF (pdf-lib, loaded on first use). The standard fonts are WinAnsi only: characters they
// cannot encode are first reduced to their base letter (ż → z), then a few common letters are mapped
// (ł → l), and anything left becomes "?", so no text can make the export fail.

const FALLBACKS: Record<string, string> = { ł: "l", Ł: "L", đ: "d", Đ: "D", ħ: "h", Ħ: "H", ı: "i", ŀ: "l", Ŀ: "L", "\u2212": "-" };

/** `text` reduced to what the font can encode. */
export function toEncodable(text: string, supported: Set<number>): string {
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 63;
    if (supported.has(cp)) {
      out += ch;
      continue;
    }
    if (ch === "\t" || ch === "\n" || ch === "\r") {
      out += ch === "\t" ? "    " : " ";
      continue;
    }
    const base = ch.normalize("NFD").replace(/\p{M}+/gu, "");
    if (base !== "" && [...base].every((c) => supported.has(c.codePointAt(0) ?? 0))) out += base;
    else out += FALLBACKS[ch] ?? "?";
  }
  return out;
}

const PAGE = { width: 595.28, height: 841.89, margin: 56 }; // A4 in points

/** Lays out the title and the Markdown text (headings in bold) on A4 pages. */
export async function noteToPdf(note: { title: string; content: string; tags: string[]; updatedAt: string }): Promise<Uint8Array> {
  const { PDFDocument, StandardFonts, rgb } = await import("pdf-lib");
  const doc = await PDFDocument.create();
  doc.setTitle(note.title.slice(0, 500));
  doc.setProducer("Edgeworks Notes");
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const supported = new Set(regular.getCharacterSet());
  const maxWidth = PAGE.width - 2 * PAGE.margin;
  let page = doc.addPage([PAGE.width, PAGE.height]);
  let y = PAGE.height - PAGE.margin;

  const write = (text: string, size: number, font: typeof regular, color = rgb(0, 0, 0)) => {
    for (const line of wrap(toEncodable(text, supported), size, font, maxWidth)) {
      if (y - size < PAGE.margin) {
        page = doc.addPage([PAGE.width, PAGE.height]);
        y = PAGE.height - PAGE.margin;
      }
      y -= size * 1.3;
      page.drawText(line, { x: PAGE.margin, y, size, font, color });
    }
  };

  write(note.title, 20, bold);
  const meta = [`Updated ${note.updatedAt}`, note.tags.length ? `Tags: ${note.tags.join(", ")}` : ""].filter(Boolean).join("   ");
  write(meta, 9, regular, rgb(0.4, 0.4, 0.4));
  y -= 8;
  for (const line of note.content.replaceAll("\r\n", "\n").split("\n")) {
    const heading = /^(#{1,6})\s(.*)$/.exec(line);
    if (heading) write((heading[2] ?? "").trim(), Math.max(12, 18 - 2 * (heading[1]?.length ?? 1)), bold);
    else if (line.trim() === "") y -= 6;
    else write(line, 11, regular);
  }
  return doc.save();
}

/** Greedy word wrap by measured width; a word longer than a line is split by characters (one pass). */
function wrap(text: string, size: number, font: { widthOfTextAtSize(t: string, s: number): number }, maxWidth: number): string[] {
  const width = (s: string) => font.widthOfTextAtSize(s, size);
  const space = width(" ");
  const lines: string[] = [];
  let current = "";
  let currentWidth = 0;
  for (const word of text.split(/ +/)) {
    const w = width(word);
    if (current !== "" && currentWidth + space + w <= maxWidth) {
      current += ` ${word}`;
      currentWidth += space + w;
      continue;
    }
    if (current !== "") lines.push(current);
    if (w <= maxWidth) {
      current = word;
      currentWidth = w;
      continue;
    }
    current = "";
    currentWidth = 0;
    for (const ch of word) {
      const cw = width(ch);
      if (current !== "" && currentWidth + cw > maxWidth) {
        lines.push(current);
        current = "";
        currentWidth = 0;
      }
      current += ch;
      currentWidth += cw;
    }
  }
  if (current !== "" || lines.length === 0) lines.push(current);
  return lines;
}
