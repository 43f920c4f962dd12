/**
 * Structured fixes: an explanation's remedy as EC2 API calls ({action, params} with the API's member
 * names, exactly the input an AWS SDK takes), and the one renderer that turns such a call into an AWS CLI
 * command line (`aws ec2 <kebab-action> --param value …`) or into EC2 Query parameters (the console's
 * "Apply fix"). Pure code with no imports: the CLI (cli/net-format.ts) and the console bundle use it.
 *
 * CLI rendering follows the AWS CLI's own rules: an option is the member name in kebab case (botocore's
 * xform_name), a list of scalars is space-separated values, a structure or list of structures is JSON, a
 * boolean is a flag (`--x` / `--no-x`), and so is a `{Value: boolean}` structure (the CLI's top-level
 * boolean customization: `--no-source-dest-check`); create-, replace- and delete-network-acl-entry
 * spell `--no-egress` as `--ingress`. Values that are not shell-safe are single-quoted.
 *
 * Fidelity notes: Query names follow the ec2Query rule (a member's query name, else its member name);
 * the two members fixes use whose query name differs from the member name are listed in QUERY_NAMES and
 * checked against the wire model by fix-command.test.ts.
 */

export type FixValue = string | number | boolean | FixValue[] | { [k: string]: FixValue };

export interface Fix {
  /** The EC2 API action (CreateRoute, AuthorizeSecurityGroupIngress, …). */
  action: string;
  /** Its input, with the API's member names (as the SDKs take it). */
  params: Record<string, FixValue>;
  /** Where the call must be made (account and region of the component it changes). */
  account?: string;
  region?: string;
}

/** botocore's xform_name: CamelCase member or action name → kebab-case CLI name. */
export function kebab(name: string): string {
  return name
    .replace(/(.)([A-Z][a-z]+)/g, "$1-$2")
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase();
}

/** Options the AWS CLI spells differently from the generated `--no-<name>`. */
const CLI_FALSE_ALIASES: Record<string, string> = { "create-network-acl-entry egress": "ingress", "replace-network-acl-entry egress": "ingress", "delete-network-acl-entry egress": "ingress" };

function shellWord(s: string): string {
  return /^[A-Za-z0-9_.\/:@,+=%-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function isBoolStruct(v: FixValue): v is { Value: boolean } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as Record<string, FixValue>).Value === "boolean";
}

/** The AWS CLI command line for a fix. */
export function fixCommand(f: Fix): string {
  const verb = kebab(f.action);
  const words = ["aws", "ec2", verb];
  for (const [name, v] of Object.entries(f.params)) {
    const opt = kebab(name);
    const flag = typeof v === "boolean" ? v : isBoolStruct(v) ? v.Value : undefined;
    if (flag !== undefined) {
      words.push(flag ? `--${opt}` : `--${CLI_FALSE_ALIASES[`${verb} ${opt}`] ?? `no-${opt}`}`);
    } else if (Array.isArray(v) && v.every((x) => typeof x !== "object")) {
      words.push(`--${opt}`, ...v.map((x) => shellWord(String(x))));
    } else if (typeof v === "object") {
      words.push(`--${opt}`, shellWord(JSON.stringify(v)));
    } else {
      words.push(`--${opt}`, shellWord(String(v)));
    }
  }
  if (f.region) words.push("--region", f.region);
  return words.join(" ");
}

/** Members whose EC2 Query name is not the member name (queryName trait / locationName). */
const QUERY_NAMES: Record<string, string> = { InstanceIds: "InstanceId", IcmpTypeCode: "Icmp", RouteTableIds: "RouteTableId" };

/** The fix's input as EC2 Query parameters (`Name.1.Sub=value`), without Action and Version. */
export function fixQuery(f: Fix): [string, string][] {
  const out: [string, string][] = [];
  const walk = (prefix: string, v: FixValue): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(`${prefix}.${i + 1}`, x));
    else if (typeof v === "object") for (const [k, x] of Object.entries(v)) walk(`${prefix}.${QUERY_NAMES[k] ?? k}`, x);
    else out.push([prefix, String(v)]);
  };
  for (const [k, v] of Object.entries(f.params)) walk(QUERY_NAMES[k] ?? k, v);
  return out;
}
