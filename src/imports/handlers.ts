// Every kind of import the engine knows, by kind. The reader thread loads this module too, so a
// handler module must be importable without side effects. Add one line per kind.

import { baselineImport } from "../stats/import";
import { suspectsImport } from "../suspects/import";
import { targetsImport } from "../targets/import";
import type { AnyImportHandler } from "./handler";

export const IMPORT_HANDLERS: Record<string, AnyImportHandler> = {
  [suspectsImport.kind]: suspectsImport,
  [baselineImport.kind]: baselineImport,
  [targetsImport.kind]: targetsImport,
};
