import { ApiError, fieldErrors } from "@edgeworks/http";
import { sniffBinary } from "../attachments/sniff";
import type { ServiceDeps } from "../deps";
import { createNote } from "../notes.service";
import { createNoteBody, type Note } from "../validation";
import { fromMarkdownFile } from "./markdown-file";

/** Creates a note from an uploaded Markdown file (front matter title/tags, else heading, else file name). */
export async function importMarkdown(deps: ServiceDeps, notebookId: string, file: File): Promise<Note> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (sniffBinary(bytes) !== null || bytes.includes(0)) {
    throw new ApiError("unsupported_media_type", "Only Markdown or plain-text files can be imported");
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError("validation_failed", "The file is not UTF-8 text", {
      errors: [{ path: "file", location: "body", message: "Must be UTF-8 text" }],
    });
  }
  const parsed = fromMarkdownFile(text, file.name || "Untitled");
  const input = createNoteBody.safeParse({
    notebookId,
    title: Array.from(parsed.title).slice(0, 500).join(""),
    content: parsed.content,
    tags: parsed.tags,
  });
  if (!input.success) {
    throw new ApiError("validation_failed", "The file does not make a valid note", { errors: fieldErrors(input.error, "body") });
  }
  return createNote(deps, input.data);
}
