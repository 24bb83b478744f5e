// Shared pieces of every screen.
import { createContext, useContext, type Child } from "hono/jsx";
import type { Issue } from "../src/http/errors";
import type { T } from "./i18n";
import { formatInstant } from "../src/domain/time";

/** Form errors: a summary plus a per-field lookup. */
/** The reader's translator, for the reasons issues carry as codes; src/http/render.tsx provides it. */
export const IssueLanguage = createContext<T | null>(null);

/** An issue's message in the reader's language when a domain rule gave its reason as a code. */
export function issueText(i: Issue, t: T | null): string {
  return i.code && t ? t(`reason.${i.code}`, i.params) : i.message;
}

export function fieldError(issues: Issue[] | undefined, path: string, t: T | null = null): string | undefined {
  const i = issues?.find((x) => x.path === path);
  return i && issueText(i, t);
}

export function Errors(props: { issues?: Issue[]; message?: string }) {
  const t = useContext(IssueLanguage);
  if (!props.message && !props.issues?.length) return null;
  return (
    <div class="errors" role="alert">
      {props.message && <div>{props.message}</div>}
      {props.issues && props.issues.length > 0 && (
        <ul>
          {props.issues.map((i) => (
            <li>{i.path ? `${i.path}: ${issueText(i, t)}` : issueText(i, t)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Field(props: { label: string; name: string; issues?: Issue[]; hint?: string; children: Child }) {
  const err = fieldError(props.issues, props.name, useContext(IssueLanguage));
  return (
    <label>
      {props.label}
      {props.hint && <span class="hint">{props.hint}</span>}
      {props.children}
      {err && <span class="field-error">{err}</span>}
    </label>
  );
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
