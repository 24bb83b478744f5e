// The banks and carriers with desks in the center: reference data every installation has
// (db/seed.ts writes it; pages name an institution by its code from it).
export const INSTITUTIONS = [
  { code: "ICBC", kind: "bank", nameZh: "中国工商银行", nameEn: "Industrial and Commercial Bank of China" },
  { code: "ABC", kind: "bank", nameZh: "中国农业银行", nameEn: "Agricultural Bank of China" },
  { code: "BOC", kind: "bank", nameZh: "中国银行", nameEn: "Bank of China" },
  { code: "CCB", kind: "bank", nameZh: "中国建设银行", nameEn: "China Construction Bank" },
  { code: "BOCOM", kind: "bank", nameZh: "交通银行", nameEn: "Bank of Communications" },
  { code: "PSBC", kind: "bank", nameZh: "中国邮政储蓄银行", nameEn: "Postal Savings Bank of China" },
  { code: "CMB", kind: "bank", nameZh: "招商银行", nameEn: "China Merchants Bank" },
  { code: "CMCC", kind: "carrier", nameZh: "中国移动", nameEn: "China Mobile" },
  { code: "CUCC", kind: "carrier", nameZh: "中国联通", nameEn: "China Unicom" },
  { code: "CTCC", kind: "carrier", nameZh: "中国电信", nameEn: "China Telecom" },
  { code: "CBN", kind: "carrier", nameZh: "中国广电", nameEn: "China Broadnet" },
] as const;
