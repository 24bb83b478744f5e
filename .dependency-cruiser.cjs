// Dependencies point down (DESIGN §4): routes → services → domain; routes render views;
// views take view models and pure rules; domain touches no I/O. `npm run deps` checks these.
/** Files in src/ that render views (the route files and the HTTP edge). */
const RENDERERS = [
  "^src/app\\.ts$",
  "^src/.+/(routes|[a-z-]+-routes)\\.tsx?$",
  "^src/http/(render|on-error)\\.tsx$",
  "^src/home/live\\.tsx$",
];
/**
 * The request's typed context names the reader's language and translator (Lang, T), which live
 * with the dictionaries in views/i18n (T's keys come from them, so they cannot move down). Services
 * import this file for Deps, so it may name those types only, never a runtime value from views/.
 */
const CONTEXT = "^src/http/context\\.ts$";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "No cycles, type-only imports included: a cycle hides which module is the lower one.",
      from: {},
      to: { circular: true },
    },
    {
      name: "views-take-view-models",
      severity: "error",
      comment: "Views import pure rules from src/domain/ and types only from the rest of src/.",
      from: { path: "^views/" },
      to: { path: "^src/", pathNot: "^src/domain/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "services-never-render",
      severity: "error",
      comment: "Only route files (and the HTTP edge) import from views/; services and jobs do not.",
      from: { path: "^src/", pathNot: [...RENDERERS, CONTEXT] },
      to: { path: "^views/" },
    },
    {
      name: "context-names-view-types-only",
      severity: "error",
      comment: "src/http/context.ts types c.var.lang and c.var.t from views/i18n; services import it, so types only.",
      from: { path: CONTEXT },
      to: { path: "^views/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "domain-is-pure",
      severity: "error",
      comment: "src/domain/ holds pure rules: nothing from the rest of the project, no I/O modules.",
      from: { path: "^src/domain/" },
      to: { path: "^(src|views|test)/", pathNot: "^src/domain/" },
    },
    {
      name: "domain-does-no-io",
      severity: "error",
      comment: "src/domain/ may not reach the file system, network, processes or the database.",
      from: { path: "^src/domain/" },
      to: {
        path: [
          "^(node:)?(fs|net|https?|http2|tls|dgram|dns|child_process|cluster|worker_threads|os|readline)",
          "^bun:",
        ],
      },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
