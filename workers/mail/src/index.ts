import { consumeDeadLetters, MAIL_DLQ_NAME, redriveRequested } from "./dead-letters";
import { mail } from "./product";
import { devRoutes } from "./routes/dev";
import { consumeMail } from "./send.queue";

// The entry module exports only the Worker: workerd refuses to start on any other named export.
mail.open.route("/", devRoutes);

export default mail.worker({
  queue: (batch, env, ctx) => (batch.queue === MAIL_DLQ_NAME ? consumeDeadLetters(batch, env, ctx) : consumeMail(batch, env, ctx)),
  // every minute: the dead letters an operator asked to redrive (README: "Dead letters")
  scheduled: async (_controller, env) => {
    await redriveRequested(env);
  },
});
