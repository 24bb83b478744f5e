// One capability's interface text. The Chinese gives the keys; the English must carry exactly the
// same keys, so a key missing or extra in English fails the type check (NoInfer: the English never
// widens the keys).
export function dictionary<Z extends Record<string, string>>(d: { zh: Z; en: NoInfer<Record<keyof Z, string>> }) {
  return d;
}
