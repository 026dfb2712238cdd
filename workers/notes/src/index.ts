import { notes } from "./product";
import { attachmentsRouter } from "./routes/attachments";
import { notebooksRouter } from "./routes/notebooks";
import { notesRouter } from "./routes/notes";
import { publicRouter } from "./routes/public";
import { revisionsRouter } from "./routes/revisions";
import { searchRouter } from "./routes/search";
import { sharingRouter } from "./routes/sharing";
import { tagsRouter } from "./routes/tags";
import { trashRouter } from "./routes/trash";
import { scheduled } from "./trash/purge-trash";

export { RateLimiter } from "@edgeworks/ratelimit";

// public links serve anonymous readers, so they are on the open router, which answers before the guard
notes.open.route("/", publicRouter);
notes.v1.route("/", notebooksRouter);
notes.v1.route("/", notesRouter);
notes.v1.route("/", searchRouter);
notes.v1.route("/", trashRouter);
notes.v1.route("/", revisionsRouter);
notes.v1.route("/", sharingRouter);
notes.v1.route("/", attachmentsRouter);
notes.v1.route("/", tagsRouter);

export default notes.worker({ scheduled });
