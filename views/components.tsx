// Shared pieces of every screen.
import { type Child, createContext, useContext } from "hono/jsx";
import { z } from "zod";
import { warningCode } from "../src/domain/identifiers";
import { INSTITUTIONS } from "../src/domain/institutions";
import { fill } from "../src/domain/reasons";
import { formatInstant } from "../src/domain/time";
import type { Issue } from "../src/http/errors";
import { known, type Lang, refusalText, type T } from "./i18n";
import { formMessageKey } from "./i18n/forms";

/** Who reads an issue: src/http/render.tsx provides it to every page and fragment. */
export type IssueReader = { t: T; lang: Lang };
export const IssueLanguage = createContext<IssueReader | null>(null);
const zodZh = z.locales.zhCN();

/**
 * An issue's message in the reader's language: a domain refusal by its code, a message written in
 * a schema from the form dictionary, one of zod's own through zod's zh-CN locale; else as given.
 */
export function issueText(i: Issue, r: IssueReader | null): string {
  if (!r) return i.message;
  if (i.code) return refusalText(r.t, { ...i, reason: i.message });
  const f = formMessageKey(i.message);
  if (f) return r.t(f.key, f.params);
  if (i.zod && r.lang === "zh") {
    const zh = zodZh.localeError(i.zod as never);
    return (typeof zh === "string" ? zh : zh?.message) ?? i.message;
  }
  return i.message;
}

export function fieldError(
  issues: Issue[] | undefined,
  path: string,
  r: IssueReader | null = null,
): string | undefined {
  const i = issues?.find((x) => x.path === path);
  return i && issueText(i, r);
}

/**
 * The field an issue is about, as its form labels it, followed by a colon; nothing when no label is
 * known (the field shows its own message beside it), never the field's name in the code.
 */
function fieldLabel(t: T, path: string, labels?: Record<string, string>): string {
  // a path a form already put in words (labelIssues: "资金已转出 · 1", a case's suspect row) is its own label
  if (!/^[\w.]+$/.test(path)) return `${path}: `;
  const candidates = [labels?.[path], `field.${path}`, `field.${path.split(".").pop()}`];
  for (const k of candidates) {
    const s = k && known(t, k);
    if (s) return `${s}: `;
  }
  return "";
}

/** Form errors: a summary list; each field shows its own through Field. `labels`: path → dictionary key. */
export function Errors(props: { issues?: Issue[]; message?: string; labels?: Record<string, string> }) {
  const reader = useContext(IssueLanguage);
  if (!props.message && !props.issues?.length) return null;
  return (
    <div class="errors" role="alert">
      {props.message && <div>{props.message}</div>}
      {props.issues && props.issues.length > 0 && (
        <ul>
          {props.issues.map((i) => (
            <li>
              {i.path && reader
                ? `${fieldLabel(reader.t, i.path, props.labels)}${issueText(i, reader)}`
                : issueText(i, reader)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Field(props: { label: string; name: string; issues?: Issue[]; hint?: string; children: Child }) {
  const err = fieldError(props.issues, props.name, useContext(IssueLanguage));
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control comes in as children
    <label>
      {props.label}
      {props.hint && <span class="hint">{props.hint}</span>}
      {props.children}
      {err && <span class="field-error">{err}</span>}
    </label>
  );
}

/** A field's error beside it, for a compact form whose inputs carry no label of their own. */
export function FieldError(props: { issues?: Issue[]; name: string }) {
  const err = fieldError(props.issues, props.name, useContext(IssueLanguage));
  return err ? <span class="field-error">{err}</span> : null;
}

export function CsrfField(props: { token: string | null }) {
  return props.token ? <input type="hidden" name="_csrf" value={props.token} /> : null;
}

export type LightColour = "green" | "yellow" | "red" | "grey";
export function Light(props: { colour: LightColour; label?: string }) {
  return (
    <span class="nowrap">
      <span class={`light ${props.colour}`} aria-hidden="true"></span>
      {props.label}
    </span>
  );
}

export function When(props: { at: Date | number | null | undefined }) {
  if (props.at == null) return <span class="muted">—</span>;
  const d = new Date(props.at);
  return <time datetime={d.toISOString()}>{formatInstant(d)}</time>;
}

export function Stat(props: { label: string; value: Child; href?: string; testid?: string }) {
  const body = (
    <div class="stat" data-testid={props.testid}>
      <div class="n">{props.value}</div>
      <div class="l">{props.label}</div>
    </div>
  );
  return props.href ? <a href={props.href}>{body}</a> : body;
}

/** A bank's or carrier's name in the reader's language, from its code (the code if unknown). */
export function nameOfInstitution(code: string | null | undefined, lang: Lang): string {
  if (!code) return "";
  const i = INSTITUTIONS.find((x) => x.code === code);
  return i ? (lang === "zh" ? i.nameZh : i.nameEn) : code;
}

/** A number's warning (Luhn, virtual operator, IoT card) in the reader's language; another as given. */
export function warningText(t: T, lang: Lang, w: string): string {
  const c = warningCode(w);
  if (!c) return w;
  return c.code === "mvno" && c.host
    ? t("suspects.warn.mvnoHost", { host: nameOfInstitution(c.host, lang) })
    : t(`suspects.warn.${c.code}`);
}

/** Where a suspect was reported from ("case:12", "manual", "demo"…) in words. */
export function sourceText(t: T, source: string): string {
  const [kind, id] = source.split(":", 2);
  // a record it came from (case, request, target) is named as the audit log names records
  const label = known(t, `suspects.src.${kind}`) ?? known(t, `audit.ent.${kind}`);
  if (!label) return source;
  return id ? (/^\d+$/.test(id) ? `${label} #${id}` : `${label}（${known(t, `targets.source.${id}`) ?? id}）`) : label;
}
