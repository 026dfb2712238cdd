// What a person decides for a deploy (domain, short-link host, mail, PBKDF2 cost) and what each Worker
// needs from it: its --var overrides and its secrets; the problems that stop a deploy before any change.

/** Secrets `pnpm run deploy` makes itself when a Worker lacks them, and the var that carries the other half. */
export const GENERATED_SECRETS = {
  JWT_PRIVATE_KEYS: { kind: "jwt" },
  VAPID_PRIVATE_KEY: { kind: "vapid", publicVar: "VAPID_PUBLIC_KEY" },
};

/**
 * Vars a person decides per deploy, set in the environment under the var's own name and passed as
 * `--var` to every Worker that has the var (the committed configs keep the dev defaults).
 */
export const DEPLOY_VARS = [
  "MAIL_PROVIDER",
  "MAIL_FROM",
  "MAIL_FROM_NAME",
  "MAIL_HTTP_URL",
  "PASSWORD_PBKDF2_ITERATIONS",
  "VAPID_SUBJECT",
  "SMS_PROVIDER",
  "SMS_FROM",
];

/** A var as the deployed Worker will see it: the deploy's override, else the config's value. */
export function effectiveVar(worker, name, settings = {}) {
  return settings.vars?.[name] ?? worker.config.vars?.[name];
}

/**
 * The secrets each Worker needs: the generated ones of the Workers that read them, MAIL_HTTP_API_KEY
 * when the mail provider is "http", Stripe's secret key and webhook signing secret for a Worker that takes
 * Stripe webhooks (a `STRIPE_WEBHOOK_PATH` var), plus any `[secrets] required`.
 */
export function requiredSecrets(worker, settings = {}) {
  const names = new Set(worker.config.secrets?.required ?? []);
  if (worker.config.name === "edgeworks-accounts") names.add("JWT_PRIVATE_KEYS");
  if ("VAPID_PUBLIC_KEY" in (worker.config.vars ?? {})) names.add("VAPID_PRIVATE_KEY");
  if (effectiveVar(worker, "MAIL_PROVIDER", settings) === "http") names.add("MAIL_HTTP_API_KEY");
  if (effectiveVar(worker, "SMS_PROVIDER", settings) === "twilio") {
    names.add("TWILIO_ACCOUNT_SID");
    names.add("TWILIO_AUTH_TOKEN");
  }
  if ("STRIPE_WEBHOOK_PATH" in (worker.config.vars ?? {})) {
    names.add("STRIPE_SECRET_KEY");
    names.add("STRIPE_WEBHOOK_SECRET");
  }
  return [...names].sort();
}

/**
 * A secret's value from the environment for one Worker: `<NAME>_<WORKER>` first (e.g.
 * `STRIPE_WEBHOOK_SECRET_COMMERCE_PAYMENTS`: each Stripe webhook endpoint has its own signing secret), then `<NAME>`.
 */
export function envSecret(workerName, name, env = {}) {
  return env[ownSecretName(workerName, name)] || env[name] || undefined;
}

/** `STRIPE_WEBHOOK_SECRET` of edgeworks-commerce-payments → `STRIPE_WEBHOOK_SECRET_COMMERCE_PAYMENTS`. */
export const ownSecretName = (workerName, name) =>
  `${name}_${workerName
    .replace(/^edgeworks-/, "")
    .replaceAll("-", "_")
    .toUpperCase()}`;

/** The Worker that serves short links on their own host: the one with a SHORT_LINK_HOST var, else edgeworks-links. */
export function shortLinkWorker(workers) {
  return workers.find((w) => "SHORT_LINK_HOST" in (w.config.vars ?? {})) ?? workers.find((w) => w.config.name === "edgeworks-links");
}

/**
 * The `--var NAME:value` overrides of one Worker's deploy: PUBLIC_ORIGIN and SHORT_LINK_HOST where it has
 * them (the short-link Worker builds short URLs on its PUBLIC_ORIGIN: the short host when there is one),
 * and the DEPLOY_VARS the environment sets.
 */
export function deployVars(worker, settings) {
  const vars = {};
  const has = (name) => name in (worker.config.vars ?? {});
  if (has("PUBLIC_ORIGIN") && settings.origin) vars.PUBLIC_ORIGIN = settings.origin;
  if (has("SHORT_LINK_HOST") && settings.shortLinkHost) {
    vars.SHORT_LINK_HOST = settings.shortLinkHost;
    if (has("PUBLIC_ORIGIN")) vars.PUBLIC_ORIGIN = `https://${settings.shortLinkHost}`;
  }
  for (const name of DEPLOY_VARS) if (has(name) && settings.vars?.[name] !== undefined) vars[name] = settings.vars[name];
  return vars;
}

