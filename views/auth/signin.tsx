import { Errors } from "../components";
import type { T } from "../i18n";

export function SignInPage(props: { t: T; next: string; error?: string; username?: string }) {
  const { t } = props;
  return (
    <div class="card" style="max-width:380px;margin:3rem auto">
      <h1>{t("signin.submit")}</h1>
      <Errors message={props.error} />
      <form method="post" action="/signin" class="stack">
        <input type="hidden" name="next" value={props.next} />
        <label>
          {t("field.username")}
          <input name="username" autocomplete="username" required value={props.username ?? ""} autofocus />
        </label>
        <label>
          {t("field.password")}
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <button type="submit" class="primary">
          {t("signin.submit")}
        </button>
      </form>
    </div>
  );
}
