import type { listInstitutions, listTokens, listUsers } from "../../src/admin/service";
import { ROLES } from "../../src/domain/enums";
import type { Issue } from "../../src/http/errors";
import { CsrfField, Errors, Field, When } from "../components";
import type { Lang, T } from "../i18n";

type Props = {
  t: T;
  lang: Lang;
  csrf: string | null;
  users: Awaited<ReturnType<typeof listUsers>>;
  tokens: Awaited<ReturnType<typeof listTokens>>;
  institutions: Awaited<ReturnType<typeof listInstitutions>>;
  /** The center's districts: cases, targets and imports accept only these (any while empty). */
  districts: string[];
  issues?: Issue[];
  message?: string;
  newToken?: string;
  values?: Record<string, string>;
};

export function AdminPage(p: Props) {
  const { t } = p;
  const v = p.values ?? {};
  // institutions by name in the reader's language; the code stays the form's value
  const instName = (code: string | null | undefined) => {
    const i = code ? p.institutions.find((x) => x.code === code) : undefined;
    return i ? (p.lang === "zh" ? i.nameZh : i.nameEn) : (code ?? "");
  };
  const instOptions = [
    <option value="">—</option>,
    ...p.institutions.map((i) => (
      <option value={i.code} selected={v.institution === i.code}>
        {instName(i.code)}
      </option>
    )),
  ];
  const roleOptions = ROLES.map((r) => (
    <option value={r} selected={v.role === r}>
      {t(`role.${r}`)}
    </option>
  ));
  return (
    <>
      <h1>{t("nav.admin")}</h1>
      <Errors message={p.message} issues={p.issues} />
      {p.newToken && (
        <div class="notice" data-testid="new-token">
          {t("admin.tokenShownOnce")} <code>{p.newToken}</code>
        </div>
      )}
      <h2>{t("admin.users")}</h2>
      <table>
        <thead>
          <tr>
            <th>{t("field.username")}</th>
            <th>{t("field.displayName")}</th>
            <th>{t("field.role")}</th>
            <th>{t("field.institution")}</th>
            <th>{t("field.at")}</th>
            <th>{t("field.badge")}</th>
          </tr>
        </thead>
        <tbody>
          {p.users.map((u) => (
            <tr>
              <td>{u.username}</td>
              <td>{u.displayName}</td>
              <td>
                {t(`role.${u.role}`)}
                {u.approval && (
                  <>
                    {" "}
                    <span class="pill" data-testid="approval">
                      {t(`admin.approval.${u.approval}`)}
                    </span>
                  </>
                )}
              </td>
              <td>{instName(u.institution)}</td>
              <td>
                <When at={u.createdAt} />
              </td>
              <td>
                {/* the badge number printed beside the officer's name on the notices they send */}
                <form method="post" action={`/admin/users/${u.id}/badge`} class="inline row">
                  <CsrfField token={p.csrf} />
                  <input
                    name="badge"
                    value={u.badgeNo ?? ""}
                    maxlength={12}
                    size={8}
                    aria-label={`${t("field.badge")} ${u.username}`}
                    data-testid={`badge-${u.username}`}
                  />
                  <button type="submit">{t("common.save")}</button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="post" action="/admin/users" class="row card">
        <CsrfField token={p.csrf} />
        <Field label={t("field.username")} name="username" issues={p.issues}>
          <input name="username" required value={v.username ?? ""} />
        </Field>
        <Field label={t("field.displayName")} name="displayName" issues={p.issues}>
          <input name="displayName" value={v.displayName ?? ""} />
        </Field>
        <Field label={t("field.role")} name="role" issues={p.issues}>
          <select name="role">{roleOptions}</select>
        </Field>
        <Field label={t("field.institution")} name="institution" issues={p.issues}>
          <select name="institution">{instOptions}</select>
        </Field>
        <Field label={t("field.password")} name="password" issues={p.issues}>
          <input name="password" type="password" required minlength={8} autocomplete="new-password" />
        </Field>
        <button type="submit" class="primary">
          {t("admin.addUser")}
        </button>
        <p class="muted">{t("admin.approvalHint")}</p>
      </form>
      <h2>{t("admin.tokens")}</h2>
      <table>
        <thead>
          <tr>
            <th>{t("field.name")}</th>
            <th>{t("field.role")}</th>
            <th>{t("field.institution")}</th>
            <th>{t("field.at")}</th>
            <th>{t("field.status")}</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {p.tokens.map((k) => (
            <tr>
              <td>{k.name}</td>
              <td>{t(`role.${k.role}`)}</td>
              <td>{instName(k.institution)}</td>
              <td>
                <When at={k.createdAt} />
              </td>
              <td>
                {k.revokedAt ? (
                  <span class="pill">{t("admin.revoked")}</span>
                ) : k.approval ? (
                  <span class="pill" data-testid="approval">
                    {t(`admin.approval.${k.approval}`)}
                  </span>
                ) : (
                  <When at={k.lastUsedAt} />
                )}
              </td>
              <td>
                {!k.revokedAt && (
                  <form method="post" action={`/admin/tokens/${k.id}/revoke`} class="inline">
                    <CsrfField token={p.csrf} />
                    <button type="submit" data-confirm={t("admin.revoke") + "?"}>
                      {t("admin.revoke")}
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="post" action="/admin/tokens" class="row card">
        <CsrfField token={p.csrf} />
        <Field label={t("field.name")} name="name" issues={p.issues}>
          <input name="name" required value={v.name ?? ""} />
        </Field>
        <Field label={t("field.role")} name="role" issues={p.issues}>
          <select name="role">{roleOptions}</select>
        </Field>
        <Field label={t("field.institution")} name="institution" issues={p.issues}>
          <select name="institution">{instOptions}</select>
        </Field>
        <button type="submit" class="primary">
          {t("admin.createToken")}
        </button>
      </form>
      <h2>{t("admin.districts")}</h2>
      <p class="muted">{t(p.districts.length ? "admin.districtsHint" : "admin.districtsEmpty")}</p>
      {p.districts.length > 0 && (
        <p data-testid="district-list">
          {p.districts.map((d) => (
            <>
              <span class="pill">{d}</span>{" "}
            </>
          ))}
        </p>
      )}
      <form method="post" action="/admin/districts" class="row card" data-testid="district-form">
        <CsrfField token={p.csrf} />
        <Field label={t("admin.districtName")} name="district" issues={p.issues}>
          <input name="district" required maxlength={50} value={v.district ?? ""} />
        </Field>
        <button type="submit" class="primary">
          {t("admin.addDistrict")}
        </button>
      </form>
      <h2>{t("admin.institutions")}</h2>
      <table>
        <thead>
          <tr>
            <th>{t("field.name")}</th>
            <th>{t("admin.institutionKind")}</th>
          </tr>
        </thead>
        <tbody>
          {p.institutions.map((i) => (
            <tr>
              <td>{instName(i.code)}</td>
              <td>{t(`institution.kind.${i.kind}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
