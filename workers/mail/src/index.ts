import { consumeDeadLetters, redriveRequested } from "./dead-letters";
import { mail } from "./product";
import { devRoutes } from "./routes/dev";
import { consumeMail } from "./send.queue";

/** The dead-letter queue's name (wrangler.toml); every other batch is edgeworks-mail. */
export const MAIL_DLQ_NAME = "edgeworks-mail-dlq";

mail.open.route("/", devRoutes);

export default mail.worker({
  queue: (batch, env, ctx) => (batch.queue === MAIL_DLQ_NAME ? consumeDeadLetters(batch, env, ctx) : consumeMail(batch, env, ctx)),
  // every minute: the dead letters an operator asked to redrive (README: "Dead letters")
  scheduled: async (_controller, env) => {
    await redriveRequested(env);
  },
});
