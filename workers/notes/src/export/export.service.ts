import { ApiError, iso } from "@edgeworks/http";
import { sql } from "drizzle-orm";
import { loadNotebookOrThrow, loadNoteOrThrow, subtreeCte } from "../access";
import type { ServiceDeps } from "../deps";
import { parseTags, type RawNote } from "../note-row";
import { safeFileName, toMarkdownFile } from "./markdown-file";

/** A notebook export holds at most this much note content (it is built in memory). */
export const MAX_EXPORT_BYTES = 32 * 1024 * 1024;

const noteFile = (r: RawNote) =>
  toMarkdownFile({
    title: r.title,
    content: r.content ?? "",
    tags: parseTags(r.tags),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  });

/** A note as a Markdown file with front matter, and a file name from its title. */
export async function exportNoteMarkdown(deps: ServiceDeps, id: string): Promise<{ body: string; filename: string }> {
  const { row } = await loadNoteOrThrow(deps, id, "read");
  return { body: noteFile(row), filename: `${safeFileName(row.title)}.md` };
}

/** A note as a PDF. */
export async function exportNotePdf(deps: ServiceDeps, id: string): Promise<{ body: Uint8Array; filename: string }> {
  const { row } = await loadNoteOrThrow(deps, id, "read");
  const { noteToPdf } = await import("./pdf");
  const body = await noteToPdf({
    title: row.title,
    content: row.content ?? "",
    tags: parseTags(row.tags),
    updatedAt: iso(row.updated_at),
  });
  return { body, filename: `${safeFileName(row.title)}.pdf` };
}

/** `name`, or `name (2)`, `name (3)`… so that no two entries of one folder collide (case-insensitively). */
const unique = (taken: Set<string>, name: string, ext = ""): string => {
  let candidate = `${name}${ext}`;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${name} (${n})${ext}`;
  taken.add(candidate.toLowerCase());
  return candidate;
};

/**
 * A notebook and its sub-notebooks as a ZIP of Markdown files, one folder per notebook (archived notes
 * included, trashed ones not).
 */
export async function exportNotebookZip(deps: ServiceDeps, id: string): Promise<{ body: Uint8Array; filename: string }> {
  const { row: root } = await loadNotebookOrThrow(deps, id, "read");
  const { db } = deps;
  const [size] = await db.all<{ bytes: number | null }>(sql`WITH RECURSIVE ${subtreeCte(id)}
    SELECT sum(length(CAST(content AS BLOB))) AS bytes FROM notes WHERE deleted_at IS NULL AND notebook_id IN (SELECT id FROM subtree)`);
  if ((size?.bytes ?? 0) > MAX_EXPORT_BYTES) {
    throw new ApiError("validation_failed", "This notebook is too large to export at once; export its sub-notebooks", {
      errors: [{ path: "id", location: "path", message: `The notes hold more than ${MAX_EXPORT_BYTES} bytes` }],
    });
  }
  const books = await db.all<{ id: string; parent_id: string | null; name: string }>(sql`WITH RECURSIVE ${subtreeCte(id)}
    SELECT id, parent_id, name FROM notebooks WHERE id IN (SELECT id FROM subtree) ORDER BY created_at, id`);
  const notes = await db.all<RawNote>(sql`WITH RECURSIVE ${subtreeCte(id)}
    SELECT * FROM notes WHERE deleted_at IS NULL AND notebook_id IN (SELECT id FROM subtree) ORDER BY created_at, id`);

  const folder = new Map<string, string>([[root.id, safeFileName(root.name)]]);
  const taken = new Map<string, Set<string>>(); // folder path -> names used in it
  const namesIn = (path: string) => taken.get(path) ?? taken.set(path, new Set()).get(path) ?? new Set<string>();
  // parents come before children in a created-at order only if created first; resolve until stable
  for (let pending = books.filter((b) => b.id !== root.id); pending.length > 0; ) {
    const next = pending.filter((b) => {
      const parent = b.parent_id === null ? undefined : folder.get(b.parent_id);
      if (parent === undefined) return true;
      folder.set(b.id, `${parent}/${unique(namesIn(parent), safeFileName(b.name))}`);
      return false;
    });
    if (next.length === pending.length) break;
    pending = next;
  }
  const encoder = new TextEncoder();
  const files: Record<string, Uint8Array> = {};
  for (const n of notes) {
    const dir = folder.get(n.notebook_id);
    if (dir === undefined) continue;
    files[`${dir}/${unique(namesIn(dir), safeFileName(n.title), ".md")}`] = encoder.encode(noteFile(n));
  }
  const { zipSync } = await import("fflate");
  const rootName = safeFileName(root.name);
  if (notes.length === 0) files[`${rootName}/`] = new Uint8Array();
  return { body: zipSync(files, { level: 6 }), filename: `${rootName}.zip` };
}
