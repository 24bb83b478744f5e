// Each role signs in through the real page and lands on its own home screen.
import { describe, expect, test } from "bun:test";
import { browserSuite } from "./harness";

const suite = browserSuite();

const ROLES = [
  { role: "agent", heading: "预警坐席", tile: "待预警对象" },
  { role: "bank", institution: "ICBC", heading: "银行驻点", tile: "本机构待办指令" },
  { role: "carrier", institution: "CMCC", heading: "运营商驻点", tile: "本机构待办指令" },
  { role: "publicity", heading: "宣传", tile: "近30天高危对象" },
  { role: "supervisor", heading: "指挥督办", tile: "反馈超时" },
  { role: "admin", heading: "系统管理员", tile: "用户" },
] as const;

describe("home screen per role", () => {
  for (const r of ROLES) {
    test(`a ${r.role} signs in and sees the ${r.role} home screen in Chinese`, async () => {
      const { page, errors, context } = await suite.open(r.role, {
        institution: "institution" in r ? r.institution : undefined,
      });
      expect(await page.textContent('[data-testid="home-title"]')).toContain(r.heading);
      expect(await page.textContent('[data-testid="home-tiles"]')).toContain(r.tile);
      expect(await page.getAttribute("html", "lang")).toBe("zh-CN");
      expect(errors).toEqual([]); // no CSP violations, no missing scripts
      await context.close();
    });
  }

  test("a wrong password keeps the user on the sign-in page with a message", async () => {
    const u = await suite.server.user("agent");
    const page = await suite.browser.newPage();
    await page.goto(`${suite.server.base}/signin`);
    await page.fill('input[name="username"]', u.username);
    await page.fill('input[name="password"]', "wrong-password");
    await page.click('button[type="submit"]');
    expect(await page.textContent(".errors")).toContain("用户名或密码错误");
    await page.close();
  });
});
