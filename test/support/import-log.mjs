// Preload (`node --import ./test/support/import-log.mjs …`) that appends the URL of every module the
// process imports to the file named by $VPCLAB_IMPORT_LOG, one per line. Tests use it to check which
// modules a command loads (e.g. that `vpclab --version` never loads the AWS SDK) without timing anything.
import { register } from "node:module";

const file = process.env.VPCLAB_IMPORT_LOG;
if (!file) throw new Error("import-log.mjs: set VPCLAB_IMPORT_LOG to the file to append imported URLs to");
register("./import-log-hooks.mjs", import.meta.url, { data: { file } });