/**
 * The settings a person decides, from flags and the environment: the front door's domain (one value:
 * its custom domain and every PUBLIC_ORIGIN), optionally a host for short links, and the secrets passed in.
 */
export function settingsFrom({ domain, shortLinkHost, origin } = {}, env = {}) {
  const d = (domain ?? env.EDGEWORKS_DOMAIN ?? "").trim().toLowerCase() || undefined;
  const s = (shortLinkHost ?? env.EDGEWORKS_SHORT_LINK_HOST ?? "").trim().toLowerCase() || undefined;
  let o = (origin ?? env.EDGEWORKS_ORIGIN ?? "").trim();
  while (o.endsWith("/")) o = o.slice(0, -1);
  o = o || (d ? `https://${d}` : undefined);
  const vars = Object.fromEntries(DEPLOY_VARS.filter((n) => (env[n] ?? "").trim() !== "").map((n) => [n, env[n].trim()]));
  return { domain: d, shortLinkHost: s, origin: o, vars, env };
}

const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** What stops a deploy before it touches anything: bad or missing settings, supplied secrets not given. */
export function settingsProblems(workers, settings, existingSecrets = {}) {
  const problems = [];
  if (settings.domain && !HOST.test(settings.domain)) problems.push(`EDGEWORKS_DOMAIN "${settings.domain}" is not a hostname`);
  if (settings.shortLinkHost && !HOST.test(settings.shortLinkHost)) {
    problems.push(`EDGEWORKS_SHORT_LINK_HOST "${settings.shortLinkHost}" is not a hostname`);
  }
  if (settings.origin && !/^https:\/\/[^/]+$/.test(settings.origin))
    problems.push(`the public origin "${settings.origin}" is not https://host`);
  const needOrigin = workers.filter((w) => "PUBLIC_ORIGIN" in (w.config.vars ?? {}) && !w.config.vars.PUBLIC_ORIGIN);
  if (!settings.origin && needOrigin.length) {
    problems.push(
      `PUBLIC_ORIGIN would be empty for ${needOrigin.map((w) => w.config.name).join(", ")} (emails would link to the request's origin): ` +
        "set EDGEWORKS_DOMAIN (or --domain) to the front door's hostname",
    );
  }
  for (const w of workers) {
    const provider = effectiveVar(w, "MAIL_PROVIDER", settings);
    if (provider !== undefined && !["cloudflare", "http", "capture"].includes(provider)) {
      problems.push(`MAIL_PROVIDER "${provider}" for ${w.config.name}: cloudflare, http or capture`);
    }
    if (provider !== undefined && provider !== "capture" && !effectiveVar(w, "MAIL_FROM", settings)) {
      problems.push(
        `MAIL_FROM is empty for ${w.config.name}: no email (verification, password reset) would be sent; set MAIL_FROM to an address on your sending domain`,
      );
    }
    const have = existingSecrets[w.config.name] ?? [];
    for (const name of requiredSecrets(w, settings)) {
      if (!GENERATED_SECRETS[name] && !have.includes(name) && !envSecret(w.config.name, name, settings.env)) {
        problems.push(
          `${w.config.name} needs the secret ${name}: set it in the environment for this run (or \`wrangler secret put ${name} -c ${w.configPath}\`)`,
        );
      }
    }
  }
  // two Stripe webhook endpoints never share a signing secret: one plain STRIPE_WEBHOOK_SECRET for several Workers
  // that lack it would give one of them the other's
  const sharing = workers.filter(
    (w) =>
      requiredSecrets(w, settings).includes("STRIPE_WEBHOOK_SECRET") &&
      !(existingSecrets[w.config.name] ?? []).includes("STRIPE_WEBHOOK_SECRET") &&
      !settings.env?.[ownSecretName(w.config.name, "STRIPE_WEBHOOK_SECRET")] &&
      settings.env?.STRIPE_WEBHOOK_SECRET,
  );
  if (sharing.length > 1) {
    problems.push(
      `STRIPE_WEBHOOK_SECRET would be the same for ${sharing.map((w) => w.config.name).join(", ")}, but each webhook endpoint has its own signing secret: ` +
        `set ${sharing.map((w) => ownSecretName(w.config.name, "STRIPE_WEBHOOK_SECRET")).join(" and ")} instead`,
    );
  }
  return problems;
}
